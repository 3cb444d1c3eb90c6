// Package demo fills an empty database with a living programme, so that a
// newcomer (and the browser tests) see the app as its users do, and writes
// data/demo.json, the manifest of its accounts and entry points.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"quartier/links"
	"quartier/models"
	"quartier/territory"
)

// Manifest is data/demo.json. Its keys are a contract: checks and tests use
// them to drive the app as its users would. Keep them stable.
type Manifest struct {
	Accounts Accounts `json:"accounts"`
	// People lists every demo account, for the README and the console.
	People []Person `json:"people"`
	// PlanningPath is the admin's planning page for the current season
	// (its chooser defaults to the current season, from today to its end).
	PlanningPath string `json:"planning_path"`
	// ReportPath is the admin's report page (« Bilan de la saison ») of
	// the current season.
	ReportPath string `json:"report_path"`
	// SignupRace is the sign-up race of the demo coordinator's scheduled
	// session (absent when the demo was seeded without links).
	SignupRace *SignupRace `json:"signup_race,omitempty"`
	// FeedbackLinks are unused single-use feedback links (paths under the
	// base URL) of a recent held session that already has enough answers
	// for its aggregate to show (empty when seeded without links).
	FeedbackLinks []string `json:"feedback_links"`
}

// Accounts are the three accounts to try each role with. Coordinator runs
// the CLSM that the demo's sessions belong to.
type Accounts struct {
	Admin       string `json:"admin"`
	Coordinator string `json:"coordinator"`
	Facilitator string `json:"facilitator"`
}

// Person is one demo account.
type Person struct {
	Email string      `json:"email"`
	Name  string      `json:"name"`
	Role  models.Role `json:"role"`
	CLSM  string      `json:"clsm,omitempty"`
}

// settingKey marks a database filled by the demo.
const settingKey = "demo"

// State is what a database holds, as far as the demo is concerned.
type State int

// The states the demo command distinguishes.
const (
	Empty State = iota
	HoldsDemo
	HoldsOther
)

// Inspect tells whether the database is empty, holds the demo, or holds
// something else (a real install the demo must not touch).
func Inspect(ctx context.Context, store *models.Store) (State, error) {
	if v, err := store.Setting(ctx, settingKey); err == nil && v != "" {
		return HoldsDemo, nil
	} else if err != nil && !errors.Is(err, models.ErrNotFound) {
		return Empty, err
	}
	n, err := store.CountUsers(ctx)
	if err != nil {
		return Empty, err
	}
	if n == 0 {
		return Empty, nil
	}
	return HoldsOther, nil
}

// Deps are what seeding needs. The demo composes no email of its own: the
// store's operations queue them, through the mail the store was given.
type Deps struct {
	Store *models.Store
	Geo   *territory.Directory
	Now   time.Time
	// Links signs the partners' sign-up links of the manifest's race;
	// without it the manifest has no signup_race.
	Links *links.Links
}

// ManifestPath is where the manifest lives: beside the database.
func ManifestPath(dataDir string) string { return filepath.Join(dataDir, "demo.json") }

// WriteManifest writes the manifest as indented JSON.
func WriteManifest(path string, m Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o640)
}

// LoadManifest reads the stored manifest back (for a second run).
func LoadManifest(ctx context.Context, store *models.Store) (Manifest, error) {
	v, err := store.Setting(ctx, settingKey)
	if err != nil {
		return Manifest{}, err
	}
	var m Manifest
	if err := json.Unmarshal([]byte(v), &m); err != nil {
		return Manifest{}, fmt.Errorf("demo manifest in database: %w", err)
	}
	return m, nil
}

// Print writes the accounts for a person at a console.
func Print(m Manifest, baseURL, mailDir string, w interface{ Write([]byte) (int, error) }) {
	fmt.Fprintf(w, "\nDemo accounts (sign in at %s/connexion; the sign-in link arrives as an .eml file in %s):\n", strings.TrimRight(baseURL, "/"), mailDir)
	for _, p := range m.People {
		clsm := ""
		if p.CLSM != "" {
			clsm = " — " + p.CLSM
		}
		fmt.Fprintf(w, "  %-12s %-44s %s%s\n", p.Role, p.Email, p.Name, clsm)
	}
	fmt.Fprintln(w)
}
