package runnerproof

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// runners is how many runners start at once.
const runners = 8

// TestConcurrentRunnerProcesses: eight runner processes, connected and
// then released at the same instant, apply every file exactly once: one
// of them runs all twenty, the others wait for the lock and then find
// nothing pending.
func TestConcurrentRunnerProcesses(t *testing.T) {
	for _, locking := range []migrate.Locking{migrate.LockingAuto, migrate.LockingLease} {
		t.Run(lockingName(locking), func(t *testing.T) {
			ctx := testCtx(t, 2*time.Minute)
			dsn := pgtest.NewDB(t)
			dir, specs := writeSet(t, 0.5)
			var cs []*child
			for range runners {
				cs = append(cs, startChild(t, dsn, dir, childOpts{locking: locking, barrier: true}))
			}
			for i, c := range cs {
				if !c.await("ready", time.Minute) {
					lines, err := c.wait()
					t.Fatalf("runner %d never got ready: %v, %q, stderr %s", i, err, lines, c.errb.String())
				}
			}
			for _, c := range cs { // the barrier: all released within microseconds
				if err := c.release(); err != nil {
					t.Fatal(err)
				}
			}
			var results []*migrate.RunResult
			for i, c := range cs {
				lines, err := c.wait()
				if err != nil {
					t.Fatalf("runner %d: %v, stderr: %s", i, err, c.errb.String())
				}
				res, err := result(lines)
				if err != nil {
					t.Fatalf("runner %d: %v in %q", i, err, lines)
				}
				results = append(results, res)
			}
			checkOneWinner(t, results, specs)
			checkComplete(t, ctx, connect(t, dsn), specs)
		})
	}
}

// TestConcurrentRunnerGoroutines is the same race inside one process,
// each runner on its own connection: with the advisory lock, and with the
// lease lock (the CockroachDB path, which must exclude runners by itself
// since CockroachDB's pg_advisory_lock does not lock).
func TestConcurrentRunnerGoroutines(t *testing.T) {
	for _, locking := range []migrate.Locking{migrate.LockingAdvisory, migrate.LockingLease} {
		t.Run(lockingName(locking), func(t *testing.T) {
			ctx := testCtx(t, 2*time.Minute)
			dsn := pgtest.NewDB(t)
			dir, specs := writeSet(t, 0.5)
			rs := make([]*migrate.Runner, runners)
			for i := range rs {
				rs[i] = newRunner(t, connect(t, dsn), dir, runOptions(locking))
			}
			start := make(chan struct{})
			results := make([]*migrate.RunResult, runners)
			errs := make([]error, runners)
			var wg sync.WaitGroup
			for i := range rs {
				wg.Go(func() {
					<-start
					results[i], errs[i] = rs[i].Up(ctx)
				})
			}
			close(start)
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("runner %d: %v", i, err)
				}
			}
			checkOneWinner(t, results, specs)
			checkComplete(t, ctx, connect(t, dsn), specs)
		})
	}
}

// checkOneWinner proves that the runs applied every file exactly once,
// all by one runner, and that the others ran nothing.
func checkOneWinner(t *testing.T, results []*migrate.RunResult, specs []spec) {
	t.Helper()
	seen := map[string]int{}
	total, winners := 0, 0
	for i, res := range results {
		total += len(res.Files)
		if len(res.Files) > 0 {
			winners++
		}
		for _, f := range res.Files {
			seen[f.Version]++
			if f.Direction != "up" {
				t.Errorf("runner %d ran %s %s", i, f.Version, f.Direction)
			}
		}
	}
	if total != len(specs) || winners != 1 {
		t.Errorf("the runners applied %d files in all, %d of them ran any (%s), want %d files by exactly one runner",
			total, winners, describeRuns(results), len(specs))
	}
	for _, s := range specs {
		if seen[s.version] != 1 {
			t.Errorf("%s was applied %d times", s.version, seen[s.version])
		}
	}
}

func describeRuns(results []*migrate.RunResult) string {
	s := ""
	for i, res := range results {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprint(len(res.Files))
	}
	return s
}

func lockingName(l migrate.Locking) string {
	if l == migrate.LockingAuto {
		return "auto"
	}
	return string(l)
}
