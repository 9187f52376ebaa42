package migrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// testLockName is the lock the locker tests contend for.
const testLockName = "public.ondelete_migrations"

// connectAs opens a connection to dsn whose application_name is app, so
// a busy error can be checked for naming it.
func connectAs(t *testing.T, dsn, app string) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.RuntimeParams["application_name"] = app
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

func TestAdvisoryLockConformance(t *testing.T) {
	dsn := pgtest.NewDB(t)
	testLockerConformance(t, func(t *testing.T, wait time.Duration) Locker {
		return NewAdvisoryLock(connectAs(t, dsn, "ondelete-lock-test"), testLockName, wait)
	})
}

func TestAdvisoryLockBusyNamesHolder(t *testing.T) {
	ctx := testCtx(t)
	dsn := pgtest.NewDB(t)
	holderConn := connectAs(t, dsn, "ondelete-lock-holder")
	holder := NewAdvisoryLock(holderConn, testLockName, 0)
	mustLock(t, ctx, holder)

	err := NewAdvisoryLock(connectAs(t, dsn, "ondelete-lock-waiter"), testLockName, 100*time.Millisecond).Lock(ctx)
	var busy *LockBusyError
	if !errors.As(err, &busy) {
		t.Fatalf("got %v, want *LockBusyError", err)
	}
	for _, want := range []string{
		fmt.Sprintf("pid %d,", holderConn.PgConn().PID()),
		`application_name "ondelete-lock-holder"`,
		`user "`,
		"client ",
		"connected since ",
		"idle since ",
	} {
		if !strings.Contains(busy.Holder, want) {
			t.Errorf("Holder %q lacks %q", busy.Holder, want)
		}
	}
	if !strings.HasPrefix(err.Error(), "another ondelete migrate (pid ") || !strings.HasSuffix(err.Error(), "waited 100ms: wait for it or raise --lock-wait") {
		t.Errorf("message: %q", err)
	}
	mustUnlock(t, ctx, holder)
}

func TestAdvisoryLockDiesWithConnection(t *testing.T) {
	ctx := testCtx(t)
	dsn := pgtest.NewDB(t)
	holderConn := connectAs(t, dsn, "ondelete-lock-holder")
	holder := NewAdvisoryLock(holderConn, testLockName, 0)
	mustLock(t, ctx, holder)
	if err := holderConn.Close(ctx); err != nil {
		t.Fatal(err)
	}
	// The server ends the session a moment after the client leaves; the
	// waiter's polling covers that moment.
	waiter := NewAdvisoryLock(connectAs(t, dsn, "ondelete-lock-waiter"), testLockName, 5*time.Second)
	mustLock(t, ctx, waiter)
	if err := holder.Unlock(ctx); !errors.Is(err, ErrLockNotHeld) {
		t.Errorf("Unlock on the closed connection: got %v, want ErrLockNotHeld", err)
	}
	mustUnlock(t, ctx, waiter)
}

func TestAdvisoryLockNamesDoNotCollide(t *testing.T) {
	ctx := testCtx(t)
	dsn := pgtest.NewDB(t)
	a := NewAdvisoryLock(connectAs(t, dsn, "a"), "public.ondelete_migrations", 0)
	b := NewAdvisoryLock(connectAs(t, dsn, "b"), "other.ondelete_migrations", 0)
	mustLock(t, ctx, a)
	mustLock(t, ctx, b)
	mustUnlock(t, ctx, a)
	mustUnlock(t, ctx, b)
}

// TestAdvisoryLockKeyIsStable pins the key: runners of two ondelete versions
// must compute the same key, or they would not exclude each other. The
// SQL spelling in NewAdvisoryLock's doc must agree too.
func TestAdvisoryLockKeyIsStable(t *testing.T) {
	if got, want := advisoryKey("public.ondelete_migrations"), int64(advisoryKeyGolden); got != want {
		t.Fatalf("advisoryKey changed: got %d, want %d", got, want)
	}
	conn := connect(t)
	for _, name := range []string{"public.ondelete_migrations", `"My Schema".ondelete_migrations`, "schéma.tablé", ""} {
		var fromSQL int64
		err := conn.QueryRow(testCtx(t),
			`SELECT ('x' || left(encode(sha256(convert_to($1::text, 'UTF8')), 'hex'), 16))::bit(64)::bigint`, name).Scan(&fromSQL)
		if err != nil {
			t.Fatal(err)
		}
		if got := advisoryKey(name); got != fromSQL {
			t.Errorf("advisoryKey(%q) = %d, the documented SQL gives %d", name, got, fromSQL)
		}
	}
}

