package territory

import (
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	d := dir(t)
	tests := []struct {
		query string
		limit int
		want  []string // INSEE codes expected first, in this order
	}{
		{"roubaix", 5, []string{"59512"}},
		{"ROUBAIX ", 5, []string{"59512"}},
		{"st denis", 5, []string{"97411", "93066"}},
		{"Saint-Denis", 5, []string{"97411", "93066"}},
		{"ste genevieve des bois", 3, []string{"91549"}},
		{"59100", 5, []string{"59512"}},
		{"591", 3, []string{"59350"}}, // Lille has 59160
		{"Fort de france", 5, []string{"97209"}},
		{"fort-de-france", 5, []string{"97209"}},
		{"FORT DE FRANCÉ", 5, []string{"97209"}},
		{"cholet", 5, []string{"49099"}},
		{"mamoudzou", 5, []string{"97611"}},
		{"lille", 3, []string{"59350"}},
		{"59350", 2, []string{"59527", "59350"}}, // postcode of Saint-André-lez-Lille, then INSEE of Lille
		{"2a004", 1, []string{"2A004"}},
		{"paris", 2, []string{"75056", "75115"}},
		{"schoelcher", 1, []string{"97229"}},
		{"l'hay les roses", 1, []string{"94038"}},
		{"st", 1, []string{"67482"}}, // Strasbourg: « st » is also a plain prefix
	}
	for _, tt := range tests {
		got := d.Search(tt.query, tt.limit)
		if len(got) > tt.limit {
			t.Errorf("Search(%q, %d) returned %d results", tt.query, tt.limit, len(got))
		}
		if len(got) < len(tt.want) {
			t.Errorf("Search(%q) = %s, want %v first", tt.query, codes(got), tt.want)
			continue
		}
		for i, w := range tt.want {
			if got[i].INSEE != w {
				t.Errorf("Search(%q) = %s, want %v first", tt.query, codes(got), tt.want)
				break
			}
		}
	}
	for _, q := range []string{"", "   ", "-", "zzzzqqq", "999999"} {
		if got := d.Search(q, 10); len(got) != 0 {
			t.Errorf("Search(%q) = %s, want nothing", q, codes(got))
		}
	}
	if got := d.Search("lille", 0); got != nil {
		t.Errorf("Search with limit 0 = %s", codes(got))
	}
}

func TestSearchRanksPrefixBeforeSubstring(t *testing.T) {
	d := dir(t)
	got := d.Search("denis", 200)
	seenSubstring := false
	for _, c := range got {
		prefix := strings.HasPrefix(normalize(c.Name), "denis")
		if prefix && seenSubstring {
			t.Fatalf("prefix match %s after a substring match: %s", c.Name, codes(got))
		}
		if !prefix {
			seenSubstring = true
		}
	}
}

func TestNormalize(t *testing.T) {
	tests := map[string]string{
		"Fort-de-France":         "fort de france",
		"L'Haÿ-les-Roses":        "l hay les roses",
		"Schœlcher":              "schoelcher",
		"  St  Denis ":           "saint denis",
		"Ste-Geneviève-des-Bois": "sainte genevieve des bois",
		"Stains":                 "stains",
		"ÉTOUVIE":                "etouvie",
	}
	for in, want := range tests {
		if got := normalize(in); got != want {
			t.Errorf("normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func codes(cs []Commune) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.INSEE + " " + c.Name)
	}
	return "[" + b.String() + "]"
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSearch(b *testing.B) {
	d := dir(b)
	for _, q := range []string{"roubaix", "st", "fort de fr", "59100", "ann"} {
		b.Run(q, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				d.Search(q, 10)
			}
		})
	}
}
