package handlers_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"quartier/assets"
	"quartier/handlers"
	"quartier/mailer"
)

// templatesWith copies the embedded templates, then applies change.
func templatesWith(t *testing.T, change func(fstest.MapFS)) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(assets.FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	change(m)
	return m
}

// A missing or broken template fails handlers.New, at start-up, not in
// front of a user.
func TestNew_MissingTemplateFails(t *testing.T) {
	e := newEnv(t)
	composer, err := mailer.NewComposer(mailer.ComposerConfig{BaseURL: e.cfg.Server.BaseURL, From: e.cfg.Mail.From, FromName: e.cfg.Mail.FromName})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		change func(fstest.MapFS)
		want   string // in the error; empty: New succeeds
	}{
		{"the embedded set", func(fstest.MapFS) {}, ""},
		{"a page file missing", func(m fstest.MapFS) { delete(m, "templates/pages/request_form.html") }, "request_form"},
		{"a partial file missing", func(m fstest.MapFS) { delete(m, "templates/layout/request_form.html") }, "request_form"},
		{"a page calls a partial it does not declare", func(m fstest.MapFS) {
			m["templates/pages/home.html"].Data = []byte(strings.Replace(string(m["templates/pages/home.html"].Data),
				`{{define "content"}}`, `{{define "content"}}{{template "csrf" .CSRF}}`, 1))
		}, `page home calls csrf`},
		{"a page calls a template nobody defines", func(m fstest.MapFS) {
			m["templates/pages/login.html"].Data = append(m["templates/pages/login.html"].Data, []byte(`{{define "x"}}{{template "feild-error" .}}{{end}}`)...)
		}, "feild-error"},
		{"a page without content", func(m fstest.MapFS) {
			m["templates/pages/legal.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}Mentions{{end}}`)}
		}, `page legal: no "content"`},
		{"a page file nobody declared", func(m fstest.MapFS) {
			m["templates/pages/extra.html"] = &fstest.MapFile{Data: []byte(`{{define "title"}}x{{end}}{{define "content"}}x{{end}}`)}
		}, "extra.html: not declared"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := handlers.New(handlers.Deps{
				Config: e.cfg, Store: e.store, Mail: composer, Territory: geo, Secret: []byte(e.cfg.Server.Secret),
				Log: slog.New(slog.DiscardHandler), Templates: templatesWith(t, tc.change),
			})
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("New: %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("New: %v, want an error about %q", err, tc.want)
			}
		})
	}
}

// Every call to render names its page with one of the page constants of
// views.go, so that every page name is in the table New checks.
func TestRender_EveryCallNamesADeclaredPage(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	var parsed []*ast.File
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		parsed = append(parsed, f)
		for _, d := range f.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.CONST {
				for _, s := range g.Specs {
					vs := s.(*ast.ValueSpec)
					if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "pageName" {
						for _, n := range vs.Names {
							declared[n.Name] = true
						}
					}
				}
			}
		}
	}
	if len(declared) < 30 {
		t.Fatalf("found %d page constants: the test no longer reads views.go", len(declared))
	}
	calls := 0
	for _, f := range parsed {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || sel.Sel.Name != "render" || len(call.Args) < 3 {
				return true
			}
			calls++
			if id, ok := call.Args[2].(*ast.Ident); !ok || !declared[id.Name] {
				t.Errorf("%s: render is called with %s, not a page constant", fset.Position(call.Pos()), types(call.Args[2]))
			}
			return true
		})
	}
	if calls < 40 {
		t.Errorf("found %d calls to render: the test no longer sees them", calls)
	}
}

func types(e ast.Expr) string {
	if b, ok := e.(*ast.BasicLit); ok {
		return "the literal " + b.Value
	}
	return "an expression"
}
