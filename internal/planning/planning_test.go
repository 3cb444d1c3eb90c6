package planning

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"quartier/models"
	"quartier/planner"
	"quartier/territory"
)

// places is a tiny commune directory for tests.
type places map[string]territory.Commune

func (p places) Commune(insee string) (territory.Commune, bool) { c, ok := p[insee]; return c, ok }

var testPlaces = places{
	"59350": {INSEE: "59350", Name: "Lille", Lat: 50.6311, Lon: 3.0468},
	"49099": {INSEE: "49099", Name: "Cholet", Lat: 47.06, Lon: -0.879},
	"97209": {INSEE: "97209", Name: "Fort-de-France", Lat: 14.6065, Lon: -61.0742},
	"97411": {INSEE: "97411", Name: "Saint-Denis", Lat: -20.8823, Lon: 55.4504},
}

func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func day(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }

func slot(wd, from, to int) models.AvailabilitySlot {
	return models.AvailabilitySlot{Weekday: wd, StartMinute: from, EndMinute: to}
}

func iv(start, end string) planner.Interval { return planner.Interval{Start: start, End: end} }

func user(id int64, zone, home string) models.User {
	return models.User{ID: id, Name: "F", Role: models.RoleFacilitator, TimeZone: zone, HomeINSEE: home, MaxPerDay: 1, MaxPerWeek: 3}
}

// Each case is computed by hand from the pattern, in the facilitator's zone.
func TestConvert_HandComputed(t *testing.T) {
	cases := []struct {
		name          string
		cal           models.FacilitatorCalendar
		from, to      string
		want, wantBsy []planner.Interval
	}{
		{
			name: "Paris, spring forward: Monday before and after, Sunday night shortened",
			cal: models.FacilitatorCalendar{User: user(1, "Europe/Paris", "59350"),
				Pattern: []models.AvailabilitySlot{slot(1, 8*60, 19*60), slot(7, 60, 4*60)}},
			from: "2026-03-23T00:00:00+01:00", to: "2026-04-06T00:00:00+02:00",
			want: []planner.Interval{
				iv("2026-03-23T08:00:00+01:00", "2026-03-23T19:00:00+01:00"),
				// 1:00–4:00 on the night the clocks jump from 2:00 to 3:00: two hours.
				iv("2026-03-29T01:00:00+01:00", "2026-03-29T04:00:00+02:00"),
				iv("2026-03-30T08:00:00+02:00", "2026-03-30T19:00:00+02:00"),
				iv("2026-04-05T01:00:00+02:00", "2026-04-05T04:00:00+02:00"),
			},
			wantBsy: []planner.Interval{},
		},
		{
			name: "Paris, fall back: a whole Sunday lasts 25 hours; busy time cut out",
			cal: models.FacilitatorCalendar{User: user(2, "Europe/Paris", "59350"),
				Pattern: []models.AvailabilitySlot{slot(7, 0, 24*60)},
				Busy:    []models.BusyTime{{StartsAt: utc("2026-10-25T00:30:00Z"), EndsAt: utc("2026-10-25T01:30:00Z")}}},
			from: "2026-10-24T00:00:00+02:00", to: "2026-10-27T00:00:00+01:00",
			want: []planner.Interval{
				// 00:30Z is 2:30 CEST; 01:30Z is 2:30 CET: the repeated hour is busy.
				iv("2026-10-25T00:00:00+02:00", "2026-10-25T02:30:00+02:00"),
				iv("2026-10-25T02:30:00+01:00", "2026-10-26T00:00:00+01:00"),
			},
			wantBsy: []planner.Interval{iv("2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00")},
		},
		{
			name: "Martinique (UTC−4, no DST), period given in UTC; exceptions",
			cal: models.FacilitatorCalendar{User: user(3, "America/Martinique", "97209"),
				Pattern: []models.AvailabilitySlot{slot(2, 8*60, 12*60), slot(3, 8*60, 17*60), slot(4, 8*60, 17*60)},
				Exceptions: []models.CalendarException{
					{Kind: models.ExceptionUnavailable, StartsOn: day("2026-03-04"), EndsOn: day("2026-03-04"), StartMinute: 0, EndMinute: 1440},
					{Kind: models.ExceptionUnavailable, StartsOn: day("2026-03-05"), EndsOn: day("2026-03-05"), StartMinute: 13 * 60, EndMinute: 1440},
					{Kind: models.ExceptionAvailable, StartsOn: day("2026-03-07"), EndsOn: day("2026-03-07"), StartMinute: 9 * 60, EndMinute: 12 * 60},
				},
				Busy: []models.BusyTime{{StartsAt: utc("2026-03-03T13:00:00Z"), EndsAt: utc("2026-03-03T14:00:00Z")}}},
			from: "2026-03-02T00:00:00Z", to: "2026-03-09T00:00:00Z",
			want: []planner.Interval{
				iv("2026-03-03T08:00:00-04:00", "2026-03-03T09:00:00-04:00"),
				iv("2026-03-03T10:00:00-04:00", "2026-03-03T12:00:00-04:00"),
				iv("2026-03-05T08:00:00-04:00", "2026-03-05T13:00:00-04:00"),
				iv("2026-03-07T09:00:00-04:00", "2026-03-07T12:00:00-04:00"),
			},
			wantBsy: []planner.Interval{iv("2026-03-03T09:00:00-04:00", "2026-03-03T10:00:00-04:00")},
		},
		{
			name: "La Réunion (UTC+4): the period's UTC start cuts the local morning",
			cal: models.FacilitatorCalendar{User: user(4, "Indian/Reunion", "97411"),
				Pattern: []models.AvailabilitySlot{slot(1, 2*60, 6*60)}},
			from: "2026-03-02T00:00:00Z", to: "2026-03-03T00:00:00Z",
			want:    []planner.Interval{iv("2026-03-02T04:00:00+04:00", "2026-03-02T06:00:00+04:00")},
			wantBsy: []planner.Interval{},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := Convert([]models.FacilitatorCalendar{tc.cal}, testPlaces, utc(tc.from), utc(tc.to))
			if len(got.Facilitators) != 1 {
				t.Fatalf("facilitators = %+v, skipped = %+v", got.Facilitators, got.Skipped)
			}
			f := got.Facilitators[0]
			if !reflect.DeepEqual(f.Available, tc.want) {
				t.Errorf("available:\n got %v\nwant %v", f.Available, tc.want)
			}
			if !reflect.DeepEqual(f.Busy, tc.wantBsy) {
				t.Errorf("busy:\n got %v\nwant %v", f.Busy, tc.wantBsy)
			}
			if f.Timezone != tc.cal.User.TimeZone || *f.MaxPerDay != 1 || *f.MaxPerWeek != 3 {
				t.Errorf("header = %+v", f)
			}
		})
	}
}

