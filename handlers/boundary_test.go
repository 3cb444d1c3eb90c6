package handlers

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestNoHandlerComposesMail reads the handlers' sources: an email starts
// from a models operation, never from a page. No handler may name the
// Composer or one of its message methods, nor build an Envelope.
func TestNoHandlerComposesMail(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	forbidden := map[string]bool{
		"Composer": true, "NewComposer": true, "Compose": true, "MagicLink": true, "Welcome": true,
		"RequestDecision": true, "RequestReceived": true, "RequestToReview": true,
		"Invitation": true, "InvitationUpdate": true, "Cancellation": true, "Envelope": true,
	}
	checked := 0
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		ast.Inspect(f, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && (x.Name == "mailer" || x.Name == "models") && forbidden[sel.Sel.Name] {
				t.Errorf("%s: a handler uses %s.%s: queue mail from a models operation instead", fset.Position(sel.Pos()), x.Name, sel.Sel.Name)
			}
			return true
		})
	}
	if checked == 0 {
		t.Fatal("no handler source read")
	}
}
