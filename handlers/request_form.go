package handlers

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"quartier/models"
)

// requestForm is the session request form exactly as typed: strings, so
// that a form sent back with errors shows everything that was typed. The
// comment on each field is its name in the HTML form (a contract: tests
// and other pages post these names).
type requestForm struct {
	CLSM          string       // clsm: the CLSM's id (pre-filled)
	Commune       string       // commune: INSEE code, postcode, name, or « Nom (INSEE) »
	QPVs          []string     // qpvs: codes of the CLSM's quartiers, checked
	OtherQPVs     string       // other_qpvs: other quartiers, codes or names, comma-separated
	VenueName     string       // venue_name
	VenueAddress  string       // venue_address
	StepFree      string       // step_free: yes | no | unknown
	Format        string       // format: in_person | remote
	RemoteURL     string       // remote_url
	Audience      []string     // audience: residents | elected | professionals | volunteers
	ExpectedCount string       // expected_count
	Partners      string       // partners: one organisation per line
	Windows       []windowForm // windows[i].date, .until, .weekdays, .part
	Constraints   string       // constraints
	Notes         string       // notes
	Action        string       // action: draft, submit or stay (the button pressed)

	// Warnings are shown next to a field without refusing the form: a
	// window on a public holiday of the commune.
	Warnings map[string]string
}

// holidayWarnings keys models.HolidayWarnings by the windows' date fields.
func holidayWarnings(ws []models.RequestWindow, communeINSEE string) map[string]string {
	out := map[string]string{}
	for i, m := range models.HolidayWarnings(ws, communeINSEE) {
		out[fmt.Sprintf("windows[%d].date", i)] = m
	}
	return out
}

// windowForm is one preferred window as typed: a date (the first day of a
// period), an optional end date, weekdays (for a period) and a part of day.
type windowForm struct {
	Date, Until, Part string
	Weekdays          []string
}

func (w windowForm) blank() bool {
	return strings.TrimSpace(w.Date) == "" && strings.TrimSpace(w.Until) == "" && w.Part == "" && len(w.Weekdays) == 0
}

// maxWindowRows bounds the rows of windows read from a form.
const maxWindowRows = 20

var windowField = regexp.MustCompile(`^windows\[(\d+)\]\.(date|until|part|weekdays)$`)

// bindRequestForm reads the form from posted values. Blank window rows are
// dropped, the others keep their order.
func bindRequestForm(v url.Values) requestForm {
	f := requestForm{
		CLSM: v.Get("clsm"), Commune: strings.TrimSpace(v.Get("commune")), QPVs: v["qpvs"],
		OtherQPVs: strings.TrimSpace(v.Get("other_qpvs")), VenueName: strings.TrimSpace(v.Get("venue_name")),
		VenueAddress: strings.TrimSpace(v.Get("venue_address")), StepFree: v.Get("step_free"), Format: v.Get("format"),
		RemoteURL: strings.TrimSpace(v.Get("remote_url")), Audience: v["audience"],
		ExpectedCount: strings.TrimSpace(v.Get("expected_count")), Partners: strings.TrimSpace(v.Get("partners")),
		Constraints: strings.TrimSpace(v.Get("constraints")), Notes: strings.TrimSpace(v.Get("notes")), Action: v.Get("action"),
	}
	rows := map[int]*windowForm{}
	for key, vals := range v {
		m := windowField.FindStringSubmatch(key)
		if m == nil {
			continue
		}
		i, err := strconv.Atoi(m[1])
		if err != nil || i >= maxWindowRows {
			continue
		}
		w := rows[i]
		if w == nil {
			w = &windowForm{}
			rows[i] = w
		}
		switch m[2] {
		case "date":
			w.Date = strings.TrimSpace(vals[0])
		case "until":
			w.Until = strings.TrimSpace(vals[0])
		case "part":
			w.Part = vals[0]
		case "weekdays":
			w.Weekdays = vals
		}
	}
	idx := make([]int, 0, len(rows))
	for i := range rows {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		if !rows[i].blank() {
			f.Windows = append(f.Windows, *rows[i])
		}
	}
	return f
}

