package handlers

import (
	"strings"
	"testing"
)

func TestReportFormats_French(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{frInt(0), "0"},
		{frInt(999), "999"},
		{frInt(12345), "12\u202f345"},
		{frInt(-1003), "−1\u202f003"},
		{frDecimal(4.25), "4,2"}, // binary 4.25 rounds half to even in FormatFloat
		{frDecimal(-0.04), "0,0"},
		{frDecimal(-1.5), "−1,5"},
		{frDecimal(1234.56), "1\u202f234,6"},
		{frPercent(0.8333), "83,3\u00a0%"},
		{csvValue(intCell(-3)), "−3"},
		{csvValue(intCell(12345)), "12345"},
		{csvValue(decCell(4.2)), "4,2"},
		{csvValue(pctCell(0.5)), "50,0\u00a0%"},
		{ofSeason("Saison 2026-2027"), "de la saison 2026-2027"},
		{ofSeason("Printemps"), "de la saison « Printemps »"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestSheetName_ValidAndUnique(t *testing.T) {
	used := map[string]bool{}
	a := sheetName("Séances : par région / département [2026]", used)
	b := sheetName("Séances : par région / département [2026]", used)
	if strings.ContainsAny(a, `:\/?*[]`) || len([]rune(a)) > 31 || len([]rune(b)) > 31 {
		t.Errorf("invalid names %q, %q", a, b)
	}
	if strings.EqualFold(a, b) {
		t.Errorf("two sheets named %q", a)
	}
}
