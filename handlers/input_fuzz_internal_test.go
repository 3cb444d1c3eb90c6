package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
)

// FuzzReadForm feeds arbitrary bodies, urlencoded or multipart, to the
// middleware that reads every form of the site, then to the request
// form's binding: no panic; a refusal is a French page (413, 422 or 400),
// never a 5xx; what reaches a handler is valid UTF-8 without NUL, and a
// single-line field without a recorded problem holds no control
// character. `go test` runs the seeds only.
func FuzzReadForm(f *testing.F) {
	f.Add([]byte("first_name=Amina&last_name=Benali&email=amina%40exemple.fr&category=habitant"), false)
	f.Add([]byte("first_name=L%C3%A9a%0D%0ABcc%3A+x%40y.z&email=%FF%FE"), false)
	f.Add([]byte("name=%00&windows%5B0%5D.date=2027-01-11&windows%5B99%5D.part=morning&qpvs=QN05901M&qpvs=QN05902M"), false)
	f.Add([]byte("a=%zz&&=&b"), false)
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"../../etc/passwd\"\r\n\r\nx\r\n--B--\r\n"), true)
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"first_name\"\r\n\r\n\x07\r\n--B--\r\n"), true)
	h := &Handler{}
	e := echo.New()
	f.Fuzz(func(t *testing.T, body []byte, multipart bool) {
		req := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		if multipart {
			req.Header.Set(echo.HeaderContentType, "multipart/form-data; boundary=B")
		} else {
			req.Header.Set(echo.HeaderContentType, echo.MIMEApplicationForm)
		}
		c := e.NewContext(req, httptest.NewRecorder())
		err := h.readForm(func(c echo.Context) error {
			problems := formProblems(c)
			for k, vs := range c.Request().Form {
				for _, v := range vs {
					if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || !utf8.ValidString(k) {
						t.Errorf("field %q = %q reached the handler", k, v)
					}
					l := limitFor(k)
					if _, flagged := problems[k]; !flagged && !l.Multiline && !l.Any && strings.IndexFunc(v, unicode.IsControl) >= 0 {
						t.Errorf("single-line field %q = %q passed without a problem", k, v)
					}
				}
			}
			rf := bindRequestForm(c.Request().PostForm)
			_ = rf.orderedErrors(problems)
			return nil
		})(c)
		if err == nil {
			return
		}
		var pe *pageError
		var he *echo.HTTPError
		switch {
		case errors.As(err, &pe):
			if pe.status >= 500 || pe.page.Title == "" {
				t.Errorf("refused with %d %q", pe.status, pe.page.Title)
			}
		case errors.As(err, &he):
			if he.Code != http.StatusBadRequest {
				t.Errorf("refused with %d", he.Code)
			}
		default:
			t.Errorf("refused with %v", err)
		}
	})
}

// FuzzUploadedName: whatever name a browser gives an uploaded file, what
// is kept is one path element of clean text, bounded.
func FuzzUploadedName(f *testing.F) {
	for _, s := range []string{"agenda.ics", "../../etc/passwd", `C:\Users\x\agenda.ics`, "a\x07b\r\n.ics", "\xff\xfe", "..", "/", "", strings.Repeat("é", 300)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := uploadedName(raw)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, `/\`) || !utf8.ValidString(got) ||
			strings.IndexFunc(got, unicode.IsControl) >= 0 || utf8.RuneCountInString(got) > 120 {
			t.Errorf("uploadedName(%q) = %q", raw, got)
		}
	})
}
