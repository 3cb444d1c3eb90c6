package territory

import (
	"strings"
	"testing"
)

func TestResolveCommune(t *testing.T) {
	d := dir(t)
	tests := []struct {
		name, text string
		insee      string   // the commune found, or "" for a message
		say        []string // what the message must say
		never      []string // what it must not say
	}{
		{"postcode first", "59100", "59512", nil, nil},
		{"postcode that is another commune's INSEE code", "59350", "59527", nil, nil},
		{"INSEE code with no postcode match", "59512", "59512", nil, nil},
		{"Corsican INSEE code", "2A004", "2A004", nil, nil},
		{"label", "Roubaix — CP 59100", "59512", nil, nil},
		{"label with another of the commune's postcodes", "Lille — CP 59160", "59350", nil, nil},
		{"label of a commune sharing that postcode", "Capinghem — CP 59160", "59128", nil, nil},
		{"label typed with a hyphen and no accent", "saint denis - cp 97400", "97411", nil, nil},
		{"earlier write-back, INSEE in parentheses", "Lille (59350)", "59350", nil, nil},
		{"earlier write-back with département", "Roubaix (59512, Nord)", "59512", nil, nil},
		{"postcode in parentheses", "Roubaix (59100)", "59512", nil, nil},
		{"name", "Cholet", "49099", nil, nil},
		{"postcode then name, as on an envelope", "59160 Lille", "59350", nil, nil},
		{"name then postcode", "Capinghem 59160", "59128", nil, nil},
		{"postcode then the wrong name", "59100 Lille", "", []string{"Aucune commune ne s’appelle"}, nil},
		{"postcode of several communes", "59390", "",
			[]string{"code postal 59390", "«\u00a0Lannoy — CP 59390\u00a0»", "«\u00a0Toufflers — CP 59390\u00a0»"}, []string{"Masny"}},
		{"postcode of a commune and of its neighbour", "59160", "",
			[]string{"«\u00a0Capinghem — CP 59160\u00a0»", "«\u00a0Lille — CP 59160\u00a0»"}, []string{"Crespin"}},
		{"homonyms", "Saint-Denis", "",
			[]string{"«\u00a0Saint-Denis — CP 97400\u00a0» (La Réunion)", "«\u00a0Saint-Denis — CP 93200\u00a0» (Seine-Saint-Denis)"}, nil},
		{"unknown code", "00000", "", []string{"Aucune commune ne correspond au code «\u00a000000\u00a0»"}, nil},
		{"unknown name", "Zzzyxville", "", []string{"Aucune commune ne s’appelle «\u00a0Zzzyxville\u00a0»"}, nil},
		{"near name", "Roubai", "", []string{"Vouliez-vous dire", "«\u00a0Roubaix — CP 59100\u00a0»"}, nil},
		{"empty", "  ", "", []string{"Indiquez la commune"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, msg := d.ResolveCommune(tt.text)
			if tt.insee != "" {
				if msg != "" || c.INSEE != tt.insee {
					t.Fatalf("ResolveCommune(%q) = %s %q, %q; want %s", tt.text, c.INSEE, c.Name, msg, tt.insee)
				}
				return
			}
			if msg == "" {
				t.Fatalf("ResolveCommune(%q) = %s %q, want a message", tt.text, c.INSEE, c.Name)
			}
			for _, s := range tt.say {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not say %q", msg, s)
				}
			}
			for _, s := range tt.never {
				if strings.Contains(msg, s) {
					t.Errorf("message %q says %q", msg, s)
				}
			}
		})
	}
}

// TestResolveCommune_EveryLabelReadsBack: whatever commune and postcode a
// form writes back, sending the form again finds the same commune.
func TestResolveCommune_EveryLabelReadsBack(t *testing.T) {
	d := dir(t)
	bad := 0
	for _, c := range d.all {
		for _, p := range append([]string{""}, c.Postcodes...) {
			label := c.LabelFor(p)
			got, msg := d.ResolveCommune(label)
			if got.INSEE != c.INSEE && bad < 10 {
				bad++
				t.Errorf("ResolveCommune(%q) = %s %q, want %s", label, got.INSEE, msg, c.INSEE)
			}
		}
	}
}

func TestCommuneLabel(t *testing.T) {
	d := dir(t)
	lille, _ := d.Commune("59350")
	tests := []struct{ query, want string }{
		{"", "Lille — CP 59000"},
		{"Lille", "Lille — CP 59000"},
		{"59160", "Lille — CP 59160"},
		{"5977", "Lille — CP 59777"},
		{"59350", "Lille — CP 59000"}, // its INSEE code is no postcode of Lille
		{"Lille — CP 59800", "Lille — CP 59800"},
	}
	for _, tt := range tests {
		if got := lille.LabelFor(tt.query); got != tt.want {
			t.Errorf("LabelFor(%q) = %q, want %q", tt.query, got, tt.want)
		}
	}
	if got := d.CommuneLabel("59512"); got != "Roubaix — CP 59100" {
		t.Errorf("CommuneLabel(59512) = %q", got)
	}
	if got := d.CommuneLabel(""); got != "" {
		t.Errorf("CommuneLabel(\"\") = %q", got)
	}
}
