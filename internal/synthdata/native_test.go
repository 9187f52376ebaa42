package synthdata_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synthdata"
	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// tinySchema has one parent and a child per referential action, a
// two-level cascade, a table without primary key, a deferred NO ACTION
// foreign key and an awkward name.
const tinySchema = `
CREATE TABLE p (id int PRIMARY KEY, name text);
CREATE TABLE c_cascade (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE CASCADE);
CREATE TABLE "Cascade Child" (id int PRIMARY KEY, c_id int REFERENCES c_cascade ON DELETE CASCADE);
CREATE TABLE c_null (id int PRIMARY KEY, p_id int REFERENCES p ON DELETE SET NULL, note text);
CREATE TABLE c_default (id int PRIMARY KEY, p_id int DEFAULT 0 REFERENCES p ON DELETE SET DEFAULT);
CREATE TABLE c_block (id int PRIMARY KEY, p_id int REFERENCES p);
CREATE TABLE nopk (p_id int REFERENCES p ON DELETE SET NULL, label text);
CREATE TABLE c_deferred (id int PRIMARY KEY, p_id int REFERENCES p DEFERRABLE INITIALLY DEFERRED);
INSERT INTO p VALUES (0, 'fallback'), (1, 'one'), (2, 'two'), (3, 'three');
INSERT INTO c_cascade VALUES (10, 1), (11, 1), (12, 2);
INSERT INTO "Cascade Child" VALUES (100, 10), (101, 12);
INSERT INTO c_null VALUES (20, 1, 'x'), (21, 2, 'y');
INSERT INTO c_default VALUES (30, 1), (31, 2);
INSERT INTO c_block VALUES (40, 2);
INSERT INTO nopk VALUES (1, 'a'), (1, 'b'), (2, 'c');
INSERT INTO c_deferred VALUES (50, 3);
`

func tiny(t *testing.T) *pgx.Conn {
	t.Helper()
	conn := synthdata.Connect(t, pgtest.NewDB(t))
	if _, err := conn.Exec(context.Background(), tinySchema); err != nil {
		t.Fatalf("creating the tiny schema: %v", err)
	}
	return conn
}

func table(name string) catalog.TableName { return catalog.TableName{Schema: "public", Name: name} }

// changes summarises an outcome as table → kind → keys, for comparison.
func changes(o *synthdata.Outcome) map[string]map[string][][]string {
	out := map[string]map[string][][]string{}
	for i := range o.Tables {
		e := &o.Tables[i]
		m := map[string][][]string{}
		if keys := e.DeletedKeys(); len(keys) > 0 {
			m["deleted"] = keys
		}
		if keys := e.NulledKeys(); len(keys) > 0 {
			m["nulled"] = keys
		}
		if keys := e.DefaultedKeys(); len(keys) > 0 {
			m["defaulted"] = keys
		}
		out[e.Table.Name] = m
	}
	return out
}

