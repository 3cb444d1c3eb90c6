package handlers

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"quartier/frtime"
	"quartier/models"
)

// exceptionRow is one exception as listed.
type exceptionRow struct {
	ID          int64
	Unavailable bool
	When, Label string
}

// exceptionsPage lists the upcoming exceptions and the form to add one.
type exceptionsPage struct {
	Tabs                  []calTab
	List                  []exceptionRow
	Kind, From, To, Label string
	AllDay                bool
	Start, End            string
	Errors                map[string]string
}

// showExceptions lists upcoming exceptions with an empty form.
func (h *Handler) showExceptions(c echo.Context) error {
	p := exceptionsPage{Kind: string(models.ExceptionUnavailable), AllDay: true, Start: "09:00", End: "17:00"}
	return h.renderExceptions(c, http.StatusOK, p)
}

func (h *Handler) renderExceptions(c echo.Context, status int, p exceptionsPage) error {
	u := currentUser(c)
	list, err := h.store.Exceptions(c.Request().Context(), u.ID, h.now().In(models.LocationOf(u.TimeZone)))
	if err != nil {
		return err
	}
	p.Tabs = tabs("/calendrier/exceptions")
	for _, e := range list {
		when := "le " + frtime.Date(e.StartsOn)
		if !e.EndsOn.Equal(e.StartsOn) {
			when = "du " + frtime.Date(e.StartsOn) + " au " + frtime.Date(e.EndsOn)
		}
		if !e.AllDay() {
			when += ", de " + minuteLabel(e.StartMinute) + " à " + minuteLabel(e.EndMinute)
		}
		p.List = append(p.List, exceptionRow{ID: e.ID, Unavailable: e.Kind == models.ExceptionUnavailable, When: when, Label: e.Label})
	}
	return h.render(c, status, pageCalendarExceptions, "calendar", p)
}

// minuteLabel writes minutes after midnight the French way: « 13 h 30 »,
// « 24 h 00 ».
func minuteLabel(m int) string { return fmt.Sprintf("%d h %02d", m/60, m%60) }

// addException binds and records an exception.
func (h *Handler) addException(c echo.Context) error {
	u := currentUser(c)
	p := exceptionsPage{
		Kind: c.FormValue("kind"), From: strings.TrimSpace(c.FormValue("from")), To: strings.TrimSpace(c.FormValue("to")),
		AllDay: c.FormValue("all_day") != "", Start: strings.TrimSpace(c.FormValue("start")),
		End: strings.TrimSpace(c.FormValue("end")), Label: c.FormValue("label"), Errors: formProblems(c),
	}
	in := models.ExceptionInput{Kind: models.ExceptionKind(p.Kind), AllDay: p.AllDay, Label: p.Label}
	var ok bool
	if in.From, ok = frtime.ParseDate(p.From); !ok {
		p.Errors["from"] = "Indiquez la date de début, par exemple 14/12/2026."
	}
	if p.To != "" {
		if in.To, ok = frtime.ParseDate(p.To); !ok {
			p.Errors["to"] = "Indiquez la date de fin, par exemple 18/12/2026, ou laissez vide pour un seul jour."
		}
	}
	if !p.AllDay {
		if in.StartMinute, ok = parseClock(p.Start); !ok {
			p.Errors["start"] = "Saisissez l'heure de début, par exemple 13:30."
		}
		if in.EndMinute, ok = parseClock(p.End); !ok {
			p.Errors["end"] = "Saisissez l'heure de fin, par exemple 17:00."
		}
	}
	if len(p.Errors) == 0 {
		_, err := h.store.AddException(c.Request().Context(), u.ID, in)
		if err == nil {
			return h.redirect(c, "/calendrier/exceptions", "success", "L'exception est enregistrée.")
		}
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		addModelErrors(p.Errors, ve)
	}
	return h.renderExceptions(c, http.StatusUnprocessableEntity, p)
}

// deleteException removes one of the facilitator's exceptions.
func (h *Handler) deleteException(c echo.Context, id int64) error {
	if err := h.store.DeleteException(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier/exceptions", "success", "L'exception est supprimée.")
}

// busyRow is one hand-typed busy time as listed.
type busyRow struct {
	ID          int64
	When, Label string
}

// busyPage lists the upcoming hand-typed busy times and the form to add one.
type busyPage struct {
	Tabs                    []calTab
	List                    []busyRow
	Date, Start, End, Label string
	Errors                  map[string]string
}

// showBusy lists upcoming busy times with an empty form.
func (h *Handler) showBusy(c echo.Context) error {
	return h.renderBusy(c, http.StatusOK, busyPage{Start: "09:00", End: "10:00"})
}

func (h *Handler) renderBusy(c echo.Context, status int, p busyPage) error {
	u := currentUser(c)
	loc := models.LocationOf(u.TimeZone)
	list, err := h.store.ManualBusyTimes(c.Request().Context(), u.ID, h.now())
	if err != nil {
		return err
	}
	p.Tabs = tabs("/calendrier/occupations")
	for _, b := range list {
		p.List = append(p.List, busyRow{ID: b.ID, When: frtime.Range(b.StartsAt, b.EndsAt, loc), Label: b.Label})
	}
	return h.render(c, status, pageCalendarBusy, "calendar", p)
}

// addBusy binds and records busy time typed by hand, on one day.
func (h *Handler) addBusy(c echo.Context) error {
	u := currentUser(c)
	loc := models.LocationOf(u.TimeZone)
	p := busyPage{Date: strings.TrimSpace(c.FormValue("date")), Start: strings.TrimSpace(c.FormValue("start")),
		End: strings.TrimSpace(c.FormValue("end")), Label: c.FormValue("label"), Errors: formProblems(c)}
	day, okD := frtime.ParseDate(p.Date)
	start, okS := parseClock(p.Start)
	end, okE := parseClock(p.End)
	if !okD {
		p.Errors["date"] = "Indiquez la date, par exemple 14/12/2026."
	}
	if !okS {
		p.Errors["start"] = "Saisissez l'heure de début, par exemple 09:30."
	}
	if !okE {
		p.Errors["end"] = "Saisissez l'heure de fin, par exemple 11:00."
	}
	if len(p.Errors) == 0 {
		in := models.BusyInput{Label: p.Label,
			Start: time.Date(day.Year(), day.Month(), day.Day(), 0, start, 0, 0, loc),
			End:   time.Date(day.Year(), day.Month(), day.Day(), 0, end, 0, 0, loc)}
		_, err := h.store.AddBusyTime(c.Request().Context(), u.ID, in)
		if err == nil {
			return h.redirect(c, "/calendrier?semaine="+isoWeek(day), "success", "L'occupation est enregistrée.")
		}
		var ve *models.ValidationError
		if !errors.As(err, &ve) {
			return err
		}
		addModelErrors(p.Errors, ve)
	}
	return h.renderBusy(c, http.StatusUnprocessableEntity, p)
}

// deleteBusy removes one hand-typed busy time.
func (h *Handler) deleteBusy(c echo.Context, id int64) error {
	if err := h.store.DeleteBusyTime(c.Request().Context(), currentUser(c).ID, id); err != nil {
		return err
	}
	return h.redirect(c, "/calendrier/occupations", "success", "L'occupation est supprimée.")
}
