package demo

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"quartier/models"
)

// signups invites partners to the programme's scheduled, held and closed
// sessions and registers their people: 3 to 8 organisations of the CLSM
// per session (its address book grows from the partner templates when it
// holds fewer), 8 to 22 people within the caps of the session and of each
// organisation, beyond the capacity on the waiting list, and about one in
// ten cancelled (who hold no place). One session in three is in a
// smaller room (12 to 18 places), where people end up waiting.
func (g *generator) signups(rows *programmeRows, rng *rand.Rand, clsms []*scaleCLSM) {
	byRequest := map[int64]*scaleCLSM{}
	for i := range rows.requests {
		r := &rows.requests[i]
		for _, c := range clsms {
			if c.row.ID == r.CLSMID {
				byRequest[r.ID] = c
			}
		}
	}
	for si := range rows.sessions {
		se := &rows.sessions[si]
		if se.State != models.SessionScheduled && se.State != models.SessionHeld && se.State != models.SessionClosed {
			continue
		}
		c := byRequest[se.RequestID]
		if c == nil {
			continue
		}
		if rng.IntN(3) == 0 {
			se.Capacity = 12 + 2*rng.IntN(4) // a smaller room: some wait
		}
		n := 3 + rng.IntN(6)
		g.growAddressBook(rows, c, n, se.CreatedAt)
		invited := se.CreatedAt
		if se.ScheduledAt != nil {
			invited = se.ScheduledAt.Add(24 * time.Hour)
		}
		var partners []models.SessionPartner
		for _, oi := range rng.Perm(len(c.partners))[:n] {
			org := c.partners[oi]
			sent := invited
			p := models.SessionPartner{ID: g.id("session_partners"), SessionID: se.ID, OrganisationID: org.ID, LinkSentAt: &sent,
				CreatedBy: &c.coord.ID, CreatedAt: invited, UpdatedAt: invited}
			partners = append(partners, p)
			// The two lines models.InvitePartner writes.
			rows.audits = append(rows.audits,
				models.AuditEvent{ID: g.id("audit_events"), ActorID: &c.coord.ID, ObjectType: "session",
					ObjectID: se.ID, Action: "partner", Detail: "structure invitée : " + org.Name, CreatedAt: invited},
				models.AuditEvent{ID: g.id("audit_events"), ActorID: &c.coord.ID, ObjectType: "session_partner",
					ObjectID: p.ID, Action: "link_sent", Detail: "lien d’inscription envoyé à " + org.ContactEmail, CreatedAt: invited})
		}
		rows.partners = append(rows.partners, partners...)
		target := min(8+rng.IntN(15), n*se.OrgCap) // live registrations
		held := map[int64]int{}
		confirmed := 0
		for live, i := 0, 0; live < target; i++ {
			p := partners[rng.IntN(len(partners))]
			for held[p.ID] >= se.OrgCap {
				p = partners[(indexOf(partners, p.ID)+1)%len(partners)]
			}
			at := invited.Add(time.Duration(1+i) * 3 * time.Hour)
			first, last := scaleFirstNames[rng.IntN(len(scaleFirstNames))], scaleLastNames[rng.IntN(len(scaleLastNames))]
			id := g.id("registrations")
			reg := models.Registration{ID: id, SessionID: se.ID, PartnerID: p.ID, FirstName: first, LastName: last,
				Email:    fmt.Sprintf("%s.%s.%d@participants.example.fr", slug(first), slug(last), id),
				Category: models.Categories[rng.IntN(len(models.Categories))], CreatedAt: at, UpdatedAt: at}
			if rng.IntN(4) == 0 {
				reg.Accommodations = string(models.Accommodations[rng.IntN(len(models.Accommodations))])
			}
			switch {
			case rng.IntN(10) == 0: // cancelled: holds no place
				cancelled := at.Add(48 * time.Hour)
				reg.State, reg.CancelledAt, reg.CancelledBy = models.RegistrationCancelled, &cancelled, "participant"
			case confirmed < se.Capacity:
				reg.State, reg.ConfirmedAt = models.RegistrationConfirmed, &at
				confirmed++
			default:
				reg.State = models.RegistrationWaiting
			}
			if reg.State != models.RegistrationCancelled {
				held[p.ID]++
				live++
			}
			rows.registrations = append(rows.registrations, reg)
		}
	}
}

// growAddressBook adds organisations to c from the partner templates
// until it holds n (or every template is used).
func (g *generator) growAddressBook(rows *programmeRows, c *scaleCLSM, n int, at time.Time) {
	have := map[string]bool{}
	for _, o := range c.partners {
		have[o.Name] = true
	}
	for _, tpl := range scalePartners {
		if len(c.partners) >= n {
			return
		}
		where := c.town.Name
		if strings.Contains(tpl[0], "social %s") || strings.Contains(tpl[0], "sociale %s") {
			where = c.qpvs[0].Name
			if i := strings.Index(where, " ("); i > 0 {
				where = where[:i]
			}
		}
		name := fmt.Sprintf(tpl[0], where)
		if have[name] {
			continue
		}
		have[name] = true
		org := models.Organisation{ID: g.id("organisations"), CLSMID: c.row.ID, Name: name, Kind: models.OrgKind(tpl[1]),
			ContactEmail: "contact@" + slug(name) + ".example.fr", CreatedAt: at, UpdatedAt: at}
		c.orgs = append(c.orgs, name)
		c.partners = append(c.partners, org)
		rows.orgs = append(rows.orgs, org)
		rows.audits = append(rows.audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &c.coord.ID, ObjectType: "clsm", ObjectID: c.row.ID,
			Action: "partner", Detail: "structure partenaire ajoutée : " + name, CreatedAt: at})
	}
}

