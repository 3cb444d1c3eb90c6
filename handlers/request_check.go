package handlers

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"quartier/models"
	"quartier/territory"
)

// Length limits of the request form's free-text fields, in characters.
const (
	maxVenueName    = 200
	maxVenueAddress = 500
	maxPartners     = 3000
	maxLongText     = 2000
	maxExpected     = 500
)

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
		c, msg := h.resolveCommune(f.Commune)
		if msg != "" {
			e["commune"] = msg
		} else {
			in.CommuneINSEE = c.INSEE
			in.TimeZone = territory.TimeZone(c.Departement)
			f.Commune = communeValue(c.Name, c.INSEE)
		}
	}

	codes, msg, err := h.resolveQPVs(ctx, f.QPVs, f.OtherQPVs)
	if err != nil {
		return out, err
	}
	if msg != "" {
		e["other_qpvs"] = msg
	}
	in.QPVs = codes

	in.VenueName, in.VenueAddress = f.VenueName, f.VenueAddress
	tooLong(e, "venue_name", f.VenueName, maxVenueName)
	tooLong(e, "venue_address", f.VenueAddress, maxVenueAddress)
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
	tooLong(e, "partners", f.Partners, maxPartners)
	in.Constraints, in.Notes = f.Constraints, f.Notes
	tooLong(e, "constraints", f.Constraints, maxLongText)
	tooLong(e, "notes", f.Notes, maxLongText)

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
		from, okFrom := parseFrenchOrISODate(r.Date)
		switch {
		case r.Date == "":
			e[key("date")], ok = "Indiquez la date de ce créneau (ou effacez-le entièrement).", false
		case !okFrom:
			e[key("date")], ok = "Saisissez une date valide, par exemple 12/01/2027.", false
		default:
			w.DateFrom, w.DateTo = from, from
		}
		if r.Until != "" {
			to, okTo := parseFrenchOrISODate(r.Until)
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

// parseFrenchOrISODate reads "2027-01-12" (a date input) or "12/01/2027"
// (typed by hand where date inputs are not supported).
func parseFrenchOrISODate(s string) (time.Time, bool) {
	for _, layout := range []string{isoDay, "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, strings.TrimSpace(s)); err == nil {
			return t, t.Year() >= 2000 && t.Year() < 2100
		}
	}
	return time.Time{}, false
}

func tooLong(e map[string]string, field, value string, limit int) {
	if utf8.RuneCountInString(value) > limit {
		e[field] = fmt.Sprintf("Ce texte est trop long : %d caractères au plus (il en compte %d).", limit, utf8.RuneCountInString(value))
	}
}

var codeInParens = regexp.MustCompile(`\(\s*([0-9A-Za-z]{5,10})\s*(?:,[^)]*)?\)\s*$`)

// resolveCommune finds the commune a person typed: « Roubaix (59512) », an
// INSEE code, a postcode or a name. It returns a French message, listing
// the candidates, when the text names no commune or several.
func (h *Handler) resolveCommune(text string) (territory.Commune, string) {
	code := strings.ToUpper(strings.TrimSpace(text))
	if m := codeInParens.FindStringSubmatch(text); m != nil {
		// « Lille (59350) » is how the app writes a commune back into a
		// form: the code in parentheses is its INSEE code, so a saved
		// form sent again keeps its commune even where a postcode equals
		// another commune's INSEE code.
		if c, ok := h.geo.Commune(strings.ToUpper(m[1])); ok {
			return c, ""
		}
		code = strings.ToUpper(m[1])
	}
	var candidates []territory.Commune
	if isCommuneCode(code) {
		seen := map[string]bool{}
		if c, ok := h.geo.Commune(code); ok {
			candidates, seen[c.INSEE] = append(candidates, c), true
		}
		for _, c := range h.geo.Search(code, 20) {
			if !seen[c.INSEE] && containsString(c.Postcodes, code) {
				candidates, seen[c.INSEE] = append(candidates, c), true
			}
		}
		if len(candidates) == 0 {
			return territory.Commune{}, fmt.Sprintf("Aucune commune ne correspond au code « %s ». Vérifiez le code postal ou le code INSEE, ou saisissez le nom de la commune.", code)
		}
	} else {
		hits := h.geo.Search(text, 8)
		for _, c := range hits {
			if territory.NormalizeName(c.Name) == territory.NormalizeName(text) {
				candidates = append(candidates, c)
			}
		}
		if len(candidates) == 0 {
			if len(hits) == 0 {
				return territory.Commune{}, fmt.Sprintf("Aucune commune ne s’appelle « %s ». Vérifiez l’orthographe, ou saisissez le code postal.", strings.TrimSpace(text))
			}
			return territory.Commune{}, fmt.Sprintf("Aucune commune ne s’appelle exactement « %s ». Vouliez-vous dire : %s ? Recopiez l’une de ces propositions ou saisissez le code INSEE.",
				strings.TrimSpace(text), h.communeList(hits, 5))
		}
	}
	if len(candidates) > 1 {
		return territory.Commune{}, fmt.Sprintf("Plusieurs communes correspondent à « %s » : %s. Recopiez l’une de ces propositions ou saisissez le code INSEE.",
			strings.TrimSpace(text), h.communeList(candidates, 8))
	}
	return candidates[0], ""
}

