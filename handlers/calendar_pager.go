package handlers

import (
	"strconv"

	"github.com/labstack/echo/v4"
)

// calendarPager is the minimum pager of the admin's calendars (?page=N):
// the page shown, how many there are, and the links to the neighbours.
// The list pages have their own pager; this one can give way to it.
type calendarPager struct {
	Page, Pages      int
	PrevURL, NextURL string // empty on the first (last) page
}

// calendarPage reads ?page=, 1 when absent or not a positive number; a
// page past the end shows no row, with the links back.
func calendarPage(c echo.Context) int {
	n, err := strconv.Atoi(c.QueryParam("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		return 1
	}
	return n
}

// newCalendarPager builds the pager of page for total rows, perPage rows a
// page; base is the page's URL with its query (the links add &page=).
func newCalendarPager(page, total, perPage int, base string) calendarPager {
	p := calendarPager{Page: page, Pages: max(1, (total+perPage-1)/perPage)}
	link := func(n int) string { return base + "&page=" + strconv.Itoa(n) }
	if page > 1 {
		p.PrevURL = link(min(page-1, p.Pages))
	}
	if page < p.Pages {
		p.NextURL = link(page + 1)
	}
	return p
}
