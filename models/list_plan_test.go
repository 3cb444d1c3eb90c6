package models_test

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"quartier/models"
)

// lastSelect is a GORM logger that keeps the last SELECT … LIMIT run.
type lastSelect struct {
	logger.Interface
	mu  sync.Mutex
	sql string
}

func (l *lastSelect) Trace(_ context.Context, _ time.Time, fc func() (string, int64), _ error) {
	if sql, _ := fc(); strings.HasPrefix(sql, "SELECT") && strings.Contains(sql, "LIMIT") {
		l.mu.Lock()
		l.sql = sql
		l.mu.Unlock()
	}
}

// TestListQueries_UseTheirIndex: each list's page query reads its rows in
// order from the index migration 0008 made for its filter and sort,
// without sorting them in a temporary B-tree.
func TestListQueries_UseTheirIndex(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plan.db")
	last := &lastSelect{Interface: logger.Discard}
	s, err := models.Open(path, models.WithLogger(last))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	raw, err := gorm.Open(sqlite.Open(path), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if db, err := raw.DB(); err == nil {
		defer db.Close()
	}
	// covering are the indexes a list's plan must read without looking
	// its rows up in their table (migration 0021).
	covering := map[string][]string{
		"people":         {"users_name", "clsms_coordinator"},
		"people by role": {"users_role_name", "clsms_coordinator"},
	}
	for _, tc := range []struct {
		name, index string
		run         func() error
	}{
		{"requests", "requests_list_order", func() error {
			_, err := s.ListRequests(ctx, models.RequestFilter{ExcludeDrafts: true, Limit: 50, Offset: 50})
			return err
		}},
		{"requests by state", "requests_state_sent", func() error {
			_, err := s.ListRequests(ctx, models.RequestFilter{ExcludeDrafts: true, State: models.RequestClosed, Limit: 50})
			return err
		}},
		{"people", "users_name", func() error { _, err := s.ListUserRows(ctx, models.UserFilter{Limit: 50}); return err }},
		{"people by role", "users_role_name", func() error {
			_, err := s.ListUserRows(ctx, models.UserFilter{Role: models.RoleCoordinator, Limit: 50})
			return err
		}},
		{"CLSMs by région", "clsms_region", func() error {
			_, err := s.ListCLSMs(ctx, models.CLSMFilter{RegionCode: "32", Limit: 50})
			return err
		}},
		{"CLSMs by département", "clsms_departement", func() error {
			_, err := s.ListCLSMs(ctx, models.CLSMFilter{DepartementCode: "59", Limit: 50})
			return err
		}},
		{"outbox", "outbox_messages_created", func() error {
			_, _, err := s.ListOutbox(ctx, models.OutboxFilter{Limit: 50})
			return err
		}},
		{"outbox by status", "outbox_messages_status_created", func() error {
			_, _, err := s.ListOutbox(ctx, models.OutboxFilter{Status: models.OutboxSent, Limit: 50})
			return err
		}},
		{"quartiers", "qpvs_name", func() error { _, err := s.QPVPage(ctx, 50, 50); return err }},
		{"seasons", "seasons_starts", func() error { _, err := s.SeasonPage(ctx, 50, 0); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			last.sql = ""
			if err := tc.run(); err != nil {
				t.Fatal(err)
			}
			if last.sql == "" {
				t.Fatal("no SELECT … LIMIT was run")
			}
			var plan []struct{ Detail string }
			if err := raw.Raw("EXPLAIN QUERY PLAN " + last.sql).Scan(&plan).Error; err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, p := range plan {
				lines = append(lines, p.Detail)
			}
			text := strings.Join(lines, "\n")
			if !regexp.MustCompile(`INDEX ` + tc.index + `\b`).MatchString(text) {
				t.Errorf("%s\nplan:\n%s\nwant it to use %s", last.sql, text, tc.index)
			}
			for _, idx := range covering[tc.name] {
				if !regexp.MustCompile(`COVERING INDEX ` + idx + `\b`).MatchString(text) {
					t.Errorf("%s\nplan:\n%s\nwant it to read %s alone, without the table", last.sql, text, idx)
				}
			}
			if strings.Contains(text, "TEMP B-TREE") {
				t.Errorf("%s\nplan:\n%s\nwant no sort", last.sql, text)
			}
		})
	}
}
