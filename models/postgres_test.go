package models

import (
	"context"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"quartier/internal/dbtest"
)

// skipUnlessPostgres skips tests of what only PostgreSQL runs: several
// instances writing at once (SQLite's single writer makes them pass
// trivially there).
func skipUnlessPostgres(t testing.TB) {
	t.Helper()
	if !dbtest.Postgres() {
		t.Skip("PostgreSQL only: set QUARTIER_TEST_POSTGRES")
	}
}

// TestRegister_TwoInstancesHundredSignupsFivePlaces: two instances (two
// stores, each its own pool and its own sign-up batcher) take 100 sign-ups
// at once for a session of 5 places: exactly 5 are confirmed, the 95 others
// wait with ranks 1 to 95, each once. Without the session's row lock the
// two batches count the same free places and confirm up to 10.
func TestRegister_TwoInstancesHundredSignupsFivePlaces(t *testing.T) {
	skipUnlessPostgres(t)
	f := newSignupFixture(t, 25, 5, 4)
	other := moreInstances(t, f.s, 1)[0]
	other.UseMail(&recordingMail{})
	stores := []*Store{f.s, other}

	var wg sync.WaitGroup
	start := make(chan struct{})
	results := make(chan Signup, 100)
	errs := make(chan error, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			su, err := stores[i%2].Register(context.Background(), f.partners[i/4].ID, person(i))
			if err != nil {
				errs <- err
				return
			}
			results <- su
		}()
	}
	close(start)
	wg.Wait()
	close(results)
	close(errs)
	for err := range errs {
		t.Errorf("sign-up refused: %v", err)
	}
	confirmed := 0
	var ranks []int
	for su := range results {
		switch su.Registration.State {
		case RegistrationConfirmed:
			confirmed++
		case RegistrationWaiting:
			ranks = append(ranks, su.Rank)
		default:
			t.Errorf("sign-up %d in state %s", su.Registration.ID, su.Registration.State)
		}
	}
	sort.Ints(ranks)
	want := make([]int, 95)
	for i := range want {
		want[i] = i + 1
	}
	if confirmed != 5 || !slices.Equal(ranks, want) {
		t.Errorf("%d confirmed, waiting ranks %v; want 5 confirmed and ranks 1..95 once each", confirmed, ranks)
	}
	if c, w := f.states(t); c != 5 || w != 95 {
		t.Errorf("in the database: %d confirmed, %d waiting; want 5 and 95", c, w)
	}
}

