package synthdata_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/internal/synthdata"
)

// danglingQuery counts rows of a child whose reference (every column
// non-NULL, as MATCH SIMPLE checks) names no parent row.
func danglingQuery(child, parent string, cols, refs []string) string {
	var notNull, match []string
	for i := range cols {
		notNull = append(notNull, "c."+ident.Quote(cols[i])+" IS NOT NULL")
		match = append(match, "p."+ident.Quote(refs[i])+" = c."+ident.Quote(cols[i]))
	}
	return "SELECT count(*) FROM " + child + " c WHERE " + strings.Join(notNull, " AND ") +
		" AND NOT EXISTS (SELECT 1 FROM " + parent + " p WHERE " + strings.Join(match, " AND ") + ")"
}

// TestLoadedDataIsConsistent loads several seeds and checks with one
// query per foreign key that no reference dangles (the rows went in with
// the foreign-key triggers off), that every table holds the generated row
// count, and that identity sequences were moved past the explicit keys.
func TestLoadedDataIsConsistent(t *testing.T) {
	ctx := context.Background()
	deferred := 0
	for seed := uint64(1); seed <= 5; seed++ {
		f := synthdata.Setup(t, seed)
		conn := f.Connect(t)
		var n int
		if err := conn.QueryRow(ctx, `SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND condeferrable AND condeferred`).Scan(&n); err != nil {
			t.Fatalf("seed %d: counting deferred foreign keys: %v", seed, err)
		}
		if n != len(f.Data.Deferred) {
			t.Errorf("seed %d: %d foreign keys are deferred, Data.Deferred lists %d", seed, n, len(f.Data.Deferred))
		}
		deferred += n
		for _, fk := range f.Data.Schema.ForeignKeys {
			q := danglingQuery(ident.QuoteQualified(fk.Schema, fk.Table), ident.QuoteQualified(fk.RefSchema, fk.RefTable), fk.Columns, fk.RefColumns)
			var n int
			if err := conn.QueryRow(ctx, q).Scan(&n); err != nil {
				t.Fatalf("seed %d: checking %s: %v", seed, fk.Name, err)
			}
			if n > 0 {
				t.Errorf("seed %d: %d rows of %s reference missing rows through %s", seed, n, fk.TableName(), fk.Name)
			}
		}
		for ti, tb := range f.Data.Schema.Tables {
			var n int
			if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+tb.TableName().Quoted()).Scan(&n); err != nil {
				t.Fatalf("seed %d: counting %s: %v", seed, tb.TableName(), err)
			}
			if want := len(f.Data.Tables[ti].Rows); n != want {
				t.Errorf("seed %d: %s holds %d rows, generated %d", seed, tb.TableName(), n, want)
			}
			for _, c := range tb.Columns {
				if c.Identity == "" {
					continue
				}
				var behind bool
				err := conn.QueryRow(ctx, `SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence($1, $2)::regclass), 0) < (SELECT max(`+
					ident.Quote(c.Name)+`) FROM `+tb.TableName().Quoted()+`)`, tb.TableName().Quoted(), c.Name).Scan(&behind)
				if err != nil {
					t.Fatalf("seed %d: reading the sequence of %s.%s: %v", seed, tb.TableName(), c.Name, err)
				}
				if behind {
					t.Errorf("seed %d: the identity sequence of %s.%s is behind the loaded keys", seed, tb.TableName(), c.Name)
				}
			}
		}
	}
	if deferred == 0 {
		t.Error("no seed has a deferred foreign key")
	}
}

// TestLoadIsDeterministic loads the same seed twice and compares every
// table, which also covers values whose text PostgreSQL normalises.
func TestLoadIsDeterministic(t *testing.T) {
	ctx := context.Background()
	a, b := synthdata.Setup(t, 11), synthdata.Setup(t, 11)
	ca, err := synthdata.Contents(ctx, a.Connect(t))
	if err != nil {
		t.Fatal(err)
	}
	cb, err := synthdata.Contents(ctx, b.Connect(t))
	if err != nil {
		t.Fatal(err)
	}
	if diff := ca.Diff(cb); diff != "" {
		t.Fatalf("seed 11 loaded differently twice:\n%s", diff)
	}
	if len(ca) != len(a.Data.Tables) {
		t.Errorf("Contents read %d tables, the fixture has %d", len(ca), len(a.Data.Tables))
	}
}
