package handlers

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm/logger"

	"quartier/internal/dbtest"
	"quartier/models"
)

// statementCounter is a GORM logger that counts the statements run.
type statementCounter struct {
	logger.Interface
	n atomic.Int64
}

func (c *statementCounter) Trace(context.Context, time.Time, func() (string, int64), error) {
	c.n.Add(1)
}

// TestResolveQPVs_StatementsDoNotGrowWithNames: resolving a thousand typed
// quartiers runs as many statements as resolving one.
func TestResolveQPVs_StatementsDoNotGrowWithNames(t *testing.T) {
	counter := &statementCounter{Interface: logger.Discard}
	store, err := models.Open(dbtest.DSN(t), models.WithLogger(counter))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx := context.Background()
	if _, err := store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	admin, err := store.CreateFirstAdmin(ctx, "admin@exemple.fr", "Alice Admin")
	if err != nil {
		t.Fatal(err)
	}
	var rows []models.QPVInput
	for i := range 1000 {
		rows = append(rows, models.QPVInput{Line: i + 1, Code: fmt.Sprintf("QX%06d", i), Name: fmt.Sprintf("Quartier %d", i), Communes: []string{"59512"}})
	}
	if _, err := store.ImportQPVs(ctx, admin.ID, rows); err != nil {
		t.Fatal(err)
	}
	h := &Handler{store: store}
	statements := func(n int) int64 {
		typed := make([]string, n)
		for i := range typed {
			switch i % 3 {
			case 0:
				typed[i] = fmt.Sprintf("Quartier %d", i) // a name
			case 1:
				typed[i] = fmt.Sprintf("qx%06d", i) // a code
			default:
				typed[i] = fmt.Sprintf("Nulle part %d", i) // unknown
			}
		}
		before := counter.n.Load()
		codes, _, err := h.resolveQPVs(ctx, typed)
		if err != nil {
			t.Fatal(err)
		}
		if want := n - n/3; len(codes) != want {
			t.Fatalf("%d names: %d codes, want %d", n, len(codes), want)
		}
		return counter.n.Load() - before
	}
	one, thousand := statements(3), statements(1000)
	if one == 0 || thousand != one {
		t.Errorf("resolving 3 names runs %d statements, 1,000 names %d: want the same, and at least one", one, thousand)
	}
}