// TestCancelRegistration_TwoInstancesPromoteOncePerPlace: confirmed people
// cancel on two instances at once; each freed place promotes exactly one
// person from the waiting list, first come first served.
func TestCancelRegistration_TwoInstancesPromoteOncePerPlace(t *testing.T) {
	skipUnlessPostgres(t)
	f := newSignupFixture(t, 5, 5, 4)
	var regs []Signup
	for i := range 20 {
		regs = append(regs, f.register(t, i/4, i))
	}
	other := moreInstances(t, f.s, 1)[0]
	other.UseMail(&recordingMail{})
	stores := []*Store{f.s, other}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 5 { // the 5 confirmed
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if _, err := stores[i%2].CancelRegistration(context.Background(), regs[i].Registration.ID,
				Canceller{Role: CancelledByParticipant}); err != nil {
				t.Errorf("cancel %d: %v", i, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if c, w := f.states(t); c != 5 || w != 10 {
		t.Errorf("after 5 cancellations: %d confirmed, %d waiting; want 5 and 10", c, w)
	}
	var promoted []int64
	f.s.db.Model(&Registration{}).Where("session_id = ? AND promoted_at IS NOT NULL", f.session.ID).Order("id").Pluck("id", &promoted)
	var want []int64
	for _, r := range regs[5:10] {
		want = append(want, r.Registration.ID)
	}
	if !slices.Equal(promoted, want) {
		t.Errorf("promoted %v, want the first five waiting %v", promoted, want)
	}
}

// TestMigrations_SameSchemaOnBothEngines migrates a SQLite file and a
// PostgreSQL database and compares what the application relies on: the
// tables, each table's columns with their nullability, and the indexes.
func TestMigrations_SameSchemaOnBothEngines(t *testing.T) {
	skipUnlessPostgres(t)
	ctx := context.Background()
	lite, err := Open(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	pg, err := Open(dbtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	defer pg.Close()
	for _, s := range []*Store{lite, pg} {
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatalf("%s: %v", s.Engine(), err)
		}
	}
	var liteCols, pgCols []string
	if err := lite.db.Raw(`SELECT m.name || '.' || p.name || CASE WHEN p."notnull" = 1 OR p.pk > 0 THEN ' NOT NULL' ELSE '' END
		FROM sqlite_master m JOIN pragma_table_info(m.name) p
		WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY 1`).Scan(&liteCols).Error; err != nil {
		t.Fatal(err)
	}
	if err := pg.db.Raw(`SELECT table_name || '.' || column_name || CASE WHEN is_nullable = 'NO' THEN ' NOT NULL' ELSE '' END
		FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1`).Scan(&pgCols).Error; err != nil {
		t.Fatal(err)
	}
	sameList(t, "columns", liteCols, pgCols)
	var liteIdx, pgIdx []string
	if err := lite.db.Raw(`SELECT tbl_name || '.' || name FROM sqlite_master
		WHERE type = 'index' AND name NOT LIKE 'sqlite_autoindex_%' ORDER BY 1`).Scan(&liteIdx).Error; err != nil {
		t.Fatal(err)
	}
	// PostgreSQL names the indexes of primary keys and of UNIQUE
	// constraints itself (SQLite's are its autoindexes, left out above).
	if err := pg.db.Raw(`SELECT i.tablename || '.' || i.indexname FROM pg_indexes i
		WHERE i.schemaname = 'public' AND NOT EXISTS (
			SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.contype IN ('p', 'u'))
		ORDER BY 1`).Scan(&pgIdx).Error; err != nil {
		t.Fatal(err)
	}
	sameList(t, "indexes", liteIdx, pgIdx)
	if len(liteCols) < 50 || len(liteIdx) < 20 {
		t.Errorf("%d columns and %d indexes read: the catalogue queries read too little", len(liteCols), len(liteIdx))
	}
}

// sameList reports the lines only one engine has.
func sameList(t *testing.T, what string, lite, pg []string) {
	t.Helper()
	sort.Strings(lite)
	sort.Strings(pg)
	var onlyLite, onlyPG []string
	for _, l := range lite {
		if _, ok := slices.BinarySearch(pg, l); !ok {
			onlyLite = append(onlyLite, l)
		}
	}
	for _, p := range pg {
		if _, ok := slices.BinarySearch(lite, p); !ok {
			onlyPG = append(onlyPG, p)
		}
	}
	if len(onlyLite)+len(onlyPG) > 0 {
		t.Errorf("%s differ:\n only on SQLite: %s\n only on PostgreSQL: %s", what,
			strings.Join(onlyLite, ", "), strings.Join(onlyPG, ", "))
	}
}

// TestTx_RetriesADeadlockOnPostgres: two transactions lock two rows in
// opposite orders; PostgreSQL breaks the deadlock by failing one (40P01),
// which Store.tx runs again: both operations succeed.
func TestTx_RetriesADeadlockOnPostgres(t *testing.T) {
	skipUnlessPostgres(t)
	f := newReqFixture(t)
	ctx := context.Background()
	a, b := f.admin.ID, f.coord.ID
	var attempts atomic.Int32
	firstLocked := sync.WaitGroup{}
	firstLocked.Add(2)
	run := func(first, second int64) error {
		tries := 0
		return f.s.tx(ctx, func(tx *gorm.DB) error {
			tries++
			attempts.Add(1)
			var ids []int64
			if err := tx.Raw("SELECT id FROM users WHERE id = ? FOR UPDATE", first).Scan(&ids).Error; err != nil {
				return err
			}
			if tries == 1 {
				firstLocked.Done()
				firstLocked.Wait() // both hold their first row: a cycle
			}
			return tx.Raw("SELECT id FROM users WHERE id = ? FOR UPDATE", second).Scan(&ids).Error
		})
	}
	errs := make(chan error, 2)
	go func() { errs <- run(a, b) }()
	go func() { errs <- run(b, a) }()
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("transaction failed: %v", err)
		}
	}
	if n := attempts.Load(); n < 3 {
		t.Errorf("%d runs of the two transactions: want one run again after the deadlock", n)
	}
}
