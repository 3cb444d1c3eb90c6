package models

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
)

// SeedPerson is one person a partner signed up to a seeded session, and
// whether they came.
type SeedPerson struct {
	Partner int // index in DaySeed.Partners
	RegistrationInput
	Cancelled bool // cancelled by the participant before the day
	Present   bool // ticked present (when the list was ticked)
}

// DaySeed is the past of a held or closed session: who was invited and
// signed up before it, who came, and what was said after. For the demo
// and for tests only.
type DaySeed struct {
	// InvitedAt is when the partners were invited (their links sent);
	// people sign up over the following days, before the session starts.
	InvitedAt time.Time
	// Partners are organisations of the CLSM's address book, by name, or
	// added to it.
	Partners []OrganisationInput
	People   []SeedPerson
	// Ticked: the facilitator ticked the list (every confirmed person is
	// present or not), when the session became held. Otherwise SheetCount
	// must be set: the coordinator typed the count of the signed sheet.
	Ticked     bool
	WalkIns    []WalkInInput
	SheetCount *int
	Phones     PhonesInput
	// Debrief is the facilitator's, written at DebriefedAt; a closed
	// session must have one.
	Debrief     *Debrief
	DebriefedAt time.Time
}

// SeedDay writes the past of a held or closed session in one transaction,
// with the times a real life would have left (no email is queued: it is
// all over). The session must have no partner yet. Registrations are
// confirmed within the session's capacity and each partner's cap, waiting
// beyond it; only confirmed people can be ticked present.
func (s *Store) SeedDay(ctx context.Context, sessionID int64, in DaySeed) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var se Session
		if err := tx.Take(&se, sessionID).Error; err != nil {
			return notFound(err, "session")
		}
		var r Request
		if err := tx.Where("session_id = ?", se.ID).Take(&r).Error; err != nil {
			return notFound(err, "request")
		}
		if se.State != SessionHeld && se.State != SessionClosed {
			return fmt.Errorf("seed day of session %d: it is %s, not held or closed", se.ID, se.State)
		}
		if se.State == SessionClosed && in.Debrief == nil {
			return fmt.Errorf("seed day of session %d: a closed session has a debrief", se.ID)
		}
		if !in.Ticked && in.SheetCount == nil {
			return fmt.Errorf("seed day of session %d: a held session has its attendance (ticks or the sheet's count)", se.ID)
		}
		if len(in.Partners) == 0 || !in.InvitedAt.Before(se.StartsAt) {
			return fmt.Errorf("seed day of session %d: partners invited before it starts", se.ID)
		}
		var n int64
		if err := tx.Model(&SessionPartner{}).Where("session_id = ?", se.ID).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("seed day of session %d: it has partners already", se.ID)
		}
		held := se.EndsAt
		if se.HeldAt != nil {
			held = *se.HeldAt
		}
		var clsm CLSM
		if err := tx.Take(&clsm, r.CLSMID).Error; err != nil {
			return notFound(err, "clsm")
		}
		coordID := clsm.CoordinatorID

		// The partners, invited at InvitedAt.
		partners := make([]SessionPartner, len(in.Partners))
		for i, oi := range in.Partners {
			var org Organisation
			err := tx.Where("clsm_id = ? AND name = ?", r.CLSMID, strings.TrimSpace(oi.Name)).Take(&org).Error
			if err != nil {
				org = Organisation{CLSMID: r.CLSMID, Name: strings.TrimSpace(oi.Name), Kind: oi.Kind, ContactName: oi.ContactName,
					ContactEmail: oi.ContactEmail, CreatedAt: in.InvitedAt, UpdatedAt: in.InvitedAt}
				if err := tx.Create(&org).Error; err != nil {
					return fmt.Errorf("seed partner %s: %w", oi.Name, err)
				}
			}
			at := in.InvitedAt
			partners[i] = SessionPartner{SessionID: se.ID, OrganisationID: org.ID, LinkSentAt: &at, CreatedBy: coordID, CreatedAt: at, UpdatedAt: at}
			if err := tx.Create(&partners[i]).Error; err != nil {
				return fmt.Errorf("seed partner %s: %w", oi.Name, err)
			}
			if err := audit(tx, coordID, "session", se.ID, "partner", "structure invitée : "+org.Name, at); err != nil {
				return err
			}
		}

		// The people, signed up in turn before the session.
		step := se.StartsAt.Sub(in.InvitedAt) / time.Duration(len(in.People)+2)
		confirmed, perPartner := 0, map[int]int{}
		for i, p := range in.People {
			pin, f := p.RegistrationInput.Problems()
			if len(f) > 0 || p.Partner < 0 || p.Partner >= len(partners) {
				return fmt.Errorf("seed person %d of session %d: %v", i, se.ID, f)
			}
			at := in.InvitedAt.Add(step * time.Duration(i+1))
			reg := Registration{SessionID: se.ID, PartnerID: partners[p.Partner].ID, FirstName: pin.FirstName, LastName: pin.LastName,
				Email: pin.Email, Category: pin.Category, Role: pin.Role, Accommodations: strings.Join(pin.Accommodations, ","),
				CreatedAt: at, UpdatedAt: at}
			switch {
			case p.Cancelled:
				gone := at.Add(step / 2)
				reg.State, reg.CancelledAt, reg.CancelledBy, reg.UpdatedAt = RegistrationCancelled, &gone, "participant", gone
			case perPartner[p.Partner] >= se.OrgCap:
				return fmt.Errorf("seed person %d of session %d: partner %d over its cap", i, se.ID, p.Partner)
			case confirmed < se.Capacity:
				reg.State, reg.ConfirmedAt = RegistrationConfirmed, &at
				confirmed++
			default:
				reg.State = RegistrationWaiting
			}
			if !p.Cancelled {
				perPartner[p.Partner]++
			}
			if err := tx.Create(&reg).Error; err != nil {
				return fmt.Errorf("seed person %d of session %d: %w", i, se.ID, err)
			}
			if in.Ticked && reg.State == RegistrationConfirmed {
				// Ticked when the session became held, a few seconds apart.
				t := held.Add(time.Duration(i) * 10 * time.Second)
				if err := tx.Create(&Attendance{SessionID: se.ID, RegistrationID: &reg.ID, Present: p.Present,
					RecordedBy: &se.FacilitatorID, CreatedAt: t, UpdatedAt: t}).Error; err != nil {
					return err
				}
			}
		}
		for i, w := range in.WalkIns {
			w, f := w.Problems()
			if len(f) > 0 {
				return fmt.Errorf("seed walk-in %d of session %d: %v", i, se.ID, f)
			}
			t := held.Add(time.Duration(len(in.People)+i) * 10 * time.Second)
			if err := tx.Create(&Attendance{SessionID: se.ID, FirstName: w.FirstName, LastName: w.LastName, Organisation: w.Organisation,
				Category: w.Category, Present: true, RecordedBy: &se.FacilitatorID, CreatedAt: t, UpdatedAt: t}).Error; err != nil {
				return err
			}
		}

		// The day's row: phones, the sheet's count, the debrief.
		phones, f := in.Phones.Problems()
		if len(f) > 0 {
			return fmt.Errorf("seed phones of session %d: %v", se.ID, f)
		}
		day := SessionDay{SessionID: se.ID, FacilitatorPhone: phones.Facilitator, CoordinatorPhone: phones.Coordinator, UpdatedAt: in.InvitedAt}
		if in.SheetCount != nil {
			if *in.SheetCount < 0 || *in.SheetCount > MaxSheetCount {
				return fmt.Errorf("seed sheet count of session %d: %d", se.ID, *in.SheetCount)
			}
			c, at := *in.SheetCount, held
			day.SheetCount, day.CountedBy, day.CountedAt, day.UpdatedAt = &c, coordID, &at, at
			if err := audit(tx, coordID, "session", se.ID, "sheet_count", fmt.Sprintf("émargement : %d personne(s)", c), at); err != nil {
				return err
			}
		}
		if in.Debrief != nil {
			d, f := in.Debrief.Problems()
			if len(f) > 0 {
				return fmt.Errorf("seed debrief of session %d: %v", se.ID, f)
			}
			at := in.DebriefedAt
			if at.Before(held) || (se.ClosedAt != nil && at.After(*se.ClosedAt)) || at.After(s.Now()) {
				return fmt.Errorf("seed debrief of session %d: written at %s, not between its end and its closing", se.ID, at)
			}
			day.Debrief, day.DebriefedBy, day.DebriefedAt, day.UpdatedAt = d, &se.FacilitatorID, &at, at
			if err := audit(tx, &se.FacilitatorID, "session", se.ID, "debrief", "bilan de la séance enregistré", at); err != nil {
				return err
			}
		}
		return tx.Create(&day).Error
	})
}