// advisoryKeyGolden is advisoryKey("public.ondelete_migrations").
const advisoryKeyGolden = 5186933228471827327

// TestSplitAdvisoryKeyMatchesPgLocks takes locks whose keys exercise the
// sign bit of each half and checks that pg_locks shows them as
// splitAdvisoryKey says, which advisoryHolder relies on.
func TestSplitAdvisoryKeyMatchesPgLocks(t *testing.T) {
	ctx := testCtx(t)
	conn := connect(t)
	keys := []int64{0, 1, -1, math.MinInt64, math.MaxInt64, 0x7fffffff, 0x80000000, -0x80000000, 0x1_8000_0001, advisoryKey(testLockName)}
	for _, key := range keys {
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
			t.Fatal(err)
		}
		var classid, objid uint32
		var objsubid int16
		err := conn.QueryRow(ctx, `SELECT classid, objid, objsubid FROM pg_locks
			WHERE locktype = 'advisory' AND pid = pg_backend_pid()`).Scan(&classid, &objid, &objsubid)
		if err != nil {
			t.Fatalf("key %d: %v", key, err)
		}
		wantClass, wantObj := splitAdvisoryKey(key)
		if classid != wantClass || objid != wantObj || objsubid != 1 {
			t.Errorf("key %d: pg_locks shows (%d, %d, %d), splitAdvisoryKey says (%d, %d, 1)", key, classid, objid, objsubid, wantClass, wantObj)
		}
		if _, err := conn.Exec(ctx, "SELECT pg_advisory_unlock($1)", key); err != nil {
			t.Fatal(err)
		}
	}
}

// TestAdvisoryLockHolderFindsOnlyItsKey checks the holder lookup against a
// lock on another key and one taken with the two-int4 form, whose classid
// and objid would match a careless split.
func TestAdvisoryLockHolderFindsOnlyItsKey(t *testing.T) {
	ctx := testCtx(t)
	dsn := pgtest.NewDB(t)
	other := connectAs(t, dsn, "other")
	key := int64(0x1_0000_0002)
	if _, err := other.Exec(ctx, "SELECT pg_advisory_lock(1, 2), pg_advisory_lock($1)", key+1); err != nil {
		t.Fatal(err)
	}
	asker := connectAs(t, dsn, "asker")
	if _, err := advisoryHolder(ctx, asker, key); !errors.Is(err, pgx.ErrNoRows) {
		t.Fatalf("no session holds key %d, yet the lookup gave %v", key, err)
	}
	if _, err := other.Exec(ctx, "SELECT pg_advisory_lock($1)", key); err != nil {
		t.Fatal(err)
	}
	h, err := advisoryHolder(ctx, asker, key)
	if err != nil {
		t.Fatal(err)
	}
	if uint32(h.PID) != other.PgConn().PID() {
		t.Errorf("holder pid %d, want %d", h.PID, other.PgConn().PID())
	}
}

func TestAdvisoryLockHolderString(t *testing.T) {
	app, user, addr, state := "ondelete", "app", "10.0.0.7", "idle in transaction"
	at := time.Date(2025, 1, 2, 12, 3, 4, 0, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		h    advisoryLockHolder
		want string
	}{
		{advisoryLockHolder{PID: 7, ApplicationName: &app, User: &user, ClientAddr: &addr, BackendStart: &at, State: &state, StateChange: &at},
			`pid 7, application_name "ondelete", user "app", client 10.0.0.7, connected since 2025-01-02 11:03:04 UTC, idle in transaction since 2025-01-02 11:03:04 UTC`},
		{advisoryLockHolder{PID: 7, ApplicationName: &app, User: &user, BackendStart: &at},
			`pid 7, application_name "ondelete", user "app", client on a local socket, connected since 2025-01-02 11:03:04 UTC`},
		{advisoryLockHolder{PID: 7, ApplicationName: &app, User: &user},
			`pid 7, application_name "ondelete", user "app", client details hidden (reading them needs pg_read_all_stats)`},
		{advisoryLockHolder{}, "a prepared transaction (see pg_prepared_xacts)"},
	} {
		if got := tc.h.String(); got != tc.want {
			t.Errorf("got  %s\nwant %s", got, tc.want)
		}
	}
}
