package plan

import (
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gotest.tools/v3/assert"

	"github.com/ondelete/ondelete/catalog"
)

// crdbSim applies the statements a CockroachDB plan generates to a model
// of the constraints and indexes of each table, failing as CockroachDB
// does on the cases a re-run would hit: a RENAME or VALIDATE of a missing
// constraint, a RENAME onto a taken name. It understands exactly the
// statements the planner writes, so a new kind of statement fails loudly.
type crdbSim struct {
	keys    map[string]map[string]simKey // quoted table -> quoted name -> key
	indexes map[string]bool              // quoted table@index
}

type simKey struct {
	clause string
	valid  bool
}

var cmpSim = cmp.AllowUnexported(simKey{})

const simQ = `"(?:[^"]|"")*"`

var (
	simTable  = simQ + `\.` + simQ
	simAdd    = regexp.MustCompile(`^ALTER TABLE (` + simTable + `) ADD CONSTRAINT IF NOT EXISTS (` + simQ + `) (.*?)( NOT VALID)?;$`)
	simDrop   = regexp.MustCompile(`^ALTER TABLE (` + simTable + `) DROP CONSTRAINT IF EXISTS (` + simQ + `);$`)
	simValid  = regexp.MustCompile(`^ALTER TABLE (` + simTable + `) VALIDATE CONSTRAINT (` + simQ + `);$`)
	simRename = regexp.MustCompile(`^ALTER TABLE (` + simTable + `) RENAME CONSTRAINT (` + simQ + `) TO (` + simQ + `);$`)
	simCreate = regexp.MustCompile(`^CREATE INDEX IF NOT EXISTS (` + simQ + `) ON (` + simTable + `) \(.*\);$`)
	simDropIx = regexp.MustCompile(`^DROP INDEX IF EXISTS (` + simTable + `)@(` + simQ + `);$`)
)

func newCrdbSim(s *catalog.Snapshot) *crdbSim {
	sim := &crdbSim{keys: map[string]map[string]simKey{}, indexes: map[string]bool{}}
	for i := range s.ForeignKeys {
		fk := &s.ForeignKeys[i]
		t := fk.TableName().Quoted()
		if sim.keys[t] == nil {
			sim.keys[t] = map[string]simKey{}
		}
		sim.keys[t][`"`+strings.ReplaceAll(fk.Name, `"`, `""`)+`"`] = simKey{fk.Clause(fk.OnDelete, fk.OnUpdate), fk.Validated}
	}
	return sim
}

func (sim *crdbSim) clone() *crdbSim {
	c := &crdbSim{keys: map[string]map[string]simKey{}, indexes: maps.Clone(sim.indexes)}
	for t, keys := range sim.keys {
		c.keys[t] = maps.Clone(keys)
	}
	return c
}

func (sim *crdbSim) exec(sql string) error {
	table := func(t string) map[string]simKey {
		if sim.keys[t] == nil {
			sim.keys[t] = map[string]simKey{}
		}
		return sim.keys[t]
	}
	if m := simAdd.FindStringSubmatch(sql); m != nil {
		if _, ok := table(m[1])[m[2]]; !ok {
			table(m[1])[m[2]] = simKey{m[3], m[4] == ""}
		}
		return nil
	}
	if m := simDrop.FindStringSubmatch(sql); m != nil {
		delete(table(m[1]), m[2])
		return nil
	}
	if m := simValid.FindStringSubmatch(sql); m != nil {
		k, ok := table(m[1])[m[2]]
		if !ok {
			return fmt.Errorf("constraint %s of %s does not exist", m[2], m[1])
		}
		k.valid = true
		table(m[1])[m[2]] = k
		return nil
	}
	if m := simRename.FindStringSubmatch(sql); m != nil {
		keys := table(m[1])
		k, ok := keys[m[2]]
		if !ok {
			return fmt.Errorf("constraint %s of %s does not exist", m[2], m[1])
		}
		if _, taken := keys[m[3]]; taken {
			return fmt.Errorf("constraint %s of %s already exists", m[3], m[1])
		}
		delete(keys, m[2])
		keys[m[3]] = k
		return nil
	}
	if m := simCreate.FindStringSubmatch(sql); m != nil {
		sim.indexes[m[2]+"@"+m[1]] = true
		return nil
	}
	if m := simDropIx.FindStringSubmatch(sql); m != nil {
		delete(sim.indexes, m[1]+"@"+m[2])
		return nil
	}
	return fmt.Errorf("statement the simulator does not know: %s", sql)
}

