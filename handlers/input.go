package handlers

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"quartier/models"
)

// maxBody bounds a request's body (calendar files are the largest).
const maxBody = 12 << 20

// maxFormKeys bounds the distinct fields of one form: the largest form (a
// request with all its window rows) has about a hundred.
const maxFormKeys = 400

// ctxFormProblems holds the fields of the posted form over their bounds.
const ctxFormProblems = "quartier.form-problems"

// formLimit bounds one form field: each value's length in characters, the
// number of values of a repeated field (checkboxes) or, with Sep, of the
// entries typed in one value, and whether a value may span lines.
type formLimit struct {
	Chars     int
	Items     int
	Sep       string // separators of the entries of a list typed in one field
	Multiline bool
	// Any says every character is allowed: the handler keeps the value
	// only if it is safe (suite, the destination after signing in).
	Any bool
	// Noun names the entries of a list, for its message (« autres
	// quartiers »); without it the message is the generic one.
	Noun string
}

// tooMany is the French message for n entries over the bound.
func (l formLimit) tooMany(n int) string {
	if l.Noun == "" {
		return models.TooManyMessage(l.Items, n)
	}
	return fmt.Sprintf("Indiquez au plus %d %s (il y en a %d).", l.Items, l.Noun, n)
}

// limitFor is the bound of a form field, by name: a name means the same
// thing in every form of the site. A field not named here is one line of
// at most models.MaxLine characters, sent once.
func limitFor(name string) formLimit {
	switch {
	case strings.HasPrefix(name, "windows[") && strings.HasSuffix(name, "].weekdays"):
		return formLimit{Chars: 1, Items: 7}
	case strings.HasPrefix(name, "options_"): // a new choice question's answers, one per line
		return formLimit{Chars: (models.MaxOptionLabel + 1) * models.MaxQuestionOptions, Items: 1, Multiline: true}
	case strings.HasPrefix(name, "q_"): // an answer to a questionnaire's added question
		return formLimit{Chars: models.MaxExtraTextAnswer, Items: 1, Multiline: true}
	}
	switch name {
	case "email", "contact_email":
		return formLimit{Chars: models.MaxEmail, Items: 1}
	case "orgs": // organisations picked from the address book
		return formLimit{Chars: 20, Items: models.MaxPicks, Noun: "structures à la fois"}
	case "name":
		return formLimit{Chars: models.MaxTitle, Items: 1}
	case "label":
		return formLimit{Chars: models.MaxLabel, Items: 1}
	case "url", "remote_url":
		return formLimit{Chars: models.MaxURL, Items: 1}
	case "suite":
		return formLimit{Chars: models.MaxURL, Items: 1, Any: true}
	case "territory", "venue_address":
		return formLimit{Chars: models.MaxAddress, Items: 1, Multiline: true}
	case "constraints", "notes":
		return formLimit{Chars: models.MaxLongText, Items: 1, Multiline: true}
	case "comment":
		return formLimit{Chars: models.MaxCommentLength, Items: 1, Multiline: true}
	case "partners":
		return formLimit{Chars: models.MaxPartnersText, Items: 100, Sep: "\n", Multiline: true, Noun: "structures partenaires (une par ligne)"}
	case "communes": // a CLSM's or a quartier's communes
		return formLimit{Chars: 10000, Items: 500, Sep: ",;\n", Multiline: true, Noun: "communes"}
	case "other_qpvs":
		return formLimit{Chars: 2000, Items: 50, Sep: ",;\n", Multiline: true, Noun: "autres quartiers"}
	case "qpvs":
		return formLimit{Chars: 20, Items: 300}
	case "first_name", "last_name":
		return formLimit{Chars: models.MaxPersonName, Items: 1}
	case "accommodations":
		return formLimit{Chars: 20, Items: len(models.Accommodations)}
	case "audience":
		return formLimit{Chars: 20, Items: 4}
	case "atmosphere", "topics", "resources", "follow_up": // a session's debrief, with notes
		return formLimit{Chars: models.MaxDebriefText, Items: 1, Multiline: true}
	case "organisation":
		return formLimit{Chars: models.MaxTitle, Items: 1}
	case "facilitator_phone", "coordinator_phone":
		return formLimit{Chars: models.MaxPhoneInput, Items: 1}
	case "most_useful", "improve": // the free texts of the feedback questionnaire
		return formLimit{Chars: models.MaxFeedbackText, Items: 1, Multiline: true}
	case "present": // the ticks of an attendance list
		return formLimit{Chars: 20, Items: 500}
	}
	return formLimit{Chars: models.MaxLine, Items: 1}
}

// problem is the French message for the values of a field under l, or "".
func (l formLimit) problem(values []string) string {
	if l.Sep == "" && len(values) > l.Items {
		return l.tooMany(len(values))
	}
	for _, v := range values {
		if n := utf8.RuneCountInString(v); l.Any && n > l.Chars {
			return models.TooLongMessage(l.Chars, n)
		} else if l.Any {
			continue
		}
		if l.Sep != "" {
			n := 0
			for _, part := range strings.FieldsFunc(v, func(r rune) bool { return strings.ContainsRune(l.Sep, r) }) {
				if strings.TrimSpace(part) != "" {
					n++
				}
			}
			if n > l.Items {
				return l.tooMany(n)
			}
		}
		// After the count: « 50 at most » says more than « too long ».
		if m := models.TextProblem(v, l.Chars, l.Multiline); m != "" {
			return m
		}
	}
	if l.Sep != "" && len(values) > 1 {
		return models.TooManyMessage(1, len(values))
	}
	return ""
}

