package acceptance

import (
	"bytes"
	"context"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/plan"
	"github.com/ondelete/ondelete/policy"
	"github.com/ondelete/ondelete/starter"
)

// TestPlanLoop is the proof of `ondelete plan` on real PostgreSQL, for
// every migration set and both strategies: the starter policy fails the
// check; the plan's files, written in the set's own layout, are applied;
// the check passes; a second plan is empty; applying the same files again
// changes nothing; the downs, run in reverse, restore the catalog the set
// started with (normalised snapshots compared, not counts).
func TestPlanLoop(t *testing.T) {
	for _, set := range migrationSets {
		for _, strategy := range []plan.Strategy{plan.Inline, plan.Online} {
			t.Run(set.name+"/"+string(strategy), func(t *testing.T) {
				ctx := context.Background()
				a := apply(t, set)
				pol := starterPolicy(t, a.snap)
				first := evaluate(t, a.snap, pol)
				if !first.Failed(policy.Error) {
					t.Fatalf("the strict starter policy finds no error in %s: nothing to prove", set.name)
				}
				findings, err := plan.Converge(a.snap, first.Findings, recheck(pol))
				if err != nil {
					t.Fatal(err)
				}
				p, err := plan.Generate(a.snap, findings, plan.Options{Strategy: strategy})
				if err != nil {
					t.Fatal(err)
				}
				if p.Empty() {
					t.Fatal("the plan is empty although the check fails")
				}
				dir := setDir(t, set, a.migs)
				files, err := plan.Files(p, dir, time.Now())
				if err != nil {
					t.Fatal(err)
				}
				out := t.TempDir()
				if err := migrate.WriteFiles(out, files); err != nil {
					t.Fatal(err)
				}
				gen, err := migrate.Load(out, dir.Layout)
				if err != nil {
					t.Fatal(err)
				}
				if len(gen.Migrations) != len(p.Migrations) {
					t.Fatalf("%d files load as %d migrations, want %d", len(files), len(gen.Migrations), len(p.Migrations))
				}

				// Apply: the check passes and a second plan is empty.
				if _, err := migrate.Apply(ctx, a.conn, gen.Migrations); err != nil {
					t.Fatalf("applying the plan: %v\n%s", err, dumpFiles(files))
				}
				after := inspect(t, a.conn)
				if res := evaluate(t, after, pol); res.Failed(policy.Error) {
					t.Fatalf("check still fails after the plan: %+v", errorsOf(res))
				}
				again, err := plan.Converge(after, evaluate(t, after, pol).Findings, recheck(pol))
				if err != nil {
					t.Fatal(err)
				}
				if second, err := plan.Generate(after, again, plan.Options{Strategy: strategy}); err != nil || !second.Empty() {
					t.Fatalf("second plan not empty (%v): %+v", err, second.Migrations)
				}

				// Apply the same files again: nothing changes.
				if _, err := migrate.Apply(ctx, a.conn, gen.Migrations); err != nil {
					t.Fatalf("re-applying the plan: %v", err)
				}
				if diff := cmp.Diff(normalise(after), normalise(inspect(t, a.conn))); diff != "" {
					t.Fatalf("re-applying the plan changed the catalog (-first +second):\n%s", diff)
				}

				// The downs in reverse restore the original catalog.
				for i := len(p.Migrations) - 1; i >= 0; i-- {
					m := p.Migrations[i]
					name := "down/" + m.Name + ".sql"
					stmts, err := migrate.Split(name, m.Script(true, plan.SessionFor(dir, m)))
					if err != nil {
						t.Fatal(err)
					}
					down := migrate.Migration{Path: name, Up: migrate.Section{File: name, Statements: stmts}}
					if _, err := migrate.Apply(ctx, a.conn, []migrate.Migration{down}); err != nil {
						t.Fatalf("down of %s: %v", m.Name, err)
					}
				}
				if diff := cmp.Diff(normalise(a.snap), normalise(inspect(t, a.conn))); diff != "" {
					t.Fatalf("the downs did not restore the catalog (-original +restored):\n%s", diff)
				}
			})
		}
	}
}

// starterPolicy is what `ondelete init` writes for the snapshot, with the
// lints the plan fixes (indexes, validation, names) raised to errors, so
// a set whose actions already comply (documenso) still needs a plan.
func starterPolicy(t *testing.T, s *catalog.Snapshot) *policy.Policy {
	t.Helper()
	var b bytes.Buffer
	if err := starter.Write(&b, s); err != nil {
		t.Fatal(err)
	}
	text := b.String()
	for _, lint := range []string{policy.LintUnindexedCascade, policy.LintNotValid, policy.LintNonconventionalName} {
		before := text
		text = strings.Replace(text, "  "+lint+": warning", "  "+lint+": error", 1)
		if text == before {
			t.Fatalf("the starter policy has no %q line", lint)
		}
	}
	pol, err := policy.Parse([]byte(text), "ondelete.yaml")
	if err != nil {
		t.Fatalf("starter policy: %v\n%s", err, b.String())
	}
	return pol
}

func evaluate(t *testing.T, s *catalog.Snapshot, pol *policy.Policy) *check.Result {
	t.Helper()
	res, err := check.Evaluate(s, pol, check.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func recheck(pol *policy.Policy) func(*catalog.Snapshot) ([]check.Finding, error) {
	return func(s *catalog.Snapshot) ([]check.Finding, error) {
		res, err := check.Evaluate(s, pol, check.Options{})
		if err != nil {
			return nil, err
		}
		return res.Findings, nil
	}
}

func errorsOf(r *check.Result) []string {
	var out []string
	for _, f := range r.Findings {
		if f.Severity == policy.Error {
			out = append(out, f.Rule+" "+f.Schema+"."+f.Table+"."+f.Constraint)
		}
	}
	return out
}

func inspect(t *testing.T, conn *pgx.Conn) *catalog.Snapshot {
	t.Helper()
	s, err := catalog.Inspect(context.Background(), conn, catalog.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// normalise drops what is not schema: where a key was declared, and the
// planner's row estimates (an index build refreshes them).
func normalise(s *catalog.Snapshot) *catalog.Snapshot {
	n := *s
	n.Tables = append([]catalog.Table(nil), s.Tables...)
	n.ForeignKeys = append([]catalog.ForeignKey(nil), s.ForeignKeys...)
	for i := range n.Tables {
		n.Tables[i].RowEstimate = 0
	}
	for i := range n.ForeignKeys {
		fk := &n.ForeignKeys[i]
		fk.Source, fk.RowEstimate, fk.RefRowEstimate = nil, 0, 0
	}
	return &n
}

// setDir is the migrations directory the plan continues: the set's own,
// cut at upTo, or for a single schema file a flat directory holding it.
func setDir(t *testing.T, set migrationSet, migs []migrate.Migration) *migrate.Dir {
	t.Helper()
	p := set.path(t)
	if filepath.Ext(p) == ".sql" {
		return &migrate.Dir{Path: filepath.Dir(p), Layout: migrate.LayoutFlat,
			Migrations: []migrate.Migration{{Version: "001", Name: "schema", Path: "001_" + path.Base(p)}}}
	}
	d, err := migrate.Load(p, migrate.LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	d.Migrations = migs
	return d
}

func dumpFiles(files []migrate.File) string {
	var b bytes.Buffer
	for _, f := range files {
		b.WriteString("==> " + f.Path + "\n" + f.Content)
	}
	return b.String()
}
