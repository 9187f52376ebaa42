package migrate

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// leaseFixture builds lease lockers on one fresh database, each with its
// own holder id and application_name, and cleans up after them.
type leaseFixture struct {
	t      *testing.T
	dsn    string
	schema string
	table  string
	n      atomic.Int64
}

func newLeaseFixture(t *testing.T) *leaseFixture {
	return &leaseFixture{t: t, dsn: pgtest.NewDB(t), schema: "public", table: "ondelete_migrations_lock"}
}

// locker returns a new lease locker, holder "runner-N", whose connection
// has application_name "lease-runner-N"; it is unlocked at the end of t
// if still held, so no heartbeat outlives its test.
func (f *leaseFixture) locker(t *testing.T, ttl, wait time.Duration) *LeaseLock {
	t.Helper()
	cfg, err := pgx.ParseConfig(f.dsn)
	if err != nil {
		t.Fatal(err)
	}
	id := fmt.Sprintf("runner-%d", f.n.Add(1))
	cfg.RuntimeParams["application_name"] = "lease-" + id
	l := NewLeaseLock(cfg, f.schema, f.table, testLockName, id, ttl, wait).(*LeaseLock)
	t.Cleanup(func() {
		if err := l.Unlock(context.Background()); err != nil && !errors.Is(err, ErrLockNotHeld) {
			t.Errorf("cleanup: %v", err)
		}
	})
	return l
}

// conn opens a plain connection to the fixture's database.
func (f *leaseFixture) conn(t *testing.T) *pgx.Conn {
	return connectAs(t, f.dsn, "lease-test")
}

