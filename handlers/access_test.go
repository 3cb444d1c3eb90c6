package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"quartier/handlers"
	"quartier/models"
)

// TestRouteAccess walks every route of the route table with every role and
// anonymously, and checks who gets in. A route added outside the table, or
// whose rule is not enforced, fails here.
func TestRouteAccess(t *testing.T) {
	e := newEnv(t)
	roles := []struct {
		name string
		user *models.User
	}{
		{"anonymous", nil}, {"admin", &e.admin}, {"coordinator", &e.coord}, {"facilitator", &e.facil},
	}
	allowed := map[handlers.Access][]string{
		handlers.AccessPublic:      {"anonymous", "admin", "coordinator", "facilitator"},
		handlers.AccessToken:       {"anonymous", "admin", "coordinator", "facilitator"},
		handlers.AccessSignedIn:    {"admin", "coordinator", "facilitator"},
		handlers.AccessCoordinator: {"coordinator"},
		handlers.AccessFacilitator: {"facilitator"},
		handlers.AccessAdmin:       {"admin"},
	}
	for _, r := range e.routes {
		ok, known := allowed[r.Access]
		if !known {
			t.Errorf("%s %s: unknown access rule %q", r.Method, r.Path, r.Access)
			continue
		}
		path := concretePath(r.Path)
		for _, role := range roles {
			t.Run(r.Method+" "+r.Path+" as "+role.name, func(t *testing.T) {
				c := e.as(role.user)
				var res resp
				if r.Method == http.MethodGet {
					res = c.get(path)
				} else {
					res = c.post(path, url.Values{})
				}
				in := false
				for _, name := range ok {
					in = in || name == role.name
				}
				switch {
				case in && (res.Status == http.StatusUnauthorized || res.Status == http.StatusForbidden || res.Status >= 500):
					t.Errorf("status %d, want access", res.Status)
				case in && res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location, "/connexion?"):
					t.Errorf("sent to sign in although allowed")
				case !in && role.user == nil && r.Method == http.MethodGet && !(res.Status == http.StatusSeeOther && strings.HasPrefix(res.Location, "/connexion?suite=")):
					t.Errorf("anonymous GET: status %d → %q, want 303 to the sign-in page", res.Status, res.Location)
				case !in && role.user == nil && r.Method != http.MethodGet && res.Status != http.StatusUnauthorized:
					t.Errorf("anonymous %s: status %d, want 401", r.Method, res.Status)
				case !in && role.user != nil && res.Status != http.StatusForbidden:
					t.Errorf("status %d, want 403", res.Status)
				}
			})
		}
	}
}

// TestEveryRouteIsInTheTable makes sure no route bypasses the access table.
func TestEveryRouteIsInTheTable(t *testing.T) {
	e := newEnv(t)
	if len(e.routes) < 10 {
		t.Fatalf("route table has %d routes", len(e.routes))
	}
	h := e.routerRoutes()
	inTable := map[string]bool{}
	for _, r := range e.routes {
		inTable[r.Method+" "+r.Path] = true
	}
	for _, r := range h {
		if !inTable[r] {
			t.Errorf("route %s is registered outside the access table", r)
		}
	}
}

// concretePath fills a route's parameters with values that exist in the
// test data where it matters (id 1) or that are harmlessly wrong (tokens).
func concretePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		switch {
		case s == "*":
			parts[i] = "x.css"
		case s == ":token" || s == ":version":
			parts[i] = "nonexistent"
		case strings.HasPrefix(s, ":"):
			parts[i] = "1"
		}
	}
	return strings.Join(parts, "/")
}
