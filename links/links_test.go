package links

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"
)

func testLinks(t *testing.T) *Links {
	t.Helper()
	l, err := New([]byte(strings.Repeat("k", 40)), "https://quartier.example.org/")
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// The feed tokens below were computed with the code that signed feed links
// before this package (handlers' feedToken): facilitators subscribed with
// them must keep their feed.
func TestFeedToken_SameAsBefore(t *testing.T) {
	l := testLinks(t)
	cases := []struct {
		id      int64
		version int
		want    string
	}{
		{7, 1, "7-HRLPH8Efv_mkQh2ts8BnRdgN2DCF-tkVIB_W46KdW1s"},
		{42, 3, "42-rRKRiLO6mB3sPFglsOpJQNkEO7CRQ2dsUxxjMgFm_mY"},
	}
	for _, c := range cases {
		if got := l.Sign(Feed, c.id, c.version); got != c.want {
			t.Errorf("Sign(Feed, %d, %d) = %s, want %s", c.id, c.version, got, c.want)
		}
		wantURL := "https://quartier.example.org/flux/" + c.want + "/calendrier.ics"
		if got := l.FeedURL(c.id, c.version); got != wantURL {
			t.Errorf("FeedURL = %s, want %s", got, wantURL)
		}
		if got := l.Webcal(c.id, c.version); got != "webcal://quartier.example.org/flux/"+c.want+"/calendrier.ics" {
			t.Errorf("Webcal = %s", got)
		}
	}
}

func TestVerify(t *testing.T) {
	l := testLinks(t)
	other, err := New([]byte(strings.Repeat("x", 40)), "https://quartier.example.org")
	if err != nil {
		t.Fatal(err)
	}
	good := l.Sign(Cancel, 12, 2)
	_, mac, _ := strings.Cut(good, "-")
	flipped := []byte(good)
	if flipped[len(flipped)-1] == 'A' {
		flipped[len(flipped)-1] = 'B'
	} else {
		flipped[len(flipped)-1] = 'A'
	}
	current := func(v int) func(int64) (int, error) { return func(int64) (int, error) { return v, nil } }
	cases := []struct {
		name    string
		p       Purpose
		token   string
		version int
		wantID  int64
		wantErr bool
	}{
		{"good", Cancel, good, 2, 12, false},
		{"tampered mac", Cancel, string(flipped), 2, 0, true},
		{"other id, same mac", Cancel, "13-" + mac, 2, 0, true},
		{"wrong purpose", Feedback, good, 2, 0, true},
		{"revoked: version bumped", Cancel, good, 3, 0, true},
		{"other secret", Cancel, other.Sign(Cancel, 12, 2), 2, 0, true},
		{"no dash", Cancel, "12" + mac, 2, 0, true},
		{"empty mac", Cancel, "12-", 2, 0, true},
		{"leading zero", Cancel, "012-" + mac, 2, 0, true},
		{"plus sign", Cancel, "+12-" + mac, 2, 0, true},
		{"negative id", Cancel, "-12-" + mac, 2, 0, true},
		{"empty", Cancel, "", 2, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := l.Verify(c.p, c.token, current(c.version))
			if c.wantErr {
				if !errors.Is(err, ErrInvalid) || id != 0 {
					t.Errorf("Verify = %d, %v; want ErrInvalid", id, err)
				}
				return
			}
			if err != nil || id != c.wantID {
				t.Errorf("Verify = %d, %v; want %d", id, err, c.wantID)
			}
		})
	}
}

func TestVerify_StoreErrorIsNotInvalid(t *testing.T) {
	l := testLinks(t)
	boom := errors.New("database is locked")
	_, err := l.Verify(Feed, l.Sign(Feed, 3, 0), func(int64) (int, error) { return 0, boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v, want the store's error", err)
	}
}

func TestPurposesDoNotCollide(t *testing.T) {
	l := testLinks(t)
	seen := map[string]Purpose{}
	for _, p := range []Purpose{Feed, Signup, Cancel, Feedback} {
		tok := l.Sign(p, 5, 1)
		if q, dup := seen[tok]; dup {
			t.Errorf("%s and %s give the same token", p, q)
		}
		seen[tok] = p
	}
}

func TestURLs(t *testing.T) {
	l := testLinks(t)
	cases := []struct{ got, want string }{
		{l.SignIn("tok", ""), "https://quartier.example.org/connexion/lien/tok"},
		{l.SignIn("tok", "/tableau-de-bord"), "https://quartier.example.org/connexion/lien/tok"},
		{l.SignIn("tok", "/demandes/3?x=1"), "https://quartier.example.org/connexion/lien/tok?suite=%2Fdemandes%2F3%3Fx%3D1"},
		{l.SignupURL(4, 0), "https://quartier.example.org/inscription/" + l.Sign(Signup, 4, 0)},
		{l.CancelURL(4, 0), "https://quartier.example.org/annulation/" + l.Sign(Cancel, 4, 0)},
		{l.FeedbackURL(4, 0), "https://quartier.example.org/avis/" + l.Sign(Feedback, 4, 0)},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}

func TestNew_Refuses(t *testing.T) {
	for name, c := range map[string]struct {
		secret []byte
		base   string
	}{
		"short secret": {[]byte("short"), "https://q.example.org"},
		"relative":     {[]byte(strings.Repeat("k", 32)), "/q"},
		"ftp":          {[]byte(strings.Repeat("k", 32)), "ftp://q.example.org"},
	} {
		if _, err := New(c.secret, c.base); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
}

// TestVerify_ComparesInConstantTime reads Verify's source: the MAC must be
// compared with hmac.Equal, never with == or bytes.Equal, which stop at the
// first differing byte and leak how much of a forged MAC is right.
func TestVerify_ComparesInConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "links.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var verify *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "Verify" {
			verify = fd
		}
	}
	if verify == nil {
		t.Fatal("no Verify in links.go")
	}
	usesHMACEqual := false
	ast.Inspect(verify.Body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.SelectorExpr:
			if x, ok := n.X.(*ast.Ident); ok {
				switch {
				case x.Name == "hmac" && n.Sel.Name == "Equal":
					usesHMACEqual = true
				case x.Name == "bytes" && n.Sel.Name == "Equal", x.Name == "strings" && n.Sel.Name == "EqualFold":
					t.Errorf("%s: Verify compares with %s.%s", fset.Position(n.Pos()), x.Name, n.Sel.Name)
				}
			}
		case *ast.BinaryExpr:
			if n.Op == token.EQL || n.Op == token.NEQ {
				if call, ok := n.Y.(*ast.CallExpr); ok {
					if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "mac" {
						t.Errorf("%s: Verify compares a MAC with %s", fset.Position(n.Pos()), n.Op)
					}
				}
				if id, ok := n.X.(*ast.Ident); ok && id.Name == "mac" {
					if lit, ok := n.Y.(*ast.BasicLit); !ok || lit.Value != `""` {
						t.Errorf("%s: Verify compares the MAC with %s", fset.Position(n.Pos()), n.Op)
					}
				}
			}
		}
		return true
	})
	if !usesHMACEqual {
		t.Error("Verify does not use hmac.Equal")
	}
}
