package runnerproof

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// TestLeaseTableCreationRace narrows down a failure the concurrent lease
// runners show about one run in three: runners that start together race
// to create the lease table, and PostgreSQL fails all but one CREATE
// TABLE IF NOT EXISTS in one of several ways. A loser must look again,
// not fail; here eight lease locks on a table nobody created yet are
// taken at once, many times over, and each must either win or report the
// lock busy.
func TestLeaseTableCreationRace(t *testing.T) {
	ctx := testCtx(t, 2*time.Minute)
	dsn := pgtest.NewDB(t)
	cfg := connect(t, dsn).Config()
	const rounds = 40
	for round := range rounds {
		table := fmt.Sprintf("lease_race_%02d", round)
		locks := make([]migrate.Locker, runners)
		for i := range locks {
			locks[i] = migrate.NewLeaseLock(cfg, "public", table, "race", fmt.Sprintf("holder-%d", i), 30*time.Second, 0)
		}
		start := make(chan struct{})
		errs := make([]error, runners)
		var wg sync.WaitGroup
		for i, l := range locks {
			wg.Go(func() {
				<-start
				errs[i] = l.Lock(ctx)
			})
		}
		close(start)
		wg.Wait()
		won := 0
		for i, err := range errs {
			var busy *migrate.LockBusyError
			switch {
			case err == nil:
				won++
				if err := locks[i].Unlock(ctx); err != nil {
					t.Errorf("round %d: unlocking: %v", round, err)
				}
			case !errors.As(err, &busy):
				t.Errorf("round %d, lock %d: %v (racing to create the lease table must lead to another look, not a failure)", round, i, err)
			}
		}
		if won != 1 && !t.Failed() {
			t.Errorf("round %d: %d of %d locks won", round, won, runners)
		}
	}
}