// readForm reads the form of every request before anything else looks at
// it: a body over maxBody is a 413 (even when sent chunked), a field that is
// not valid UTF-8 or holds a NUL byte is a 422, and the fields over their
// bounds (limitFor) are recorded for the handler, which shows each message
// next to its field (see formProblems and group.form).
func (h *Handler) readForm(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.ContentLength > maxBody {
			return bodyTooLarge()
		}
		if req.Body != nil {
			req.Body = http.MaxBytesReader(c.Response(), req.Body, maxBody)
		}
		var err error
		if strings.HasPrefix(req.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
			err = req.ParseMultipartForm(32 << 20)
		} else {
			err = req.ParseForm()
		}
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			return bodyTooLarge()
		case err != nil && req.Method != http.MethodGet && req.Method != http.MethodHead:
			return echo.ErrBadRequest
		}
		if len(req.Form) > maxFormKeys {
			return newPageError(http.StatusUnprocessableEntity, "Formulaire non valable",
				fmt.Sprintf("Ce formulaire compte trop de champs (%d au plus) : rien n’a été enregistré.", maxFormKeys),
				"Revenez à la page du formulaire, rechargez-la et envoyez-le de nouveau.")
		}
		for k, vs := range req.Form {
			if !cleanText(k) {
				return badCharacters()
			}
			for _, v := range vs {
				if !cleanText(v) {
					return badCharacters()
				}
			}
		}
		if req.Method == http.MethodPost {
			errs := formErrors{}
			for k, vs := range req.PostForm {
				if m := limitFor(k).problem(vs); m != "" {
					errs[k] = m
				}
				// The request form's rows of windows are a list too.
				if m := windowField.FindStringSubmatch(k); m != nil {
					if i, err := strconv.Atoi(m[1]); err != nil || i >= maxWindowRows {
						errs["windows"] = fmt.Sprintf("Trop de créneaux : %d au plus.", maxWindowRows)
					}
				}
			}
			if len(errs) > 0 {
				c.Set(ctxFormProblems, errs)
			}
		}
		return next(c)
	}
}

// cleanText is false for text that is not valid UTF-8 or holds a NUL byte.
func cleanText(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// formProblems returns a copy of the messages readForm recorded for the
// fields of the posted form over their bounds, for a form page to start
// its own errors with: a page that finds any stores nothing.
func formProblems(c echo.Context) formErrors {
	out := formErrors{}
	if errs, ok := c.Get(ctxFormProblems).(formErrors); ok {
		maps.Copy(out, errs)
	}
	return out
}

// refuseFormProblems stands before the handlers of posts that do not show
// a form again: a field over its bound is refused with a French 422 page.
func refuseFormProblems(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		errs := formProblems(c)
		if len(errs) == 0 {
			return next(c)
		}
		fields := make([]string, 0, len(errs))
		for k := range errs {
			fields = append(fields, k)
		}
		sort.Strings(fields)
		return newPageError(http.StatusUnprocessableEntity, "Formulaire non valable",
			"Un champ du formulaire dépasse ce qui est autorisé : "+errs[fields[0]]+" Rien n’a été enregistré.",
			"Revenez à la page précédente, raccourcissez le texte, puis envoyez le formulaire de nouveau.")
	}
}

func bodyTooLarge() error {
	return newPageError(http.StatusRequestEntityTooLarge, "Envoi trop volumineux",
		fmt.Sprintf("Le contenu envoyé dépasse la taille autorisée (%d Mo) : rien n’a été enregistré.", maxBody>>20),
		"Revenez à la page précédente et envoyez un contenu plus court ou un fichier plus petit.")
}

func badCharacters() error {
	return newPageError(http.StatusUnprocessableEntity, "Caractères non valides",
		"Le formulaire contient des caractères qui ne sont pas du texte valide (un octet nul ou un texte mal encodé) : rien n’a été enregistré.",
		"Revenez à la page précédente, saisissez le texte de nouveau sans le copier-coller depuis un autre logiciel, puis envoyez le formulaire.")
}

// headAsGet answers HEAD like GET on every GET route (static files and
// /healthz included): routing, middleware and handler see a GET, and the
// body they write is dropped. Echo routes on the request it was given, so
// the method is changed in place, and put back before net/http finishes
// the response.
func headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodHead {
			return next(c)
		}
		req.Method = http.MethodGet
		defer func() { req.Method = http.MethodHead }()
		c.Response().Writer = headWriter{c.Response().Writer}
		return next(c)
	}
}

// headWriter drops the body of the answer to a HEAD request.
type headWriter struct{ http.ResponseWriter }

func (w headWriter) Write(p []byte) (int, error) { return len(p), nil }

// Unwrap gives http.ResponseController the writer underneath.
func (w headWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