// rows returns the lease table as holder by name.
func (f *leaseFixture) rows(t *testing.T) map[string]string {
	t.Helper()
	rows, err := f.conn(t).Query(testCtx(t), fmt.Sprintf("SELECT name, holder FROM %s", ident.QuoteQualified(f.schema, f.table)))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	var name, holder string
	if _, err := pgx.ForEachRow(rows, []any{&name, &holder}, func() error {
		out[name] = holder
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLeaseLockConformance(t *testing.T) {
	f := newLeaseFixture(t)
	testLockerConformance(t, func(t *testing.T, wait time.Duration) Locker {
		return f.locker(t, 2*time.Second, wait)
	})
	if rows := f.rows(t); len(rows) != 0 {
		t.Errorf("lease rows left behind: %v", rows)
	}
}

func TestLeaseLockBusyNamesHolder(t *testing.T) {
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	a := f.locker(t, time.Minute, 0)
	mustLock(t, ctx, a)
	err := f.locker(t, time.Minute, 100*time.Millisecond).Lock(ctx)
	var busy *LockBusyError
	if !errors.As(err, &busy) {
		t.Fatalf("got %v, want *LockBusyError", err)
	}
	if !strings.HasPrefix(busy.Holder, `lease holder "runner-1", acquired `) || !strings.Contains(busy.Holder, ", lease expires in ") {
		t.Errorf("Holder: %q", busy.Holder)
	}
	if !strings.HasSuffix(err.Error(), "waited 100ms: wait for it or raise --lock-wait") {
		t.Errorf("message: %q", err)
	}
	mustUnlock(t, ctx, a)
}

// TestLeaseLockTakesOverDeadHolder plays a runner that died holding the
// lease: its row stays until it expires, then the next runner takes over.
func TestLeaseLockTakesOverDeadHolder(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	l := f.locker(t, time.Minute, 0)
	mustLock(t, ctx, l) // creates the table
	mustUnlock(t, ctx, l)
	if _, err := f.conn(t).Exec(ctx, fmt.Sprintf(`INSERT INTO %s VALUES ($1, 'dead-runner', now(), now() + interval '400 milliseconds')`,
		ident.QuoteQualified(f.schema, f.table)), testLockName); err != nil {
		t.Fatal(err)
	}
	var busy *LockBusyError
	if err := l.Lock(ctx); !errors.As(err, &busy) || !strings.Contains(busy.Holder, `"dead-runner"`) {
		t.Fatalf("before expiry: got %v, want busy naming dead-runner", err)
	}
	waiter := f.locker(t, time.Minute, 5*time.Second)
	start := time.Now()
	mustLock(t, ctx, waiter)
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took over after %s, the dead lease expired after 400ms", d)
	}
	if got := f.rows(t)[testLockName]; got != "runner-2" {
		t.Errorf("lease holder after takeover: %q, want runner-2", got)
	}
	mustUnlock(t, ctx, waiter)
}

// TestLeaseLockOneWinsAnExpiredLease has eight runners take over one
// expired lease at the same moment, several times: the conditional
// upsert must let exactly one of them win each time.
func TestLeaseLockOneWinsAnExpiredLease(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	lockers := make([]Locker, 8)
	for i := range lockers {
		lockers[i] = f.locker(t, time.Minute, 0)
	}
	mustLock(t, ctx, lockers[0]) // creates the table
	mustUnlock(t, ctx, lockers[0])
	admin := f.conn(t)
	for round := range 5 {
		if _, err := admin.Exec(ctx, fmt.Sprintf(`INSERT INTO %s VALUES ($1, 'dead-runner', now() - interval '1 minute', now() - interval '1 second')`,
			ident.QuoteQualified(f.schema, f.table)), testLockName); err != nil {
			t.Fatal(err)
		}
		winners := race(t, ctx, lockers)
		if len(winners) != 1 {
			t.Fatalf("round %d: %d runners took over the expired lease, want 1", round, len(winners))
		}
		mustUnlock(t, ctx, winners[0])
	}
}

// TestLeaseLockHeartbeatOutlivesTTL holds a short lease for several ttls:
// only the heartbeat keeps it.
func TestLeaseLockHeartbeatOutlivesTTL(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	a := f.locker(t, 300*time.Millisecond, 0)
	mustLock(t, ctx, a)
	time.Sleep(time.Second)
	var busy *LockBusyError
	if err := f.locker(t, time.Minute, 0).Lock(ctx); !errors.As(err, &busy) {
		t.Fatalf("after 3 ttls: got %v, want busy", err)
	}
	select {
	case <-a.Lost():
		t.Fatal("lease reported lost")
	default:
	}
	mustUnlock(t, ctx, a)
}

// TestLeaseLockHeartbeatSurvivesKilledConnection kills the lease's
// backend: the heartbeat reconnects and keeps the lease.
func TestLeaseLockHeartbeatSurvivesKilledConnection(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	a := f.locker(t, 600*time.Millisecond, 0)
	mustLock(t, ctx, a)
	admin := f.conn(t)
	const backend = `SELECT pid FROM pg_stat_activity WHERE application_name = 'lease-runner-1'`
	var killed int32
	if err := admin.QueryRow(ctx, backend).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec(ctx, "SELECT pg_terminate_backend($1)", killed); err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	var now int32
	if err := admin.QueryRow(ctx, backend).Scan(&now); err != nil || now == killed {
		t.Fatalf("no new heartbeat connection (pid %d, killed %d, %v)", now, killed, err)
	}
	var busy *LockBusyError
	if err := f.locker(t, time.Minute, 0).Lock(ctx); !errors.As(err, &busy) || !strings.Contains(busy.Holder, `"runner-1"`) {
		t.Fatalf("after the kill: got %v, want busy naming runner-1", err)
	}
	select {
	case <-a.Lost():
		t.Fatal("lease reported lost")
	default:
	}
	mustUnlock(t, ctx, a)
}

// TestLeaseLockHeartbeatNoticesTakeover steals a held lease: the
// heartbeat reports it on Lost, and Unlock reports ErrLeaseLost and leaves
// the thief's row alone.
func TestLeaseLockHeartbeatNoticesTakeover(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	a := f.locker(t, 300*time.Millisecond, 0)
	mustLock(t, ctx, a)
	if _, err := f.conn(t).Exec(ctx, fmt.Sprintf(`UPDATE %s SET holder = 'thief'`, ident.QuoteQualified(f.schema, f.table))); err != nil {
		t.Fatal(err)
	}
	select {
	case <-a.Lost():
	case <-time.After(3 * time.Second):
		t.Fatal("the heartbeat did not notice the lease was taken over")
	}
	err := a.Unlock(ctx)
	if !errors.Is(err, ErrLeaseLost) || !strings.Contains(err.Error(), "taken over") {
		t.Errorf("Unlock: got %v, want ErrLeaseLost", err)
	}
	if got := f.rows(t)[testLockName]; got != "thief" {
		t.Errorf("Unlock touched another holder's row: holder now %q", got)
	}
}

// TestLeaseLockUnlockDeletesOnlyItsOwnRow stops a holder's heartbeat, as
// if its process froze; another runner takes over once the lease expires.
// The frozen holder's Unlock must then leave the new holder's row alone
// and say the lease was lost.
func TestLeaseLockUnlockDeletesOnlyItsOwnRow(t *testing.T) {
	t.Parallel()
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	frozen := f.locker(t, 300*time.Millisecond, 0)
	mustLock(t, ctx, frozen)
	frozen.stop()
	<-frozen.done
	next := f.locker(t, time.Minute, 5*time.Second)
	mustLock(t, ctx, next)
	select {
	case <-frozen.Lost():
		t.Fatal("a stopped heartbeat cannot have noticed anything")
	default:
	}
	if err := frozen.Unlock(ctx); !errors.Is(err, ErrLeaseLost) {
		t.Errorf("frozen holder's Unlock: got %v, want ErrLeaseLost", err)
	}
	select {
	case <-frozen.Lost():
	default:
		t.Error("Lost not closed after Unlock found the lease lost")
	}
	if got := f.rows(t)[testLockName]; got != "runner-2" {
		t.Errorf("lease holder: %q, want runner-2", got)
	}
	mustUnlock(t, ctx, next)
	if rows := f.rows(t); len(rows) != 0 {
		t.Errorf("lease rows left behind: %v", rows)
	}
}

// TestLeaseLockCreatesSchemaAndTable uses names that need quoting, in a
// schema that does not exist yet.
func TestLeaseLockCreatesSchemaAndTable(t *testing.T) {
	ctx := testCtx(t)
	f := newLeaseFixture(t)
	f.schema, f.table = "Lock Schema", `lease "x"`
	l := f.locker(t, time.Minute, 0)
	mustLock(t, ctx, l)
	if got := f.rows(t)[testLockName]; got != "runner-1" {
		t.Errorf("lease holder: %q, want runner-1", got)
	}
	mustUnlock(t, ctx, l)
}

func TestLeaseLockRejectsBadArguments(t *testing.T) {
	cfg, err := pgx.ParseConfig("postgres://localhost/x")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range []Locker{
		NewLeaseLock(nil, "", "t", "n", "h", time.Second, 0),
		NewLeaseLock(cfg, "", "", "n", "h", time.Second, 0),
		NewLeaseLock(cfg, "", "t", "n", "", time.Second, 0),
		NewLeaseLock(cfg, "", "t", "n", "h", 0, 0),
	} {
		if err := l.Lock(context.Background()); err == nil || !strings.HasPrefix(err.Error(), "migration lease: ") {
			t.Errorf("got %v, want an argument error", err)
		}
	}
}