// communeList writes candidates as « Saint-Denis (93066, Seine-Saint-Denis) ».
func (h *Handler) communeList(cs []territory.Commune, limit int) string {
	var parts []string
	for i, c := range cs {
		if i == limit {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, "« "+h.communeLabel(c)+" »")
	}
	return strings.Join(parts, ", ")
}

// communeLabel is « Roubaix (59512, Nord) ».
func (h *Handler) communeLabel(c territory.Commune) string {
	dep := c.Departement
	if d, ok := h.geo.Departement(c.Departement); ok {
		dep = d.Name
	}
	return fmt.Sprintf("%s (%s, %s)", c.Name, c.INSEE, dep)
}

func isCommuneCode(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i, r := range s {
		if !(r >= '0' && r <= '9') && !(i == 1 && (r == 'A' || r == 'B')) {
			return false
		}
	}
	return true
}

var qpvSeparators = regexp.MustCompile(`[,;\n]+`)

// resolveQPVs returns the codes of the checked quartiers and of those
// typed in other_qpvs (codes, « Nom (CODE) » or exact names), or a French
// message naming what could not be found.
func (h *Handler) resolveQPVs(ctx context.Context, checked []string, other string) ([]string, string, error) {
	codes := append([]string(nil), checked...)
	var unknown, ambiguous []string
	for _, tok := range qpvSeparators.Split(other, -1) {
		tok = strings.TrimSpace(tok)
		if tok == "" {
			continue
		}
		code := strings.ToUpper(tok)
		if m := codeInParens.FindStringSubmatch(tok); m != nil {
			code = strings.ToUpper(m[1])
		}
		found, err := h.store.QPVsByCode(ctx, []string{code})
		if err != nil {
			return nil, "", err
		}
		if len(found) == 1 {
			codes = append(codes, found[0].Code)
			continue
		}
		hits, err := h.store.FindQPVs(ctx, tok, 6)
		if err != nil {
			return nil, "", err
		}
		var exact []models.QPVWithCommunes
		for _, q := range hits {
			if territory.NormalizeName(q.Name) == territory.NormalizeName(tok) {
				exact = append(exact, q)
			}
		}
		switch {
		case len(exact) == 1:
			codes = append(codes, exact[0].Code)
		case len(exact) > 1 || len(hits) > 0:
			list := exact
			if len(list) == 0 {
				list = hits
			}
			var names []string
			for _, q := range list {
				names = append(names, fmt.Sprintf("« %s (%s) »", q.Name, q.Code))
			}
			last := len(names) - 1
			choices := names[last]
			if last > 0 {
				choices = strings.Join(names[:last], ", ") + " ou " + names[last]
			}
			ambiguous = append(ambiguous, fmt.Sprintf("« %s » peut désigner %s", tok, choices))
		default:
			unknown = append(unknown, "« "+tok+" »")
		}
	}
	var msgs []string
	if len(unknown) > 0 {
		msgs = append(msgs, "Quartier introuvable dans la liste des QPV : "+strings.Join(unknown, ", ")+". Saisissez son code (par exemple QN05901M) ou son nom exact.")
	}
	if len(ambiguous) > 0 {
		msgs = append(msgs, strings.Join(ambiguous, " ; ")+". Saisissez le code ou le nom exact du quartier voulu.")
	}
	return codes, strings.Join(msgs, " "), nil
}
