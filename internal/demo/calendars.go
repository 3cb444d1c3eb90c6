package demo

import (
	"bytes"
	"context"
	"fmt"
	"time"

	ical "github.com/emersion/go-ical"

	qical "quartier/ical"
	"quartier/internal/calendarsub"
	"quartier/models"
)

// demoPattern is a facilitator's demo week: working days and hours.
type demoPattern struct {
	days       []int // ISO weekdays
	start, end int   // minutes after midnight
	friday     [2]int
}

// SeedCalendars gives the demo facilitators a calendar worth planning
// against: a weekly pattern, exceptions (a day off, a training, leave, an
// extra Saturday), busy time typed by hand, and busy time imported from an
// .ics file generated here (as their own Outlook would export it), all
// relative to d.Now so the views always have something to show.
func SeedCalendars(ctx context.Context, d Deps, facilitators []models.User) error {
	patterns := []demoPattern{
		{days: []int{1, 2, 3, 4}, start: 8 * 60, end: 19 * 60, friday: [2]int{8 * 60, 12*60 + 30}},
		{days: []int{2, 3, 4, 5}, start: 9 * 60, end: 18 * 60},
	}
	loc := models.LocationOf("Europe/Paris")
	y, m, day := d.Now.In(loc).Date()
	today := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
	next := today.AddDate(0, 0, 7-int(today.Weekday()+6)%7) // next Monday
	for i, f := range facilitators {
		p := patterns[i%len(patterns)]
		in := models.AvailabilityInput{HomeINSEE: f.HomeINSEE, TimeZone: f.TimeZone, MaxPerDay: f.MaxPerDay, MaxPerWeek: f.MaxPerWeek}
		if in.TimeZone == "" {
			in.TimeZone = "Europe/Paris"
		}
		for _, wd := range p.days {
			in.Pattern[wd-1] = models.DayPattern{Works: true, StartMinute: p.start, EndMinute: p.end}
		}
		if p.friday[1] > 0 {
			in.Pattern[4] = models.DayPattern{Works: true, StartMinute: p.friday[0], EndMinute: p.friday[1]}
		}
		if err := d.Store.SaveAvailability(ctx, f.ID, in); err != nil {
			return fmt.Errorf("demo pattern of %s: %w", f.Email, err)
		}
		exceptions := []models.ExceptionInput{
			{Kind: models.ExceptionUnavailable, From: next.AddDate(0, 0, 2+i), AllDay: true, Label: "Jour de récupération"},
			{Kind: models.ExceptionUnavailable, From: next.AddDate(0, 0, 14), To: next.AddDate(0, 0, 16), AllDay: true, Label: "Formation premiers secours en santé mentale"},
			{Kind: models.ExceptionUnavailable, From: next.AddDate(0, 0, 28+7*i), To: next.AddDate(0, 0, 32+7*i), AllDay: true, Label: "Congés"},
			{Kind: models.ExceptionAvailable, From: next.AddDate(0, 0, 12), StartMinute: 9 * 60, EndMinute: 13 * 60, Label: "Forum des associations"},
		}
		for _, e := range exceptions {
			if _, err := d.Store.AddException(ctx, f.ID, e); err != nil {
				return fmt.Errorf("demo exception of %s: %w", f.Email, err)
			}
		}
		for w := range 2 {
			monday := next.AddDate(0, 0, 7*w)
			at := func(h, m int) time.Time {
				return time.Date(monday.Year(), monday.Month(), monday.Day()+i, h, m, 0, 0, loc)
			}
			if _, err := d.Store.AddBusyTime(ctx, f.ID, models.BusyInput{Start: at(9, 30), End: at(11, 0), Label: "Réunion d'équipe"}); err != nil {
				return fmt.Errorf("demo busy time of %s: %w", f.Email, err)
			}
		}
		ics, err := demoAgenda(f, next, i, loc)
		if err != nil {
			return err
		}
		from, to := calendarsub.ImportWindow(d.Now, loc, 12)
		ivs, err := calendarsub.Import(bytes.NewReader(ics), qical.ImportOptions{From: from, To: to, Location: loc})
		if err != nil {
			return fmt.Errorf("demo agenda of %s: %w", f.Email, err)
		}
		if err := d.Store.ImportBusyFile(ctx, f.ID, "agenda-outlook.ics", ivs); err != nil {
			return fmt.Errorf("demo agenda of %s: %w", f.Email, err)
		}
	}
	return nil
}

// demoAgenda is a small calendar as the facilitator's own agenda would
// export it: a weekly meeting (one occurrence moved, one cancelled), two
// appointments and a free (transparent) reminder, built with go-ical.
func demoAgenda(f models.User, next time.Time, i int, loc *time.Location) ([]byte, error) {
	cal := ical.NewCalendar()
	cal.Props.SetText(ical.PropProductID, "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN")
	cal.Props.SetText(ical.PropVersion, "2.0")
	stamp := time.Date(next.Year(), next.Month(), next.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -7)
	event := func(uid string, start time.Time, d time.Duration, summary string) *ical.Event {
		ev := ical.NewEvent()
		ev.Props.SetText(ical.PropUID, fmt.Sprintf("%s-%d@demo.quartier", uid, f.ID))
		ev.Props.SetDateTime(ical.PropDateTimeStamp, stamp)
		ev.Props.SetDateTime(ical.PropDateTimeStart, start)
		ev.Props.SetDateTime(ical.PropDateTimeEnd, start.Add(d))
		ev.Props.SetText(ical.PropSummary, summary)
		cal.Children = append(cal.Children, ev.Component)
		return ev
	}
	on := func(days, h, m int) time.Time {
		return time.Date(next.Year(), next.Month(), next.Day()+days, h, m, 0, 0, loc)
	}
	weekly := event("point-hebdo", on(1+i, 14, 0), time.Hour, "Point hebdomadaire avec la direction")
	rule := ical.NewProp(ical.PropRecurrenceRule)
	rule.Value = "FREQ=WEEKLY;COUNT=30"
	weekly.Props.Set(rule)
	exdate := ical.NewProp(ical.PropExceptionDates)
	exdate.SetDateTime(on(1+i+14, 14, 0))
	weekly.Props.Set(exdate)
	moved := event("point-hebdo", on(1+i+7, 16, 0), time.Hour, "Point hebdomadaire (déplacé)")
	rid := ical.NewProp(ical.PropRecurrenceID)
	rid.SetDateTime(on(1+i+7, 14, 0))
	moved.Props.Set(rid)
	event("cmp", on(3, 10, 0), 90*time.Minute, "Rendez-vous au centre médico-psychologique")
	event("copil", on(9-i, 15, 0), 2*time.Hour, "Comité de pilotage régional")
	free := event("rappel", on(2, 8, 0), 30*time.Minute, "Rappel : envoyer les bilans")
	free.Props.SetText(ical.PropTransparency, "TRANSPARENT")

	var buf bytes.Buffer
	if err := ical.NewEncoder(&buf).Encode(cal); err != nil {
		return nil, fmt.Errorf("demo agenda: %w", err)
	}
	return buf.Bytes(), nil
}
