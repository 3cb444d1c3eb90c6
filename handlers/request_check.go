package handlers

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"quartier/frtime"
	"quartier/models"
	"quartier/territory"
)

// maxExpected bounds the number of people expected at a session. The
// lengths of the text fields are bounded by limitFor and the models.
const maxExpected = 500

// checkedRequest is a request form once read: what to store, and the
// French message of each field at fault.
type checkedRequest struct {
	clsmID int64
	input  models.RequestInput
	errs   map[string]string
}

// checkRequestForm validates f for one of the coordinator's CLSMs: every
// field well-formed, and with submit, everything a request needs (the
// rules of models.RequestInput.Problems and models.CheckWindows). The
// commune and quartiers are resolved here; a commune resolved from a name
// is written back in its canonical form.
func (h *Handler) checkRequestForm(ctx context.Context, f *requestForm, clsms []models.CLSM, submit bool) (checkedRequest, error) {
	out := checkedRequest{errs: map[string]string{}}
	e := out.errs
	in := &out.input

	var clsm *models.CLSM
	for i := range clsms {
		if strconv.FormatInt(clsms[i].ID, 10) == f.CLSM || (f.CLSM == "" && len(clsms) == 1) {
			clsm = &clsms[i]
		}
	}
	if clsm == nil {
		e["clsm"] = "Choisissez l’un de vos CLSM."
	} else {
		out.clsmID = clsm.ID
		f.CLSM = strconv.FormatInt(clsm.ID, 10)
		in.TimeZone = territory.TimeZone(clsm.DepartementCode)
	}

	if f.Commune != "" {
		c, msg := h.geo.ResolveCommune(f.Commune)
		if msg != "" {
			e["commune"] = msg
		} else {
			in.CommuneINSEE = c.INSEE
			in.TimeZone = territory.TimeZone(c.Departement)
			f.Commune = c.LabelFor(f.Commune)
		}
	}

	in.QPVs = append([]string(nil), f.QPVs...)
	// The count of other_qpvs is bounded before any handler runs (limitFor).
	codes, msg, err := h.resolveQPVs(ctx, territory.SplitQPVList(f.OtherQPVs))
	if err != nil {
		return out, err
	}
	if msg != "" {
		e["other_qpvs"] = msg
	}
	in.QPVs = append(in.QPVs, codes...)

	in.VenueName, in.VenueAddress = f.VenueName, f.VenueAddress
	in.StepFree = models.StepFree(f.StepFree)
	in.Format = models.SessionFormat(f.Format)
	in.RemoteURL = f.RemoteURL
	if in.Format == models.FormatInPerson {
		in.RemoteURL = "" // a link left in a hidden-by-choice field is not stored
	}
	for _, a := range f.Audience {
		switch a {
		case "residents":
			in.AudienceResidents = true
		case "elected":
			in.AudienceElected = true
		case "professionals":
			in.AudienceProfessionals = true
		case "volunteers":
			in.AudienceVolunteers = true
		default:
			e["audience"] = "Choisissez parmi les publics proposés."
		}
	}
	if f.ExpectedCount != "" {
		n, err := strconv.Atoi(strings.TrimSpace(f.ExpectedCount))
		switch {
		case err != nil:
			e["expected_count"] = "Saisissez un nombre entier de personnes, par exemple 15."
		case n < 1 || n > maxExpected:
			e["expected_count"] = fmt.Sprintf("Indiquez un nombre de personnes entre 1 et %d.", maxExpected)
		default:
			in.ExpectedCount = n
		}
	}
	in.Partners = strings.Split(f.Partners, "\n")
	in.Constraints, in.Notes = f.Constraints, f.Notes

	loc, err := time.LoadLocation(in.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	in.Today = models.CalendarDay(h.now().In(loc))
	in.Earliest = in.Today.Add(h.cfg.Requests.MinLeadTime.Duration)
	h.checkWindows(f.Windows, in, e, submit)
	f.Warnings = holidayWarnings(in.Windows, in.CommuneINSEE)

	// The domain's own rules for the other fields; a message found above
	// (more precise) wins.
	for k, m := range in.Problems(submit) {
		if _, ok := e[k]; !ok && !strings.HasPrefix(k, "windows") {
			e[k] = m
		}
	}
	return out, nil
}

// checkWindows reads each typed window; with submit, it applies the rules
// of models.CheckWindows to the well-formed ones, so that every window's
// problem is shown at once.
func (h *Handler) checkWindows(rows []windowForm, in *models.RequestInput, e map[string]string, submit bool) {
	var good []models.RequestWindow
	var rowOf []int
	for i, r := range rows {
		key := func(field string) string { return fmt.Sprintf("windows[%d].%s", i, field) }
		w := models.RequestWindow{Kind: models.WindowDay, Part: models.DayPart(r.Part)}
		ok := true
		from, okFrom := frtime.ParseDate(r.Date)
		switch {
		case r.Date == "":
			e[key("date")], ok = "Indiquez la date de ce créneau (ou effacez-le entièrement).", false
		case !okFrom:
			e[key("date")], ok = "Saisissez une date valide, par exemple 12/01/2027.", false
		default:
			w.DateFrom, w.DateTo = from, from
		}
		if r.Until != "" {
			to, okTo := frtime.ParseDate(r.Until)
			switch {
			case !okTo:
				e[key("until")], ok = "Saisissez une date de fin valide, par exemple 29/01/2027, ou laissez ce champ vide pour une seule journée.", false
			case okFrom && !to.Equal(from):
				w.Kind, w.DateTo = models.WindowRange, to
			}
		}
		var days []string
		for _, d := range r.Weekdays {
			if n, err := strconv.Atoi(d); err != nil || n < 1 || n > 7 {
				e[key("weekdays")], ok = "Choisissez parmi les jours proposés.", false
			} else {
				days = append(days, d)
			}
		}
		if w.Kind == models.WindowRange {
			w.Weekdays = strings.Join(days, ",")
		}
		if !w.Part.Valid() {
			e[key("part")], ok = "Choisissez le moment de la journée.", false
		}
		if ok {
			good, rowOf = append(good, w), append(rowOf, i)
		}
	}
	if len(good) == len(rows) {
		in.Windows = good
	}
	if !submit {
		return
	}
	problems, overall := models.CheckWindows(good, in.Today, in.Earliest)
	if len(rows) < models.MinWindows && overall != "" {
		e["windows"] = overall
	}
	for _, p := range problems {
		k := fmt.Sprintf("windows[%d].%s", rowOf[p.Index], p.Field)
		if _, taken := e[k]; taken {
			continue
		}
		if p.With >= 0 {
			p.Message = models.OverlapMessage(rowOf[p.With] + 1)
		}
		e[k] = p.Message
	}
}

// communeLabel is how a request page shows its commune to the reader:
// « Roubaix (59512, Nord) ».
func (h *Handler) communeLabel(c territory.Commune) string {
	dep := c.Departement
	if d, ok := h.geo.Departement(c.Departement); ok {
		dep = d.Name
	}
	return fmt.Sprintf("%s (%s, %s)", c.Name, c.INSEE, dep)
}

// resolveQPVs returns the codes of the quartiers typed in other_qpvs
// (codes, « Nom (CODE) » or exact names), or a French message naming what
// could not be found. It reads the list of quartiers in one query,
// however many are typed.
func (h *Handler) resolveQPVs(ctx context.Context, typed []string) ([]string, string, error) {
	if len(typed) == 0 {
		return nil, "", nil
	}
	idx, err := h.qpvIndex(ctx)
	if err != nil {
		return nil, "", err
	}
	codes, msg := idx.Resolve(typed)
	return codes, msg, nil
}

// qpvIndex loads the list of quartiers (one query) for matching typed text.
func (h *Handler) qpvIndex(ctx context.Context) (*territory.QPVIndex, error) {
	all, err := h.store.QPVNames(ctx)
	if err != nil {
		return nil, fmt.Errorf("load quartiers: %w", err)
	}
	names := make([]territory.QPVName, len(all))
	for i, q := range all {
		names[i] = territory.QPVName{Code: q.Code, Name: q.Name}
	}
	return territory.NewQPVIndex(names), nil
}
