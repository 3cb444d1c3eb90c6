package territory

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func testQPVIndex() *QPVIndex {
	return NewQPVIndex([]QPVName{
		{"QN05901M", "Alma-Gare"}, {"QN05902M", "Épeule"}, {"QN05903M", "Hauts-Champs"},
		{"QN04901M", "Jean-Monnet"}, {"QN09301M", "Centre-ville"}, {"QN09302M", "Centre-Ville"},
		{"QN05904M", "Alma-Fontenoy"},
	})
}

func TestQPVIndex_Resolve(t *testing.T) {
	x := testQPVIndex()
	tests := []struct {
		name  string
		typed string
		codes []string
		say   []string
	}{
		{"codes, labels and names", "QN05901M, epeule\nHauts-Champs (QN05903M); qn04901m", []string{"QN05901M", "QN05902M", "QN05903M", "QN04901M"}, nil},
		{"name without accent or hyphen", "epeule; hauts champs", []string{"QN05902M", "QN05903M"}, nil},
		{"homonyms", "Centre-ville", nil, []string{"peut désigner", "QN09301M", "QN09302M", "Saisissez le code ou le nom exact"}},
		{"near names", "Alma", nil, []string{"«\u00a0Alma\u00a0» peut désigner «\u00a0Alma-Fontenoy (QN05904M)\u00a0» ou «\u00a0Alma-Gare (QN05901M)\u00a0»"}},
		{"unknown", "QZ999999, Nulle-Part", nil, []string{"introuvable", "«\u00a0QZ999999\u00a0», «\u00a0Nulle-Part\u00a0»"}},
		{"empty entries", " , ;\n", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			codes, msg := x.Resolve(SplitQPVList(tt.typed))
			if !reflect.DeepEqual(codes, tt.codes) {
				t.Errorf("codes = %v, want %v", codes, tt.codes)
			}
			if len(tt.say) == 0 && msg != "" {
				t.Errorf("unexpected message %q", msg)
			}
			for _, s := range tt.say {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not say %q", msg, s)
				}
			}
		})
	}
}

func TestQPVIndex_Search(t *testing.T) {
	x := testQPVIndex()
	tests := []struct {
		query string
		limit int
		want  []string
	}{
		{"alma", 0, []string{"QN05904M", "QN05901M"}},
		{"alma-gare", 0, []string{"QN05901M"}},
		{"ÉPEULE", 0, []string{"QN05902M"}},
		{"qn059", 2, []string{"QN05904M", "QN05901M"}},
		{"centre ville", 0, []string{"QN09302M", "QN09301M"}}, // by name: « V » sorts before « v »
		{"zzz", 0, nil},
		{"  ", 0, nil},
	}
	for _, tt := range tests {
		var got []string
		for _, q := range x.Search(tt.query, tt.limit) {
			got = append(got, q.Code)
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Search(%q, %d) = %v, want %v", tt.query, tt.limit, got, tt.want)
		}
	}
}

// TestQPVIndex_ResolvesManyNames: thousands of names resolve, each to its
// quartier, through the one index.
func TestQPVIndex_ResolvesManyNames(t *testing.T) {
	var list []QPVName
	var typed []string
	for i := range 2000 {
		list = append(list, QPVName{fmt.Sprintf("QX%06d", i), fmt.Sprintf("Quartier numéro %d", i)})
		typed = append(typed, fmt.Sprintf("quartier numero %d", i))
	}
	codes, msg := NewQPVIndex(list).Resolve(typed)
	if msg != "" || len(codes) != len(typed) || codes[1234] != "QX001234" {
		t.Fatalf("%d codes, message %q", len(codes), msg)
	}
}