func TestNativeDeleteTinySchema(t *testing.T) {
	ctx := context.Background()
	conn := tiny(t)
	before, err := synthdata.Contents(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}

	t.Run("succeeds", func(t *testing.T) {
		out, err := synthdata.NativeDelete(ctx, conn, table("p"), map[string]string{"id": "1"})
		if err != nil {
			t.Fatal(err)
		}
		if out.Blocked() {
			t.Fatalf("deleting p 1 failed: %v", out.Failure)
		}
		want := map[string]map[string][][]string{
			"p":             {"deleted": {{"1"}}},
			"c_cascade":     {"deleted": {{"10"}, {"11"}}},
			"Cascade Child": {"deleted": {{"100"}}},
			"c_null":        {"nulled": {{"20"}}},
			"c_default":     {"defaulted": {{"30"}}},
		}
		got := changes(out)
		nopk := got["nopk"]
		delete(got, "nopk")
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("outcome (-want +got):\n%s", diff)
		}
		// The table without primary key is keyed by ctid, which the
		// UPDATE changed: both rows must still be found as nulled.
		if len(nopk["nulled"]) != 2 || len(nopk) != 1 {
			t.Errorf("nopk: want 2 nulled rows, got %v", nopk)
		}
		e := out.Table(table("c_default"))
		if e == nil || len(e.Changed) != 1 || len(e.Changed[0].Columns) != 1 ||
			e.Changed[0].Columns[0].Column != "p_id" || string(e.Changed[0].Columns[0].After) != "0" {
			t.Errorf("c_default change: %+v", e)
		}
		n := out.Table(table("c_null"))
		if n == nil || !n.Changed[0].Columns[0].ToNull() || n.Changed[0].Defaulted {
			t.Errorf("c_null change: %+v", n)
		}
		if diff := before.Diff(out.Before); diff != "" {
			t.Errorf("Before differs from the database:\n%s", diff)
		}
		if len(out.After[table("p")]) != 3 || len(out.After[table("c_cascade")]) != 1 {
			t.Errorf("After: %v", out.After)
		}
	})

	t.Run("blocked by NO ACTION", func(t *testing.T) {
		out, err := synthdata.NativeDelete(ctx, conn, table("p"), map[string]string{"id": "2"})
		if err != nil {
			t.Fatal(err)
		}
		f := out.Failure
		if f == nil || f.Code != "23503" || f.Constraint != "c_block_p_id_fkey" || f.Table != "c_block" || f.AtCheck {
			t.Fatalf("want a foreign-key violation of c_block_p_id_fkey, got %+v", f)
		}
		if out.Tables != nil || out.After != nil {
			t.Errorf("a failed DELETE reported effects: %+v", out.Tables)
		}
	})

	t.Run("blocked by a deferred check", func(t *testing.T) {
		out, err := synthdata.NativeDelete(ctx, conn, table("p"), map[string]string{"id": "3"})
		if err != nil {
			t.Fatal(err)
		}
		if f := out.Failure; f == nil || f.Code != "23503" || f.Constraint != "c_deferred_p_id_fkey" || !f.AtCheck {
			t.Fatalf("want the deferred check of c_deferred_p_id_fkey to fail, got %+v", f)
		}
	})

	t.Run("caller errors", func(t *testing.T) {
		if _, err := synthdata.NativeDelete(ctx, conn, table("p"), map[string]string{"id": "99"}); !errors.Is(err, synthdata.ErrRootNotFound) {
			t.Errorf("missing row: want ErrRootNotFound, got %v", err)
		}
		if _, err := synthdata.NativeDelete(ctx, conn, table("p"), map[string]string{"name": "one"}); err == nil {
			t.Error("a key that is not the primary key was accepted")
		}
		if _, err := synthdata.NativeDelete(ctx, conn, table("nope"), map[string]string{"id": "1"}); err == nil {
			t.Error("a missing table was accepted")
		}
	})

	after, err := synthdata.Contents(ctx, conn)
	if err != nil {
		t.Fatal(err)
	}
	if diff := before.Diff(after); diff != "" {
		t.Errorf("NativeDelete changed the database:\n%s", diff)
	}
}