// TestConvert_FixedSessionsAndSkipped checks the scheduled sessions become
// fixed sessions (remote ones without a place) and that a facilitator with
// no home commune is left out with a reason; the result is a valid instance.
func TestConvert_FixedSessionsAndSkipped(t *testing.T) {
	cals := []models.FacilitatorCalendar{
		{User: user(7, "Europe/Paris", "59350"), Pattern: []models.AvailabilitySlot{slot(2, 8*60, 19*60)},
			Sessions: []models.ScheduledSession{
				{ID: 31, FacilitatorID: 7, StartsAt: utc("2026-03-10T13:00:00Z"), EndsAt: utc("2026-03-10T16:00:00Z"), CommuneINSEE: "49099", Format: "in_person"},
				{ID: 32, FacilitatorID: 7, StartsAt: utc("2026-03-17T08:00:00Z"), EndsAt: utc("2026-03-17T11:00:00Z"), CommuneINSEE: "59350", Format: "remote"},
			}},
		{User: user(8, "Europe/Paris", "")},
	}
	got := Convert(cals, testPlaces, utc("2026-03-09T00:00:00+01:00"), utc("2026-03-23T00:00:00+01:00"))
	wantFixed := []planner.FixedSession{
		{ID: "s31", Facilitator: "f7", Start: "2026-03-10T14:00:00+01:00", Location: &planner.Point{Lat: 47.06, Lon: -0.879}},
		{ID: "s32", Facilitator: "f7", Start: "2026-03-17T09:00:00+01:00", Remote: true},
	}
	if !reflect.DeepEqual(got.Fixed, wantFixed) {
		t.Errorf("fixed:\n got %+v\nwant %+v", got.Fixed, wantFixed)
	}
	if len(got.Skipped) != 1 || got.Skipped[0].UserID != 8 {
		t.Errorf("skipped = %+v", got.Skipped)
	}
	in := planner.Instance{SessionMinutes: 180, Travel: planner.Travel{SpeedKmh: 70},
		Facilitators: got.Facilitators, Fixed: got.Fixed,
		Requests: []planner.Request{{ID: "r1", Location: &planner.Point{Lat: 50.69, Lon: 3.18},
			Windows: []planner.Interval{iv("2026-03-17T13:00:00+01:00", "2026-03-17T18:00:00+01:00")}}}}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(in); err != nil {
		t.Fatal(err)
	}
	if _, err := planner.Decode(&buf); err != nil {
		t.Fatalf("instance refused by the planner: %v", err)
	}
}
