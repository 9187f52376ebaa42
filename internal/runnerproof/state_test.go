package runnerproof

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/migrate"
)

// presence is how much of an object, or of a file's objects, exists.
type presence int

const (
	absent presence = iota
	complete
	partial
)

func (p presence) String() string {
	return [...]string{"absent", "complete", "partial"}[p]
}

// look finds out how much of p exists, with a word on anything partial.
func (p probe) look(ctx context.Context, conn *pgx.Conn) (presence, string, error) {
	var exists bool
	switch p.kind {
	case probeTable:
		if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", p.name).Scan(&exists); err != nil || !exists {
			return absent, "", err
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+p.name).Scan(&n); err != nil {
			return absent, "", err
		}
		if n != p.rows {
			return partial, fmt.Sprintf("%d of %d rows", n, p.rows), nil
		}
		return complete, "", nil
	case probeLedger:
		if err := conn.QueryRow(ctx, "SELECT to_regclass('ledger') IS NOT NULL").Scan(&exists); err != nil || !exists {
			return absent, "", err
		}
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM ledger WHERE version = $1", p.name).Scan(&n); err != nil {
			return absent, "", err
		}
		switch n {
		case 0:
			return absent, "", nil
		case 1:
			return complete, "", nil
		}
		return partial, fmt.Sprintf("inserted %d times: the file ran more than once", n), nil
	case probeType:
		err := conn.QueryRow(ctx, "SELECT to_regtype($1) IS NOT NULL", p.name).Scan(&exists)
		return presenceOf(exists), "", err
	case probeConstraint:
		err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = $1)", p.name).Scan(&exists)
		return presenceOf(exists), "", err
	case probeFunction:
		err := conn.QueryRow(ctx, "SELECT to_regprocedure($1) IS NOT NULL", p.name).Scan(&exists)
		return presenceOf(exists), "", err
	}
	var valid bool
	err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_index WHERE indexrelid = to_regclass($1)),
	coalesce((SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass($1)), false)`, p.name).Scan(&exists, &valid)
	switch {
	case err != nil || !exists:
		return absent, "", err
	case !valid:
		return partial, "invalid (interrupted build)", nil
	}
	return complete, "", nil
}

func presenceOf(exists bool) presence {
	if exists {
		return complete
	}
	return absent
}

// look finds out how much of the file's objects exist: absent when none,
// complete when all (each exactly once), partial otherwise, with the
// details.
func (s *spec) look(ctx context.Context, conn *pgx.Conn) (presence, string, error) {
	var seen [3]int
	var notes []string
	for _, p := range s.probes {
		got, note, err := p.look(ctx, conn)
		if err != nil {
			return absent, "", fmt.Errorf("looking for %s of %s: %w", p, s.version, err)
		}
		seen[got]++
		notes = append(notes, fmt.Sprintf("%s: %s %s", p, got, note))
	}
	detail := strings.Join(notes, "; ")
	switch {
	case seen[complete] == len(s.probes):
		return complete, detail, nil
	case seen[absent] == len(s.probes):
		return absent, detail, nil
	}
	return partial, detail, nil
}

// historyRow is a history table row, as the proofs compare it.
type historyRow struct {
	version, name, checksum string
	absorbed                int
	dirty                   bool
}

// readHistory reads the history table (none when it does not exist yet)
// and fails the test when a version is recorded twice: the primary key
// forbids it, and the count check proves the key is there.
func readHistory(t *testing.T, ctx context.Context, conn *pgx.Conn) map[string]historyRow {
	t.Helper()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", migrate.History{}.Qualified()).Scan(&exists); err != nil {
		t.Fatal(err)
	}
	out := map[string]historyRow{}
	if !exists {
		return out
	}
	var n, distinct int
	if err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM "+migrate.History{}.Qualified()).Scan(&n, &distinct); err != nil {
		t.Fatal(err)
	}
	if n != distinct {
		t.Fatalf("history holds %d rows for %d versions: a version is recorded twice", n, distinct)
	}
	rows, err := conn.Query(ctx, "SELECT version, name, checksum, absorbed, dirty FROM "+migrate.History{}.Qualified())
	if err != nil {
		t.Fatal(err)
	}
	var h historyRow
	if _, err := pgx.ForEachRow(rows, []any{&h.version, &h.name, &h.checksum, &h.absorbed, &h.dirty}, func() error {
		out[h.version] = h
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// ledgerCounts returns the ledger's row count and distinct versions, 0 and
// 0 before the ledger exists.
func ledgerCounts(t *testing.T, ctx context.Context, conn *pgx.Conn) (rows, versions int) {
	t.Helper()
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT to_regclass('ledger') IS NOT NULL").Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if !exists {
		return 0, 0
	}
	if err := conn.QueryRow(ctx, "SELECT count(*), count(DISTINCT version) FROM ledger").Scan(&rows, &versions); err != nil {
		t.Fatal(err)
	}
	return rows, versions
}

// killState is what a killed run left: the files recorded cleanly (a
// prefix of the set) and the one recorded dirty, if any.
type killState struct {
	applied int
	dirty   *spec
}

// checkKillState proves the kill-time invariants, before anything runs
// again: the history is a clean prefix of the set, optionally followed by
// one dirty non-transactional file; every recorded file is completely in
// the catalog and every unrecorded one not at all; no file ran twice.
func checkKillState(t *testing.T, ctx context.Context, conn *pgx.Conn, specs []spec) killState {
	t.Helper()
	hist := readHistory(t, ctx, conn)
	var ks killState
	ended := false // a file is not cleanly recorded: no later file may be recorded
	for i := range specs {
		s := &specs[i]
		got, detail, err := s.look(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		rec, recorded := hist[s.version]
		switch {
		case recorded && ended:
			t.Errorf("%s is recorded (dirty=%v) after an unrecorded or dirty file: the history is not a prefix", s.version, rec.dirty)
		case recorded && rec.dirty && s.tx:
			t.Errorf("transactional %s is recorded dirty", s.version)
		case recorded && rec.dirty:
			ks.dirty = s
			ended = true
		case recorded && got != complete:
			t.Errorf("%s is recorded as applied but its objects are %s: %s", s.version, got, detail)
		case recorded:
			ks.applied++
			if rec.checksum != s.sum || rec.name != s.name || rec.absorbed != s.absorbs {
				t.Errorf("%s recorded as %+v, want name %s, checksum %s, absorbed %d", s.version, rec, s.name, s.sum, s.absorbs)
			}
		case got != absent:
			t.Errorf("%s is not recorded but its objects are %s: %s", s.version, got, detail)
			ended = true
		default:
			ended = true
		}
	}
	for v := range hist {
		if specByVersion(specs)[v] == nil {
			t.Errorf("history records %s, which is not in the directory", v)
		}
	}
	rows, versions := ledgerCounts(t, ctx, conn)
	want := ks.applied
	if ks.dirty != nil {
		if got, _, _ := ks.dirty.probes[len(ks.dirty.probes)-1].look(ctx, conn); got == complete {
			want++
		}
	}
	if rows != want || versions != want {
		t.Errorf("ledger holds %d rows of %d versions, want %d of %d", rows, versions, want, want)
	}
	return ks
}

// checkComplete proves a finished run: the history equals the directory
// (every version once, clean, with its file's name and checksum) and the
// catalog holds every file's objects exactly once.
func checkComplete(t *testing.T, ctx context.Context, conn *pgx.Conn, specs []spec) {
	t.Helper()
	hist := readHistory(t, ctx, conn)
	if len(hist) != len(specs) {
		t.Errorf("history holds %d versions, the directory %d", len(hist), len(specs))
	}
	for i := range specs {
		s := &specs[i]
		rec, ok := hist[s.version]
		want := historyRow{version: s.version, name: s.name, checksum: s.sum, absorbed: s.absorbs}
		if !ok || rec != want {
			t.Errorf("history of %s: %+v (recorded %v), want %+v", s.version, rec, ok, want)
		}
		if got, detail, err := s.look(ctx, conn); err != nil || got != complete {
			t.Errorf("%s after up: %s (%v): %s", s.version, got, err, detail)
		}
	}
	if rows, versions := ledgerCounts(t, ctx, conn); rows != len(specs) || versions != len(specs) {
		t.Errorf("ledger holds %d rows of %d versions, want %d of %d", rows, versions, len(specs), len(specs))
	}
}

// waitGone waits until the server has ended every connection of killed
// runner processes to this database: only then is what they left final
// (a transaction whose COMMIT was sent may still commit; one that was
// not is rolled back when its backend notices the closed socket).
func waitGone(t *testing.T, ctx context.Context, conn *pgx.Conn) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
WHERE datname = current_database() AND application_name = $1`, childAppName).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d connections of killed runners still open after 30s", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
