package handlers

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"quartier/assets"
	"quartier/config"
	"quartier/models"
)

// TestNavLinks_SameBytesAsTheTemplate renders a page for every role and
// every Nav the menu knows, once with the menu kept by views.navLinks and
// once with base.html calling the "navlinks" template in place (as it did
// before), and compares the bytes.
func TestNavLinks_SameBytesAsTheTemplate(t *testing.T) {
	base, err := fs.ReadFile(assets.FS, "templates/layout/base.html")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(base), "{{.NavHTML}}") != 2 {
		t.Fatal("base.html no longer writes {{.NavHTML}} twice: update this test")
	}
	overlay := fstest.MapFS{}
	err = fs.WalkDir(assets.FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(assets.FS, p)
		overlay[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	overlay["templates/layout/base.html"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(string(base), "{{.NavHTML}}", `{{template "navlinks" .}}`))}
	inPlace, err := parseViewsFrom(overlay, pageTable)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := parseViews()
	if err != nil {
		t.Fatal(err)
	}
	navs := []string{"", "login", "unknown"}
	for _, m := range regexp.MustCompile(`eq \$\.Nav "([^"]+)"`).FindAllStringSubmatch(string(base), -1) {
		navs = append(navs, m[1])
	}
	if len(navs) < 15 {
		t.Fatalf("found %d navs in base.html", len(navs))
	}
	roles := []models.Role{models.RoleAdmin, models.RoleCoordinator, models.RoleFacilitator, "other"}
	for _, role := range roles {
		for _, nav := range navs {
			p := page{
				User: &models.User{Name: `Léa <b>"&'+`, Role: role}, CSRF: "tok+en", AssetVersion: "v1", Nav: nav,
				Team: config.Team{ContactEmail: "contact@exemple.fr"},
			}
			var want, got bytes.Buffer
			if err := inPlace.pages[pageAccessibility].ExecuteTemplate(&want, "base", p); err != nil {
				t.Fatal(err)
			}
			tk := kept.pages[pageAccessibility]
			for range 2 { // written, then from the cache
				got.Reset()
				q := p
				if q.NavHTML, err = kept.navLinks(tk, role, nav); err != nil {
					t.Fatal(err)
				}
				if err := tk.ExecuteTemplate(&got, "base", q); err != nil {
					t.Fatal(err)
				}
				if got.String() != want.String() {
					t.Fatalf("role %s, nav %q: the page differs from the in-place menu", role, nav)
				}
			}
			if role == models.RoleAdmin && nav == "qpv" && !strings.Contains(got.String(), `<a href="/admin/qpv" aria-current="page">QPV</a>`) {
				t.Fatal("the admin's menu does not mark the current page")
			}
		}
	}
}