// TestNativeDeleteAcrossSeeds runs the oracle on many seeds: both
// outcomes must occur, a successful outcome must be internally consistent
// (After is Before without the deleted rows and with the changed ones,
// every change is explained by a SET NULL / SET DEFAULT foreign key), and
// for some seeds a committed DELETE in a clone must leave exactly After.
func TestNativeDeleteAcrossSeeds(t *testing.T) {
	seeds := uint64(24)
	if testing.Short() {
		seeds = 8
	}
	ctx := context.Background()
	var ok, failed, avoidOK, atCheck int
	for seed := uint64(1); seed <= seeds; seed++ {
		opts := []synthdata.Option{}
		avoid := seed%2 == 0
		if avoid {
			opts = append(opts, synthdata.AvoidBlockers())
		}
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			f := synthdata.Setup(t, seed, opts...)
			conn := f.Connect(t)
			out, err := synthdata.NativeDelete(ctx, conn, f.Root.Table, f.Root.Key())
			if err != nil {
				t.Fatalf("seed %d: %v", seed, err)
			}
			if out.Blocked() {
				failed++
				if out.Failure.AtCheck {
					atCheck++
				}
				if out.Failure.Code == "" || out.Failure.Constraint == "" {
					t.Errorf("seed %d: failure without SQLSTATE or constraint: %+v", seed, out.Failure)
				}
				return
			}
			ok++
			if avoid {
				avoidOK++
			}
			checkOutcome(t, seed, f, out)
			if seed%5 == 0 {
				conn.Close(ctx)
				checkClone(t, f, out)
			}
		})
	}
	t.Logf("%d seeds: %d deletes succeeded (%d of %d with AvoidBlockers), %d failed (%d at the deferred check)", seeds, ok, avoidOK, seeds/2, failed, atCheck)
	if ok == 0 || failed == 0 {
		t.Errorf("want both outcomes: %d succeeded, %d failed", ok, failed)
	}
	if avoidOK < int(seeds/2)*3/4 {
		t.Errorf("AvoidBlockers: only %d of %d deletes succeeded", avoidOK, seeds/2)
	}
}

// checkOutcome rebuilds After from Before and the reported effects.
func checkOutcome(t *testing.T, seed uint64, f *synthdata.Fixture, out *synthdata.Outcome) {
	t.Helper()
	root := out.Table(f.Root.Table)
	if root == nil || !containsKey(root.DeletedKeys(), f.Root.KeyValues) {
		t.Errorf("seed %d: the root row %v is not among the deleted rows", seed, f.Root.KeyValues)
	}
	rebuilt := synthdata.Snapshot{}
	for name, rows := range out.Before {
		rebuilt[name] = append([]string(nil), rows...)
	}
	for _, e := range out.Tables {
		remove := map[string]int{}
		for _, r := range e.Deleted {
			remove[r.JSON]++
		}
		for _, c := range e.Changed {
			remove[c.Before]++
			if !c.Nulled && !c.Defaulted {
				t.Errorf("seed %d: %s %v changed without a SET NULL / SET DEFAULT foreign key: %v", seed, e.Table, c.Key, c.Columns)
			}
		}
		var kept []string
		for _, js := range rebuilt[e.Table] {
			if remove[js] > 0 {
				remove[js]--
				continue
			}
			kept = append(kept, js)
		}
		for _, c := range e.Changed {
			kept = append(kept, c.After)
		}
		rebuilt[e.Table] = kept
	}
	for name, rows := range rebuilt {
		sortStrings(rows)
		rebuilt[name] = rows
	}
	if diff := rebuilt.Diff(out.After); diff != "" {
		t.Errorf("seed %d: Before and the effects do not make After:\n%s", seed, diff)
	}
}

// checkClone commits the same DELETE in a clone and compares with After;
// the original must still hold Before.
func checkClone(t *testing.T, f *synthdata.Fixture, out *synthdata.Outcome) {
	t.Helper()
	ctx := context.Background()
	clone := synthdata.Connect(t, f.Clone(t))
	where := ""
	for i, c := range f.Root.KeyColumns {
		if i > 0 {
			where += " AND "
		}
		where += quote(c) + " = " + literal(f.Root.KeyValues[i])
	}
	if _, err := clone.Exec(ctx, "DELETE FROM "+f.Root.Table.Quoted()+" WHERE "+where); err != nil {
		t.Fatalf("seed %d: deleting in the clone: %v", f.Seed, err)
	}
	got, err := synthdata.Contents(ctx, clone, f.TableNames()...)
	if err != nil {
		t.Fatal(err)
	}
	if diff := got.Diff(out.After); diff != "" {
		t.Errorf("seed %d: a committed DELETE left a different database than After:\n%s", f.Seed, diff)
	}
	orig, err := synthdata.Contents(ctx, f.Connect(t))
	if err != nil {
		t.Fatal(err)
	}
	if diff := orig.Diff(out.Before); diff != "" {
		t.Errorf("seed %d: NativeDelete left the database changed:\n%s", f.Seed, diff)
	}
}
