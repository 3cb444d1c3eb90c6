package models

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Length limits of the text people type, in characters. The models check
// them whatever the source (a form, the demo, an import); the web forms
// apply the same limits before anything else is done with a field.
const (
	MaxPersonName   = 120  // a person's name
	MaxTitle        = 150  // the name of a CLSM, a quartier, a season
	MaxLine         = 200  // any other single-line field
	MaxLabel        = 120  // the label of an exception or a busy time
	MaxAddress      = 500  // a postal address (may span lines)
	MaxURL          = 2000 // a web address
	MaxPartnersText = 3000 // the partner organisations, one per line
	MaxLongText     = 2000 // constraints, notes
	MaxEmail        = 254  // an email address (RFC 5321)
)

// TextProblem is the French message for value as a field of at most limit
// characters, on one line unless multiline; "" when value is fine. Control
// characters are refused everywhere (they break email headers, calendar
// files and logs), except line breaks and tabs in multi-line text.
func TextProblem(value string, limit int, multiline bool) string {
	if !utf8.ValidString(value) || strings.ContainsRune(value, 0) {
		return "Ce texte contient des caractères non valides : saisissez-le de nouveau sans le copier-coller."
	}
	for _, r := range value {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			if r == '\n' || r == '\r' {
				return "Ce champ tient sur une seule ligne : retirez les retours à la ligne."
			}
			return "Ce texte contient un caractère de contrôle invisible : retirez-le (saisissez le texte de nouveau sans le copier-coller)."
		}
	}
	if n := utf8.RuneCountInString(value); n > limit {
		return TooLongMessage(limit, n)
	}
	return ""
}

// TooLongMessage says a text is over its limit, naming both numbers.
func TooLongMessage(limit, count int) string {
	return fmt.Sprintf("Ce texte est trop long : %d caractères au plus (il en compte %d).", limit, count)
}

// TooManyMessage says a list is over its limit, naming both numbers.
func TooManyMessage(limit, count int) string {
	return fmt.Sprintf("Trop d’éléments : %d au plus (il y en a %d).", limit, count)
}

// checkLine records in f the problem of a single-line field, unless the
// field already has one.
func checkLine(f map[string]string, field, value string, limit int) {
	checkText(f, field, value, limit, false)
}

// checkText records in f the problem of a text field, unless the field
// already has one.
func checkText(f map[string]string, field, value string, limit int, multiline bool) {
	if _, taken := f[field]; taken {
		return
	}
	if m := TextProblem(value, limit, multiline); m != "" {
		f[field] = m
	}
}
