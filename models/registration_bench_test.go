package models

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"quartier/internal/dbtest"
)

// The sign-up throughput through Store.Register, on each engine, on the
// same fixture: one scheduled session with 500 places and no
// per-organisation cap, 4 invited partners, sign-ups coming from 16
// goroutines per core at once (a crowd on the public sign-up form), each
// a new person; past 500 they go on the waiting list, as in a real rush.
// Each instance is its own Store (its own pool and sign-up batcher), as
// two serve processes would be. For docs/PERFORMANCE.md (scaleout):
//
//	go test -run '^$' -bench 'BenchmarkRegister_' -benchtime 3000x ./models
//	QUARTIER_TEST_POSTGRES=postgres://… go test -run '^$' -bench 'BenchmarkRegister_' -benchtime 3000x ./models
//
// and compare each sign-ups/s to SQLite's in the same run.
func BenchmarkRegister_SQLite(b *testing.B) {
	benchmarkRegister(b, filepath.Join(b.TempDir(), "bench.db"), 1)
}

// BenchmarkRegister_Postgres is BenchmarkRegister_SQLite on PostgreSQL,
// with one and with two instances.
func BenchmarkRegister_Postgres(b *testing.B) {
	if !dbtest.Postgres() {
		b.Skip("PostgreSQL only: set QUARTIER_TEST_POSTGRES")
	}
	for _, n := range []int{1, 2} {
		b.Run(fmt.Sprintf("instances=%d", n), func(b *testing.B) {
			benchmarkRegister(b, dbtest.DSN(b), n)
		})
	}
}

func benchmarkRegister(b *testing.B, dsn string, instances int) {
	f := newSignupFixtureOn(b, dsn, 4, MaxCapacity, MaxOrgCap)
	// No cap per organisation: the benchmark measures the writes, not
	// the refusals.
	if err := f.s.db.Exec("UPDATE sessions SET org_cap = ? WHERE id = ?", 1<<30, f.session.ID).Error; err != nil {
		b.Fatal(err)
	}
	stores := []*Store{f.s}
	for range instances - 1 {
		s, err := Open(dsn, WithClock(f.clock.Now))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		s.UseMail(&recordingMail{})
		stores = append(stores, s)
	}
	var next atomic.Int64
	b.SetParallelism(16)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1)
			s := stores[int(i)%len(stores)]
			if _, err := s.Register(context.Background(), f.partners[int(i)%len(f.partners)].ID, person(int(i))); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signups/s")
	if c, w := f.states(b); c+w != int64(b.N) || c > MaxCapacity {
		b.Errorf("%d confirmed and %d waiting after %d sign-ups", c, w, b.N)
	}
}
