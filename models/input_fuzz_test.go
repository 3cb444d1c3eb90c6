package models

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// cleanLine says s is what a single-line field may store: valid UTF-8,
// no control character, no line or paragraph separator.
func cleanLine(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return false
		}
	}
	return true
}

// FuzzRegistrationInput feeds the sign-up form's fields, as typed by a
// partner, to the check every sign-up goes through: no panic; input it
// accepts is clean (no control character, nothing that could start a mail
// header), bounded, and accepted again as it was returned (the check is
// idempotent). `go test` runs the seeds only.
func FuzzRegistrationInput(f *testing.F) {
	f.Add("Amina", "Benali", "amina@exemple.fr", "habitant", "conseillère", "step_free")
	f.Add("Léa\r\nBcc: x@y.z", "Martin", "lea@exemple.fr", "elu", "", "")
	f.Add(`<script>alert(1)</script>`, "=HYPERLINK(\"x\")", "a@b", "benevole", "\x00", "sign_language")
	f.Add(" ", "\u2028", "AMINA@EXEMPLE.FR ", "professionnel", strings.Repeat("é", 300), "x")
	f.Add("\xff", "Nom", "\"a b\"@exemple.fr", "", "", "")
	f.Fuzz(func(t *testing.T, first, last, email, category, role, need string) {
		in := RegistrationInput{FirstName: first, LastName: last, Email: email, Category: Category(category), Role: role, Accommodations: []string{need}}
		out, problems := in.Problems()
		if len(problems) > 0 {
			return
		}
		for name, v := range map[string]string{"first_name": out.FirstName, "last_name": out.LastName, "email": out.Email, "role": out.Role} {
			if !cleanLine(v) {
				t.Errorf("%s %q accepted with a control character", name, v)
			}
		}
		if utf8.RuneCountInString(out.FirstName) > MaxPersonName || utf8.RuneCountInString(out.LastName) > MaxPersonName || len(out.Email) > MaxEmail {
			t.Errorf("accepted over the bounds: %+v", out)
		}
		if strings.ContainsAny(out.Email, "\r\n<>,;") {
			t.Errorf("email %q accepted", out.Email)
		}
		again, problems := out.Problems()
		if len(problems) > 0 || again.Email != out.Email || again.FirstName != out.FirstName {
			t.Errorf("the accepted input is refused or changed when checked again: %v", problems)
		}
	})
}

// FuzzFeedbackInput feeds an attendee's answers, with a version's added
// questions, to the check AnswerFeedback runs: no panic; answers it
// accepts store clean, bounded free texts.
func FuzzFeedbackInput(f *testing.F) {
	f.Add("5", "2", "4", "oui", "oui", "Les adresses.", "", "Un peu", "b")
	f.Add("0", "six", "-1", "peut-être", "", strings.Repeat("x", 3000), "\x00", "\xff", "z")
	f.Add(" 3 ", "3", "3", "non", "non", "<script>", "=1+1", "ligne\r\nligne", "a")
	q := []Question{
		{Key: "extra", Label: "Autre chose ?", Kind: QuestionText},
		{Key: "pick", Label: "Lequel ?", Kind: QuestionChoice, Options: []string{"a", "b"}},
	}
	f.Fuzz(func(t *testing.T, sat, before, after, knows, rec, useful, improve, extra, pick string) {
		in := FeedbackInput{Satisfaction: sat, KnowledgeBefore: before, KnowledgeAfter: after, KnowsWhere: knows, Recommend: rec,
			MostUseful: useful, Improve: improve, Extra: map[string]string{"extra": extra, "pick": pick}}
		a, problems := in.check(q)
		if len(problems) > 0 {
			return
		}
		for name, v := range map[string]string{"most_useful": a.MostUseful, "improve": a.Improve} {
			if !utf8.ValidString(v) || strings.ContainsRune(v, 0) || utf8.RuneCountInString(v) > MaxFeedbackText {
				t.Errorf("%s %q accepted", name, v)
			}
		}
		if !utf8.ValidString(a.Extra) || strings.ContainsRune(a.Extra, 0) {
			t.Errorf("added answers %q accepted", a.Extra)
		}
	})
}

// FuzzRequestInput feeds the request form's free texts to the check of a
// draft and of a submitted request: no panic, and single-line texts it
// accepts are clean.
func FuzzRequestInput(f *testing.F) {
	f.Add("59512", "Salle Watremez", "2 rue Watremez, 59100 Roubaix", "Mission locale\nCollège", "Pas le mercredi.", "", "https://visio.exemple.fr/x", 15)
	f.Add("\xff", "Salle\r\nBcc: x", "\x00", strings.Repeat("p\n", 200), strings.Repeat("é", 3000), "<script>", "javascript:alert(1)", -3)
	f.Fuzz(func(t *testing.T, commune, venue, address, partners, constraints, notes, remote string, count int) {
		for _, submit := range []bool{false, true} {
			in := RequestInput{CommuneINSEE: commune, VenueName: venue, VenueAddress: address, Partners: strings.Split(partners, "\n"),
				Constraints: constraints, Notes: notes, RemoteURL: remote, ExpectedCount: count, TimeZone: "Europe/Paris", Format: SessionFormat("remote")}
			if problems := in.Problems(submit); len(problems) == 0 && !cleanLine(in.normalise().VenueName) {
				t.Errorf("venue %q accepted", venue)
			}
		}
	})
}