// requestFormOf fills the form from a stored request, for editing.
func (h *Handler) requestFormOf(r models.Request, clsmQPVs []models.QPV, qpvNames map[string]string) requestForm {
	f := requestForm{
		CLSM: strconv.FormatInt(r.CLSMID, 10), VenueName: r.VenueName, VenueAddress: r.VenueAddress,
		StepFree: string(r.StepFree), Format: string(r.Format), RemoteURL: r.RemoteURL,
		Partners: strings.Join(r.PartnerList(), "\n"), Constraints: r.Constraints, Notes: r.Notes,
	}
	if c, ok := h.geo.Commune(r.CommuneINSEE); ok {
		f.Commune = c.Label()
	}
	own := map[string]bool{}
	for _, q := range clsmQPVs {
		own[q.Code] = true
	}
	var others []string
	for _, code := range r.QPVs {
		if own[code] {
			f.QPVs = append(f.QPVs, code)
		} else {
			others = append(others, fmt.Sprintf("%s (%s)", qpvNames[code], code))
		}
	}
	f.OtherQPVs = strings.Join(others, ", ")
	for _, a := range audienceOptions() {
		if a.set(r) {
			f.Audience = append(f.Audience, a.Value)
		}
	}
	if r.ExpectedCount > 0 {
		f.ExpectedCount = strconv.Itoa(r.ExpectedCount)
	}
	for _, w := range r.Windows {
		wf := windowForm{Date: w.DateFrom.Format(isoDay), Part: string(w.Part)}
		if w.Kind == models.WindowRange {
			wf.Until = w.DateTo.Format(isoDay)
			for _, n := range w.WeekdayList() {
				wf.Weekdays = append(wf.Weekdays, strconv.Itoa(n))
			}
		}
		f.Windows = append(f.Windows, wf)
	}
	return f
}

const isoDay = "2006-01-02"

// formChoice is one choice of a radio group, checkbox group or select.
type formChoice struct{ Value, Label string }

// audienceOption is one category of the expected audience.
type audienceOption struct {
	formChoice
	set func(models.Request) bool
}

func audienceOptions() []audienceOption {
	return []audienceOption{
		{formChoice{"residents", "Habitant·e·s"}, func(r models.Request) bool { return r.AudienceResidents }},
		{formChoice{"elected", "Élu·e·s"}, func(r models.Request) bool { return r.AudienceElected }},
		{formChoice{"professionals", "Professionnel·le·s"}, func(r models.Request) bool { return r.AudienceProfessionals }},
		{formChoice{"volunteers", "Bénévoles"}, func(r models.Request) bool { return r.AudienceVolunteers }},
	}
}

func stepFreeOptions() []formChoice {
	var out []formChoice
	for _, s := range models.StepFrees() {
		out = append(out, formChoice{string(s), s.Label()})
	}
	return out
}

func formatOptions() []formChoice {
	var out []formChoice
	for _, f := range models.SessionFormats() {
		out = append(out, formChoice{string(f), f.Label()})
	}
	return out
}

func partOptions() []formChoice {
	var out []formChoice
	for _, p := range models.DayParts() {
		out = append(out, formChoice{string(p), p.LabelWithHours()})
	}
	return out
}

func weekdayOptions() []formChoice {
	return []formChoice{{"1", "lun."}, {"2", "mar."}, {"3", "mer."}, {"4", "jeu."}, {"5", "ven."}, {"6", "sam."}}
}

// fieldOrder lists the form's fields in page order, so the error summary
// reads in the order a person fills in the form.
func (f requestForm) fieldOrder() []string {
	out := []string{"clsm", "commune", "qpvs", "other_qpvs", "venue_name", "venue_address", "step_free", "format",
		"remote_url", "audience", "expected_count", "partners", "windows"}
	for i := range max(len(f.Windows), models.MinWindows) + 1 {
		for _, k := range []string{"date", "until", "weekdays", "part"} {
			out = append(out, fmt.Sprintf("windows[%d].%s", i, k))
		}
	}
	return append(out, "constraints", "notes", "")
}

// orderedErrors lists errs in the form's order, for the summary.
func (f requestForm) orderedErrors(errs map[string]string) []fieldError {
	var out []fieldError
	seen := map[string]bool{}
	for _, k := range f.fieldOrder() {
		if m, ok := errs[k]; ok {
			out = append(out, fieldError{ID: fieldID(k), Message: m})
			seen[k] = true
		}
	}
	for k, m := range errs {
		if !seen[k] {
			out = append(out, fieldError{ID: fieldID(k), Message: m})
		}
	}
	return out
}
