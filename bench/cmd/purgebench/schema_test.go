package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

func TestMain(m *testing.M) {
	if os.Getenv(writerEnv) == "1" { // the writer process of TestRunSmall
		if err := writerMain(os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "purgebench writer:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	pgtest.Main(m)
}

// TestSchema loads a small dataset and checks what the benchmark relies
// on: the deletion graph of users spans the tables with the edges the
// issue asks for, the native DELETE removes about as many rows as plan
// sized, and every row the writer picks survives it.
func TestSchema(t *testing.T) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	cfg := &config{rows: 3 * (rowsPerUnit + 2*extraRowsPerUnit), tables: len(coreTables) + 2, others: 30, othersRatio: 1}
	ds, err := fill(ctx, conn, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if ds.targetUnits != 3 || ds.otherUnits != 1 {
		t.Fatalf("units: target %d, others %d, want 3 and 1", ds.targetUnits, ds.otherUnits)
	}

	snap, err := catalog.Inspect(ctx, conn, catalog.Options{Schemas: []string{"public"}})
	if err != nil {
		t.Fatal(err)
	}
	g, err := graph.Build(snap, catalog.TableName{Schema: "public", Name: "users"})
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[graph.Outcome]int{}
	for _, tb := range g.Tables {
		outcomes[tb.Outcome]++
	}
	if n := len(g.Tables); n != cfg.tables {
		t.Errorf("the graph reaches %d tables, want all %d", n, cfg.tables)
	}
	var setNull, selfRef, composite int
	for _, e := range g.Edges {
		if e.Action == catalog.SetNull {
			setNull++
		}
		if e.From == e.To {
			selfRef++
		}
		if len(e.Columns) > 1 {
			composite++
		}
	}
	if setNull < 4 || selfRef < 2 || composite < 1 || len(g.Blockers) > 0 {
		t.Errorf("edges: %d SET NULL, %d self-referencing, %d composite, %d blockers; want ≥4, ≥2, ≥1, 0", setNull, selfRef, composite, len(g.Blockers))
	}

	before, err := countRows(ctx, conn, ds.tables)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "DELETE FROM users WHERE id = $1", targetUser); err != nil {
		t.Fatal(err)
	}
	after, err := countRows(ctx, tx.Conn(), ds.tables)
	if err != nil {
		t.Fatal(err)
	}
	var deleted int64
	touched := 0
	for name, n := range before {
		if d := n - after[name]; d > 0 {
			deleted += d
			touched++
		}
	}
	if touched < 20 {
		t.Errorf("the DELETE deletes rows from %d tables, want at least 20", touched)
	}
	if deleted < cfg.rows*8/10 || deleted > cfg.rows*13/10 {
		t.Errorf("the DELETE deletes %d rows, want about %d (rowsPerUnit is off)", deleted, cfg.rows)
	}
	if others := ds.totalRows - before["users"] - deleted; others < deleted {
		t.Errorf("other users own %d rows, fewer than the target's %d", others, deleted)
	}
	for kind, ids := range map[string][]int64{"users": ds.pick.users, "projects": ds.pick.projects, "documents": ds.pick.documents,
		"tasks": ds.pick.tasks, "invitations": ds.pick.invitations} {
		var n int
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+kind+" WHERE id = ANY($1)", ids).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != len(ids) {
			t.Errorf("%s: %d of the writer's %d rows are deleted", kind, len(ids)-n, len(ids))
		}
	}
	var nulled int
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM projects WHERE id = ANY($1) AND last_editor_id IS NULL", ds.pick.projects).Scan(&nulled); err != nil {
		t.Fatal(err)
	}
	if nulled == 0 {
		t.Errorf("none of the writer's projects is nulled by the DELETE; the writer would never meet its locks")
	}
}
