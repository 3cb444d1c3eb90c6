package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
	"quartier/territory"
)

// dayForm is one weekday of the pattern form, as typed.
type dayForm struct {
	N          int    // 1 = Monday … 7 = Sunday
	Name       string // « lundi »
	Works      bool
	Start, End string // « 08:00 »
}

// availabilityForm is the pattern, home, zone and limits form.
type availabilityForm struct {
	Tabs                  []calTab
	Days                  [7]dayForm
	Home                  string // « Lille — CP 59000 »
	TimeZone              string
	MaxPerDay, MaxPerWeek string
	Zones                 []zoneOption
	Errors                map[string]string
}

// showAvailability shows the form filled with what is saved.
func (h *Handler) showAvailability(c echo.Context) error {
	u := currentUser(c)
	slots, err := h.store.WeeklyPattern(c.Request().Context(), u.ID)
	if err != nil {
		return err
	}
	f := h.newAvailabilityForm()
	for _, s := range slots {
		d := &f.Days[s.Weekday-1]
		if !d.Works { // the form edits one span a day: the first
			d.Works, d.Start, d.End = true, models.MinuteClock(s.StartMinute), models.MinuteClock(s.EndMinute)
		}
	}
	if cm, ok := h.geo.Commune(u.HomeINSEE); ok {
		f.Home = cm.Label()
	}
	f.TimeZone, f.MaxPerDay, f.MaxPerWeek = u.TimeZone, strconv.Itoa(u.MaxPerDay), strconv.Itoa(u.MaxPerWeek)
	return h.render(c, http.StatusOK, pageCalendarAvailability, "availability", f)
}

func (h *Handler) newAvailabilityForm() availabilityForm {
	f := availabilityForm{Tabs: tabs("/calendrier/disponibilites"), Zones: zoneChoices()}
	for i := range f.Days {
		f.Days[i] = dayForm{N: i + 1, Name: frtime.Weekday(weekdayOf(i + 1)), Start: "09:00", End: "17:00"}
	}
	return f
}

// saveAvailability binds, validates and saves the pattern form.
func (h *Handler) saveAvailability(c echo.Context) error {
	u := currentUser(c)
	f := h.newAvailabilityForm()
	f.Errors = formProblems(c)
	in := models.AvailabilityInput{TimeZone: c.FormValue("time_zone")}
	f.TimeZone = in.TimeZone
	for i := range f.Days {
		d := &f.Days[i]
		key := fmt.Sprintf("pattern.%d.", d.N)
		d.Works = c.FormValue(key+"works") != ""
		d.Start, d.End = strings.TrimSpace(c.FormValue(key+"start")), strings.TrimSpace(c.FormValue(key+"end"))
		if !d.Works {
			continue
		}
		start, okS := parseClock(d.Start)
		end, okE := parseClock(d.End)
		if !okS {
			f.Errors[key+"start"] = fmt.Sprintf("Saisissez l'heure de début du %s, par exemple 08:30.", d.Name)
		}
		if !okE {
			f.Errors[key+"end"] = fmt.Sprintf("Saisissez l'heure de fin du %s, par exemple 18:00.", d.Name)
		}
		in.Pattern[i] = models.DayPattern{Works: true, StartMinute: start, EndMinute: end}
	}
	f.Home = strings.TrimSpace(c.FormValue("home"))
	if _, over := f.Errors["home"]; over {
		// Not looked up: the message says why.
	} else if cm, msg := h.resolveHome(f.Home); msg != "" {
		f.Errors["home"] = msg
	} else {
		in.HomeINSEE, f.Home = cm.INSEE, cm.LabelFor(f.Home)
	}
	f.MaxPerDay, f.MaxPerWeek = strings.TrimSpace(c.FormValue("max_per_day")), strings.TrimSpace(c.FormValue("max_per_week"))
	in.MaxPerDay, _ = strconv.Atoi(f.MaxPerDay)
	in.MaxPerWeek, _ = strconv.Atoi(f.MaxPerWeek)
	if !containsString(zoneOptions, in.TimeZone) {
		f.Errors["time_zone"] = "Choisissez un fuseau horaire dans la liste."
	}
	addModelErrors(f.Errors, in.Validate())
	if len(f.Errors) == 0 {
		err := h.store.SaveAvailability(c.Request().Context(), u.ID, in)
		if err == nil {
			return h.redirect(c, "/calendrier", "success", "Vos disponibilités sont enregistrées.")
		}
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		addModelErrors(f.Errors, ve)
	}
	return h.render(c, http.StatusUnprocessableEntity, pageCalendarAvailability, "availability", f)
}

// weekdayOf turns an ISO weekday (1 = Monday … 7 = Sunday) into Go's.
func weekdayOf(iso int) time.Weekday { return time.Weekday(iso % 7) }

// addModelErrors adds the messages of err (a ValidationError) that the
// form has not already set.
func addModelErrors(into map[string]string, err error) {
	var ve *models.ValidationError
	if !errors.As(err, &ve) {
		return
	}
	for k, v := range ve.Fields {
		if _, ok := into[k]; !ok {
			into[k] = v
		}
	}
}

// resolveHome finds the home commune typed (see territory.ResolveCommune).
func (h *Handler) resolveHome(q string) (territory.Commune, string) {
	if q == "" {
		return territory.Commune{}, "Indiquez votre commune de rattachement, d'où vous partez en déplacement."
	}
	return h.geo.ResolveCommune(q)
}
