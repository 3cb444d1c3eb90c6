package models

import (
	"slices"
	"strings"
	"time"

	"gorm.io/gorm"
)

// editedPrefix starts the comment of an edit event; the names of the
// fields that changed follow, in the form's order.
const editedPrefix = "Modifié : "

// EditedFields returns the French names of the fields an edit event
// changed, in the form's order ("lieu, créneaux"), and false for any
// other event or an edit recorded before the fields were listed.
func (e RequestEvent) EditedFields() (string, bool) {
	if e.FromState != e.ToState || !strings.HasPrefix(e.Comment, editedPrefix) {
		return "", false
	}
	return strings.TrimSuffix(strings.TrimPrefix(e.Comment, editedPrefix), "."), true
}

// editComment is the comment of an edit event: the fields that changed.
// An edit that changes nothing is not recorded.
func editComment(fields []string) string {
	return editedPrefix + strings.Join(fields, ", ") + "."
}

// changedFields names, in French and in the form's order, the parts of a
// request that in changes. in must be normalised.
func changedFields(tx *gorm.DB, old Request, in RequestInput) ([]string, error) {
	var qpvs []string
	if err := tx.Table("request_qpvs").Where("request_id = ?", old.ID).Order("qpv_code").Pluck("qpv_code", &qpvs).Error; err != nil {
		return nil, err
	}
	var windows []RequestWindow
	if err := tx.Where("request_id = ?", old.ID).Order("position").Find(&windows).Error; err != nil {
		return nil, err
	}
	var out []string
	add := func(changed bool, name string) {
		if changed && !slices.Contains(out, name) {
			out = append(out, name)
		}
	}
	add(old.CommuneINSEE != in.CommuneINSEE, "commune")
	add(!slices.Equal(qpvs, in.QPVs), "quartiers")
	add(old.Format != in.Format || old.RemoteURL != in.RemoteURL, "format")
	add(old.VenueName != in.VenueName || old.VenueAddress != in.VenueAddress, "lieu")
	add(old.StepFree != in.StepFree, "accès de plain-pied")
	add(old.AudienceResidents != in.AudienceResidents || old.AudienceElected != in.AudienceElected ||
		old.AudienceProfessionals != in.AudienceProfessionals || old.AudienceVolunteers != in.AudienceVolunteers, "publics")
	add(old.ExpectedCount != in.ExpectedCount, "nombre de personnes")
	add(old.Partners != strings.Join(in.Partners, "\n"), "structures partenaires")
	add(!sameWindows(windows, in.Windows) || old.TimeZone != in.TimeZone, "créneaux")
	add(old.Constraints != in.Constraints, "contraintes")
	add(old.Notes != in.Notes, "remarques")
	return out, nil
}

// sameWindows compares windows as writeContent stores them.
func sameWindows(old, in []RequestWindow) bool {
	if len(old) != len(in) {
		return false
	}
	day := func(t time.Time) string { return CalendarDay(t).Format(time.DateOnly) }
	for i, w := range in {
		o := old[i]
		to, weekdays := w.DateTo, w.Weekdays
		if w.Kind != WindowRange {
			to, weekdays = w.DateFrom, ""
		}
		if o.Kind != w.Kind || o.Part != w.Part || day(o.DateFrom) != day(w.DateFrom) ||
			day(o.DateTo) != day(to) || o.Weekdays != weekdays {
			return false
		}
	}
	return true
}