func indexOf(ps []models.SessionPartner, id int64) int {
	for i, p := range ps {
		if p.ID == id {
			return i
		}
	}
	return 0
}

// days gives the programme's held and closed sessions what the plain
// demo's have (dayOf): two in three ticked by their facilitator (75 to
// 90 % of the confirmed present, up to 3 walk-ins), the others counted
// from the signed sheet by the coordinator; the day's phones; a debrief,
// a few days after, for the closed ones (a held one has none: the close
// sweep would close it otherwise).
func (g *generator) days(rows *programmeRows, rng *rand.Rand, clsms []*scaleCLSM) {
	coordOf := map[int64]*scaleCLSM{}
	for i := range rows.requests {
		for _, c := range clsms {
			if c.row.ID == rows.requests[i].CLSMID {
				coordOf[rows.requests[i].ID] = c
			}
		}
	}
	confirmed := map[int64][]int64{}
	for _, r := range rows.registrations {
		if r.State == models.RegistrationConfirmed {
			confirmed[r.SessionID] = append(confirmed[r.SessionID], r.ID)
		}
	}
	categories := []models.Category{models.CategoryResident, models.CategoryResident, models.CategoryProfessional, models.CategoryVolunteer, models.CategoryElected}
	phone := func(prefix string) string {
		return fmt.Sprintf("%s %02d %02d %02d %02d", prefix, rng.IntN(100), rng.IntN(100), rng.IntN(100), rng.IntN(100))
	}
	for si := range rows.sessions {
		se := &rows.sessions[si]
		c := coordOf[se.RequestID]
		if (se.State != models.SessionHeld && se.State != models.SessionClosed) || c == nil || se.HeldAt == nil {
			continue
		}
		held := *se.HeldAt
		regs := confirmed[se.ID]
		day := models.SessionDay{SessionID: se.ID, FacilitatorPhone: phone("06"), CoordinatorPhone: phone("03"), UpdatedAt: held}
		lo, hi := (len(regs)*75+99)/100, len(regs)*90/100
		present := lo + rng.IntN(max(hi-lo, 0)+1)
		walkIns := rng.IntN(4)
		if rng.IntN(3) == 0 && se.RemoteURL == "" {
			n, at := present+walkIns, held
			day.SheetCount, day.CountedBy, day.CountedAt = &n, &c.coord.ID, &at
			rows.audits = append(rows.audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &c.coord.ID, ObjectType: "session", ObjectID: se.ID,
				Action: "sheet_count", Detail: fmt.Sprintf("émargement : %d personne(s)", n), CreatedAt: at})
		} else {
			in := map[int]bool{}
			for _, k := range rng.Perm(len(regs))[:present] {
				in[k] = true
			}
			fac := se.FacilitatorID
			for k, id := range regs {
				at := held.Add(time.Duration(k) * 10 * time.Second)
				reg := id
				rows.attendances = append(rows.attendances, models.Attendance{ID: g.id("attendances"), SessionID: se.ID, RegistrationID: &reg,
					Present: in[k], RecordedBy: &fac, CreatedAt: at, UpdatedAt: at})
			}
			for w := range walkIns {
				at := held.Add(time.Duration(len(regs)+w) * 10 * time.Second)
				a := models.Attendance{ID: g.id("attendances"), SessionID: se.ID, Present: true, RecordedBy: &fac, CreatedAt: at, UpdatedAt: at,
					FirstName: scaleFirstNames[rng.IntN(len(scaleFirstNames))], LastName: scaleLastNames[rng.IntN(len(scaleLastNames))],
					Category: categories[rng.IntN(len(categories))]}
				if rng.IntN(3) > 0 && len(c.orgs) > 0 {
					a.Organisation = c.orgs[rng.IntN(len(c.orgs))]
				}
				rows.attendances = append(rows.attendances, a)
			}
		}
		if se.State == models.SessionClosed {
			at := held.Add(time.Duration(1+rng.IntN(5))*24*time.Hour + time.Duration(rng.IntN(300))*time.Minute)
			if se.ClosedAt != nil && at.After(*se.ClosedAt) {
				at = se.ClosedAt.Add(-time.Hour)
			}
			fac := se.FacilitatorID
			day.Debrief, day.DebriefedBy, day.DebriefedAt, day.UpdatedAt = debriefOf(rng, ""), &fac, &at, at
			rows.audits = append(rows.audits, models.AuditEvent{ID: g.id("audit_events"), ActorID: &fac, ObjectType: "session", ObjectID: se.ID,
				Action: "debrief", Detail: "bilan de la séance enregistré", CreatedAt: at})
		}
		rows.days = append(rows.days, day)
	}
}
