package purge

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// restore puts back every row of an archive: deleted rows are inserted
// again, changed rows get their old values. Foreign keys are not checked
// meanwhile (session_replication_role = replica; the test server's role is
// a superuser), so order does not matter. That the database then holds
// what it held before the purge shows the archive is a complete backup.
func restore(t *testing.T, conn *pgx.Conn, snap *catalog.Snapshot, lines []ArchiveLine) {
	t.Helper()
	ctx := context.Background()
	type group struct {
		table catalog.TableName
		op    Op
		rows  []json.RawMessage
	}
	groups := map[string]*group{}
	var order []string
	for _, l := range lines {
		k := l.Table.String() + " " + string(l.Op)
		if groups[k] == nil {
			groups[k] = &group{table: l.Table, op: l.Op}
			order = append(order, k)
		}
		groups[k].rows = append(groups[k].rows, l.Row)
	}
	tx, err := conn.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
		t.Fatal(err)
	}
	for _, k := range order {
		g := groups[k]
		tab := snap.Table(g.table)
		if tab == nil || len(tab.PrimaryKey) == 0 {
			t.Fatalf("restore: %s has no primary key", g.table)
		}
		var cols, sets []string
		for _, c := range tab.Columns {
			if c.Generated {
				continue
			}
			cols = append(cols, ident.Quote(c.Name))
			if c.Identity == "" {
				sets = append(sets, ident.Quote(c.Name)+" = r."+ident.Quote(c.Name))
			}
		}
		rows, err := json.Marshal(g.rows)
		if err != nil {
			t.Fatal(err)
		}
		src := fmt.Sprintf("jsonb_populate_recordset(NULL::%s, $1::jsonb) AS r", g.table.Quoted())
		var q string
		if g.op == OpDelete {
			q = fmt.Sprintf("INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE SELECT %s FROM %s",
				g.table.Quoted(), strings.Join(cols, ", "), strings.Join(prefixed("r.", cols), ", "), src)
		} else {
			var match []string
			for _, c := range tab.PrimaryKey {
				match = append(match, "t."+ident.Quote(c)+" = r."+ident.Quote(c))
			}
			q = fmt.Sprintf("UPDATE %s AS t SET %s FROM %s WHERE %s",
				g.table.Quoted(), strings.Join(sets, ", "), src, strings.Join(match, " AND "))
		}
		tag, err := tx.Exec(ctx, q, string(rows))
		if err != nil {
			t.Fatalf("restoring %s: %v", k, err)
		}
		if int(tag.RowsAffected()) != len(g.rows) {
			t.Fatalf("restoring %s: %d of %d rows", k, tag.RowsAffected(), len(g.rows))
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// prefixed puts p before each string.
func prefixed(p string, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = p + s
	}
	return out
}
