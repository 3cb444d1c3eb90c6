package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestDateFields_OneParser: every form's date field reads the same typed
// dates, ISO from a date input or French typed by hand.
func TestDateFields_OneParser(t *testing.T) {
	for _, typed := range [][2]string{{"2027-09-01", "2028-07-02"}, {"01/09/2027", "2/7/2028"}} {
		t.Run(typed[0], func(t *testing.T) {
			e := newEnv(t)
			c := e.as(&e.admin)
			r := c.post("/admin/saisons", url.Values{"name": {"Saison 2027-2028"}, "starts_on": {typed[0]}, "ends_on": {typed[1]}})
			if r.Status != http.StatusSeeOther {
				t.Fatalf("season: status %d\n%s", r.Status, summaryOf(r.Body))
			}
			seasons, err := e.store.Seasons(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, s := range seasons {
				if s.Name == "Saison 2027-2028" {
					found = s.StartsOn.Equal(time.Date(2027, 9, 1, 0, 0, 0, 0, time.UTC)) && s.EndsOn.Equal(time.Date(2028, 7, 2, 0, 0, 0, 0, time.UTC))
				}
			}
			if !found {
				t.Errorf("season not stored from %v: %+v", typed, seasons)
			}
		})
	}
}
