// Package archtest checks that the packages' imports follow the table of
// DESIGN.md §4: dependencies point down, so each package can be read,
// tested and replaced on its own.
package archtest

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// allowed lists, per package, the quartier packages its non-test files may
// import. frtime (French dates and public holidays) is reference data like
// the time package: models uses it for the rule that holidays are not worked.
// internal/textfold (the one folding of names, without accents or case) is
// shared the same way: territory matches names with it, models keeps its
// search keys with it.
var allowed = map[string][]string{
	"handlers":            {"assets", "config", "frtime", "internal/planning", "links", "models", "planner", "territory", "territory/francemap", "ical", "internal/calendarsub"},
	"models":              {"frtime", "internal/textfold", "internal/timespan"},
	"planner":             {},
	"internal/planning":   {"frtime", "models", "planner", "territory"},
	"mailer":              {"assets", "config", "frtime", "ical", "links", "models"},
	"ical":                {"internal/timespan"},
	"links":               {},
	"internal/scheduler":  {"models"},
	"internal/metrics":    {"models"},
	"territory":           {"internal/textfold"},
	"territory/francemap": {},
	"frtime":              {},
	"config":              {},
	"internal/timespan":   {},
	"internal/textfold":   {},
}

func TestImportsFollowTheDesignTable(t *testing.T) {
	root := filepath.Join("..", "..")
	for pkg, ok := range allowed {
		got, err := quartierImports(filepath.Join(root, pkg))
		if err != nil {
			t.Fatalf("%s: %v", pkg, err)
		}
		for _, imp := range got {
			if !contains(ok, imp) {
				t.Errorf("%s imports quartier/%s, which DESIGN.md §4 does not allow", pkg, imp)
			}
		}
	}
}

// quartierImports returns the quartier packages imported by the non-test
// Go files of dir.
func quartierImports(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ImportsOnly)
		if err != nil {
			return nil, err
		}
		for _, imp := range f.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if rest, ok := strings.CutPrefix(p, "quartier/"); ok {
				seen[rest] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for p := range seen {
		out = append(out, p)
	}
	sort.Strings(out)
	return out, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
