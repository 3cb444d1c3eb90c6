package handlers

import (
	"strings"
	"testing"
)

// TestAttachmentName: whatever a download's name is made of, the header
// gets a plain file name: no quote, line break, path or "..".
func TestAttachmentName(t *testing.T) {
	for in, want := range map[string]string{
		"bilan-saison-3.csv":               "bilan-saison-3.csv",
		`a"; filename="evil.exe`:           "a___filename__evil.exe",
		"../../etc/passwd":                 "____etc_passwd",
		"x\r\nSet-Cookie: a=b.csv":         "x__Set-Cookie__a_b.csv",
		"...":                              "_.",
		"":                                 "export",
		"inscrits-séance-1-2027-01-11.csv": "inscrits-s__ance-1-2027-01-11.csv",
	} {
		got := attachmentName(in)
		if strings.ContainsAny(got, "\"\r\n/\\;") || strings.Contains(got, "..") || strings.HasPrefix(got, ".") {
			t.Errorf("attachmentName(%q) = %q: unsafe", in, got)
		}
		if got != want {
			t.Errorf("attachmentName(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzAttachmentName: no input makes an unsafe file name.
func FuzzAttachmentName(f *testing.F) {
	for _, s := range []string{"bilan.csv", "../x", "a\"b", "\r\n", "..", "é"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := attachmentName(in)
		if got == "" || strings.ContainsAny(got, "\"\r\n/\\;\x00") || strings.Contains(got, "..") || strings.HasPrefix(got, ".") {
			t.Errorf("attachmentName(%q) = %q", in, got)
		}
	})
}

// TestCSVCell_NeutralisesFormulas: a cell a spreadsheet would read as a
// formula starts with an apostrophe.
func TestCSVCell_NeutralisesFormulas(t *testing.T) {
	for _, s := range []string{"=HYPERLINK(\"http://x\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"} {
		if got := csvCell(s); !strings.HasPrefix(got, "'") {
			t.Errorf("csvCell(%q) = %q: a formula", s, got)
		}
	}
	if got := csvCell("Amina"); got != "Amina" {
		t.Errorf("csvCell(Amina) = %q", got)
	}
}
