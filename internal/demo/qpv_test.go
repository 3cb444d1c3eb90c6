package demo

import (
	"strings"
	"testing"

	"quartier/territory"
)

func TestQPVs(t *testing.T) {
	d, err := territory.Load()
	if err != nil {
		t.Fatal(err)
	}
	rows, err := QPVs(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 15 {
		t.Errorf("%d demo QPVs, want at least 15", len(rows))
	}
	deps := map[string]int{}
	for _, r := range rows {
		if !strings.HasPrefix(r.Code, "QX") {
			t.Errorf("demo QPV %s: want a local QX code", r.Code)
		}
		for _, insee := range r.Communes {
			c, _ := d.Commune(insee)
			deps[c.Departement]++
		}
	}
	for _, dep := range []string{"59", "62", "80", "49", "972", "974"} {
		if deps[dep] == 0 {
			t.Errorf("no demo QPV in département %s", dep)
		}
	}
}
