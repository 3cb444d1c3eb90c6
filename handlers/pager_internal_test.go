package handlers

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestGroupThousands(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"}, {7, "7"}, {999, "999"}, {1000, "1\u202f000"}, {1234, "1\u202f234"},
		{123456, "123\u202f456"}, {1234567, "1\u202f234\u202f567"}, {-1234, "-1\u202f234"},
	} {
		if got := groupThousands(tc.n); got != tc.want {
			t.Errorf("groupThousands(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestPager: the page asked for is brought within the list, the links
// keep every other parameter and page 1 has no page parameter.
func TestPager(t *testing.T) {
	for _, tc := range []struct {
		name, target        string
		total               int64
		page, pages, offset int
		prev, next, count   string
		links               string
	}{
		{"first", "/l?etat=a", 120, 1, 3, 0, "", "/l?etat=a&page=2", "120\u00a0demandes", "1* 2 3"},
		{"second", "/l?etat=a&page=2", 120, 2, 3, 50, "/l?etat=a", "/l?etat=a&page=3", "120\u00a0demandes", "1 2* 3"},
		{"not a number", "/l?page=abc", 120, 1, 3, 0, "", "/l?page=2", "120\u00a0demandes", "1* 2 3"},
		{"negative", "/l?page=-4", 120, 1, 3, 0, "", "/l?page=2", "120\u00a0demandes", "1* 2 3"},
		{"past the end", "/l?q=x&page=99", 120, 3, 3, 100, "/l?page=2&q=x", "", "120\u00a0demandes", "1 2 3*"},
		{"empty", "/l?page=3", 0, 1, 1, 0, "", "", "0\u00a0demande", "1*"},
		{"one", "/l", 1, 1, 1, 0, "", "", "1\u00a0demande", "1*"},
		{"gaps", "/l?page=10", 1234, 10, 25, 450, "/l?page=9", "/l?page=11", "1\u202f234\u00a0demandes", "1 … 8 9 10* 11 12 … 25"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := echo.New().NewContext(httptest.NewRequest("GET", tc.target, nil), httptest.NewRecorder())
			p := newPager(c, 50)
			p.setTotal(tc.total)
			if p.Page != tc.page || p.Pages != tc.pages || p.Offset() != tc.offset || p.Limit() != 50 {
				t.Errorf("page %d of %d, offset %d; want %d of %d, offset %d", p.Page, p.Pages, p.Offset(), tc.page, tc.pages, tc.offset)
			}
			if p.Prev() != tc.prev || p.Next() != tc.next {
				t.Errorf("prev %q next %q, want %q %q", p.Prev(), p.Next(), tc.prev, tc.next)
			}
			if got := p.Count("demande", "demandes"); got != tc.count {
				t.Errorf("count %q, want %q", got, tc.count)
			}
			var short []string
			for _, l := range p.Links() {
				s := "…"
				if !l.Gap {
					s = strconv.Itoa(l.N)
					if l.Current {
						s += "*"
					}
					if l.URL != p.URL(l.N) {
						t.Errorf("link %d: %s, want %s", l.N, l.URL, p.URL(l.N))
					}
				}
				short = append(short, s)
			}
			if got := strings.Join(short, " "); got != tc.links {
				t.Errorf("links %q, want %q", got, tc.links)
			}
		})
	}
}

// TestSectionPager: a section's pager (the history below a form) reads
// and writes its own parameter, keeps the page's list's ?page= in its
// links (and the list's pager keeps the section's), and ends its links
// with the section's fragment.
func TestSectionPager(t *testing.T) {
	c := echo.New().NewContext(httptest.NewRequest("GET", "/admin/qpv?page=2&historique=3", nil), httptest.NewRecorder())
	h := newSectionPager(c, 20, "historique", "#historique", "Pages de l’historique")
	h.setTotal(75)
	if h.Page != 3 || h.Pages != 4 || h.Offset() != 40 || h.Label != "Pages de l’historique" {
		t.Errorf("history: page %d of %d, offset %d, label %q", h.Page, h.Pages, h.Offset(), h.Label)
	}
	if got, want := h.Prev(), "/admin/qpv?historique=2&page=2#historique"; got != want {
		t.Errorf("history's prev %q, want %q", got, want)
	}
	if got, want := h.URL(1), "/admin/qpv?page=2#historique"; got != want {
		t.Errorf("history's first page %q, want %q", got, want)
	}
	l := newPager(c, 50)
	l.setTotal(120)
	if l.Page != 2 || l.Label != "Pagination" {
		t.Errorf("list: page %d, label %q", l.Page, l.Label)
	}
	if got, want := l.Next(), "/admin/qpv?historique=3&page=3"; got != want {
		t.Errorf("list's next %q, want %q", got, want)
	}
}