// run applies the statements of every migration's up (or, down, every
// down from the last migration back), checking after each migration that
// every key of the snapshot still has a constraint on its columns and
// referenced table: CockroachDB plans add before they drop.
func (sim *crdbSim) run(t *testing.T, s *catalog.Snapshot, p *Plan, down bool) {
	t.Helper()
	migs := p.Migrations
	for i := range migs {
		m := migs[i]
		stmts := m.Up
		if down {
			m = migs[len(migs)-1-i]
			stmts = m.Down
		}
		for _, st := range stmts {
			assert.NilError(t, sim.exec(st.SQL), "migration %s", m.Name)
		}
		for j := range s.ForeignKeys {
			fk := &s.ForeignKeys[j]
			prefix := fk.Clause(catalog.NoAction, catalog.NoAction)
			found := false
			for _, k := range sim.keys[fk.TableName().Quoted()] {
				found = found || strings.HasPrefix(k.clause, prefix)
			}
			assert.Assert(t, found, "after %s no constraint is left on %s", m.Name, prefix)
		}
	}
}

// TestCockroachRerunConverges applies each CockroachDB plan of the
// fixture, applies it again (what a runner that lost its bookkeeping
// does), and rolls it back: the second run changes nothing and fails on
// nothing, the first ends with the planned keys only, and the downs
// restore the original keys, validated in place ones staying validated.
func TestCockroachRerunConverges(t *testing.T) {
	for _, strategy := range []Strategy{Inline, Online, Auto} {
		t.Run(string(strategy), func(t *testing.T) {
			s, findings := fixture()
			p, err := Generate(s, findings, Options{Strategy: strategy, Dialect: CockroachDB})
			assert.NilError(t, err)
			sim := newCrdbSim(s)
			orig := sim.clone()
			sim.run(t, s, p, false)
			once := sim.clone()
			sim.run(t, s, p, false)
			assert.DeepEqual(t, sim.keys, once.keys, cmpSim)
			assert.DeepEqual(t, sim.indexes, once.indexes)

			want := map[string]map[string]simKey{
				`"Sales"."Order Lines"`:  {`"Order Lines_User ID_fkey"`: {`FOREIGN KEY ("User ID") REFERENCES "public"."users" ("id") ON DELETE CASCADE`, true}},
				`"public"."comments"`:    {`"comments_user_id_fkey"`: {`FOREIGN KEY ("user_id") REFERENCES "public"."users" ("id") ON DELETE SET NULL`, true}},
				`"public"."weird""name"`: {`"weird""name_owner_fkey"`: {`FOREIGN KEY ("owner") REFERENCES "public"."users" ("id") ON DELETE CASCADE`, true}},
			}
			assert.DeepEqual(t, once.keys, want, cmpSim)
			assert.DeepEqual(t, once.indexes, map[string]bool{`"Sales"."Order Lines"@"Order Lines_User ID_idx"`: true})

			sim.run(t, s, p, true)
			restored := orig.clone()
			k := restored.keys[`"public"."weird""name"`][`"weird""name_owner_fkey"`]
			k.valid = true // VALIDATE in place has no down: see docs/cockroachdb.md
			restored.keys[`"public"."weird""name"`][`"weird""name_owner_fkey"`] = k
			assert.DeepEqual(t, sim.keys, restored.keys, cmpSim)
			assert.Equal(t, len(sim.indexes), 0)
		})
	}
}

// TestCockroachSimulatorRejectsARerunRename guards the simulator itself:
// a plain rename run twice fails, as it does in CockroachDB.
func TestCockroachSimulatorRejectsARerunRename(t *testing.T) {
	s, _ := fixture()
	sim := newCrdbSim(s)
	fk := &s.ForeignKeys[1]
	assert.NilError(t, sim.exec(renameSQL(fk, fk.Name, "x")))
	assert.ErrorContains(t, sim.exec(renameSQL(fk, fk.Name, "x")), "does not exist")
	assert.ErrorContains(t, sim.exec("SELECT 1;"), "does not know")
}
