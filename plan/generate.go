package plan

import (
	"fmt"
	"slices"
	"time"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/ident"
)

// Names of the migrations a plan generates, in run order after the
// index migrations (add_index_<name>, one each).
const (
	inlineName   = "fix_foreign_keys"
	addName      = "add_foreign_keys_not_valid"
	validateName = "validate_foreign_keys"
	dropName     = "drop_old_foreign_keys"
	renameName   = "rename_foreign_keys"
)

// Generate plans the migrations that resolve findings (as returned by
// check, for snapshot s). It is pure: nothing is read or written. Each
// foreign key's findings are merged into one change; findings the plan
// cannot resolve without a decision are listed in Plan.Unfixable.
// Migrations and their statements come in a deterministic order: index
// builds first (so new cascades have their index), then the inline
// migration, then the online steps; within each, by schema, table and
// constraint. A Down list undoes its migration and runs after the downs
// of every later migration. A CockroachDB plan has one schema change per
// migration instead (see generateCockroach and docs/cockroachdb.md).
func Generate(s *catalog.Snapshot, findings []check.Finding, opts Options) (*Plan, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("planning migrations: %w", err)
	}
	fixes, unfixable := collect(s, findings)
	if o.Dialect == CockroachDB {
		return generateCockroach(s, findings, fixes, unfixable, o), nil
	}
	g := &gen{snap: s, opts: o, lock: dur(o.LockTimeout), lift: dur(0), taken: map[string]bool{}}
	for _, x := range fixes {
		g.index(x)
		// A partitioned table takes no NOT VALID foreign key, so it is
		// always changed inline.
		if g.opts.online(x.fk.RowEstimate) && !partitioned(x.table) {
			g.online(x)
		} else {
			g.inline(x)
		}
	}
	p := &Plan{Version: Version, Strategy: o.Strategy, Dialect: o.Dialect, Migrations: g.indexes,
		Unfixable: append(unfixable, g.unfixable...)}
	for _, m := range []*draft{g.draft(inlineName, true), g.draft(addName, true), g.draft(validateName, false),
		g.draft(dropName, false), g.draft(renameName, true)} {
		if len(m.up) > 0 {
			p.Migrations = append(p.Migrations, m.migration())
		}
	}
	if p.Migrations == nil {
		p.Migrations = []Migration{}
	}
	if p.Unfixable == nil {
		p.Unfixable = []Unfixable{}
	}
	return p, nil
}

// gen accumulates the migrations of one plan.
type gen struct {
	snap      *catalog.Snapshot
	opts      Options
	lock      *Duration // lock_timeout of every DDL statement
	lift      *Duration // statement_timeout 0, for statements that scan a table
	taken     map[string]bool
	indexes   []Migration
	drafts    map[string]*draft
	unfixable []Unfixable
}

// draft is a migration being built: downs are kept per foreign key so
// the last key changed is the first restored.
type draft struct {
	name          string
	transactional bool
	up            []Statement
	downs         [][]Statement
}

func (d *draft) add(up []Statement, down []Statement) {
	d.up = append(d.up, up...)
	d.downs = append(d.downs, down)
}

func (d *draft) migration() Migration {
	m := Migration{Name: d.name, Transactional: d.transactional, Up: d.up, Down: []Statement{}}
	for _, down := range slices.Backward(d.downs) {
		m.Down = append(m.Down, down...)
	}
	return m
}

func (g *gen) draft(name string, transactional bool) *draft {
	if g.drafts == nil {
		g.drafts = map[string]*draft{}
	}
	d := g.drafts[name]
	if d == nil {
		d = &draft{name: name, transactional: transactional}
		g.drafts[name] = d
	}
	return d
}

func dur(d time.Duration) *Duration { v := Duration(d); return &v }

// ddl is a statement under the plan's lock_timeout.
func (g *gen) ddl(sql string, hazards ...Hazard) Statement {
	return Statement{SQL: sql, LockTimeout: g.lock, Hazards: hazards}
}

// scan is a DDL statement that reads a whole table: statement_timeout is
// lifted so it is not cut off half-way.
func (g *gen) scan(sql string, hazards ...Hazard) Statement {
	st := g.ddl(sql, hazards...)
	st.StatementTimeout = g.lift
	return st
}

// index adds a CREATE INDEX CONCURRENTLY migration of its own: it cannot
// run in a transaction, and a failure leaves an invalid index that only
// this statement's IF NOT EXISTS would then skip, so it stays alone.
func (g *gen) index(x *fix) {
	if !x.index || x.fk.Indexed {
		return
	}
	if partitioned(x.table) {
		g.unfixable = append(g.unfixable, Unfixable{Rule: "index", Constraint: x.fk.Key().String(),
			Reason: "a partitioned table does not support CREATE INDEX CONCURRENTLY; build the index per partition and attach it"})
		return
	}
	name := indexName(g.snap, x.fk, g.taken)
	h := Hazard{ValidationScansTable, fmt.Sprintf(
		"the index build reads every row of %s (%s) without blocking writes; if it fails it leaves an invalid index %s to drop before a re-run",
		x.fk.TableName(), rowsNote(x.fk.RowEstimate), ident.Display(name))}
	g.indexes = append(g.indexes, Migration{
		Name: "add_index_" + slug(name), Transactional: false,
		Up:   []Statement{g.scan(createIndexSQL(x.fk, name), h)},
		Down: []Statement{g.ddl(dropIndexSQL(x.fk, name))},
	})
}

// inline changes x in the one transactional migration: a rebuild drops
// the key by its real name and adds it back under its (target) name, so
// a re-run drops nothing and its ADD fails with 42710, which runners
// absorb.
func (g *gen) inline(x *fix) {
	fk := x.fk
	d := g.draft(inlineName, true)
	if x.rebuild() {
		notValid := !fk.Validated && !x.validate && !partitioned(x.table)
		add := g.ddl(addSQL(fk, x.name, x.onDelete, x.onUpdate, notValid), actionHazards(fk, x.onDelete)...)
		if !notValid {
			add = g.scan(add.SQL, append([]Hazard{scanHazard(fk), blockingAddHazard(fk)}, add.Hazards...)...)
		}
		up := []Statement{g.ddl(dropSQL(fk, fk.Name))}
		if x.rename() {
			// A re-run finds the key under its new name: drop that too, so
			// the ADD does not fail with 42710 inside the transaction.
			up = append(up, g.ddl(dropSQL(fk, x.name)))
		}
		d.add(append(up, add), g.restore(fk, x.name))
		return
	}
	var up, down []Statement
	if x.validate && !fk.Validated {
		up = append(up, g.scan(validateSQL(fk, fk.Name), scanHazard(fk)))
		down = g.unvalidate(fk)
	}
	if x.rename() {
		up = append(up, g.ddl(renameIfExistsSQL(fk, fk.Name, x.name)))
		down = append([]Statement{g.ddl(renameSQL(fk, x.name, fk.Name))}, down...)
	}
	if len(up) > 0 {
		d.add(up, down)
	}
}

// online changes x in four steps, each its own migration; the new action
// takes effect when the old key is dropped (step 3).
func (g *gen) online(x *fix) {
	fk := x.fk
	if !x.rebuild() {
		if x.validate && !fk.Validated {
			g.draft(validateName, false).add([]Statement{g.scan(validateSQL(fk, fk.Name), scanHazard(fk))}, g.unvalidate(fk))
		}
		if x.rename() {
			g.draft(renameName, true).add([]Statement{g.ddl(renameIfExistsSQL(fk, fk.Name, x.name))},
				[]Statement{g.ddl(renameSQL(fk, x.name, fk.Name))})
		}
		return
	}
	tmp := tempName(g.snap, fk)
	g.draft(addName, true).add(
		[]Statement{g.ddl(addSQL(fk, tmp, x.onDelete, x.onUpdate, true), coexistHazard(fk, x.onDelete))},
		[]Statement{g.ddl(dropSQL(fk, tmp))})
	if fk.Validated || x.validate {
		g.draft(validateName, false).add([]Statement{g.scan(validateSQL(fk, tmp), scanHazard(fk))}, nil)
	}
	g.draft(dropName, false).add(
		[]Statement{g.ddl(dropSQL(fk, fk.Name), actionHazards(fk, x.onDelete)...)},
		g.readd(fk))
	// A re-run of the four steps adds the key under tmp again; the old
	// name is then the key the first run made (or nothing), so dropping
	// it before the rename makes the re-run end where the first run did.
	g.draft(renameName, true).add(
		[]Statement{g.ddl(dropSQL(fk, x.name)), g.ddl(renameSQL(fk, tmp, x.name))},
		[]Statement{g.ddl(renameSQL(fk, x.name, tmp))})
}

// restore replaces the key now named name by fk as it was.
func (g *gen) restore(fk *catalog.ForeignKey, name string) []Statement {
	return append([]Statement{g.ddl(dropSQL(fk, name))}, g.readd(fk)...)
}

// readd adds fk back as it was: NOT VALID first, then validated if it was,
// so the rollback does not block writes for a whole scan either. A
// partitioned table takes no NOT VALID foreign key, so there it is added
// validated in one statement.
func (g *gen) readd(fk *catalog.ForeignKey) []Statement {
	if partitioned(g.snap.Table(fk.TableName())) {
		return []Statement{g.scan(addSQL(fk, fk.Name, fk.OnDelete, fk.OnUpdate, false), scanHazard(fk), blockingAddHazard(fk))}
	}
	out := []Statement{g.ddl(addSQL(fk, fk.Name, fk.OnDelete, fk.OnUpdate, true))}
	if fk.Validated {
		out = append(out, g.scan(validateSQL(fk, fk.Name), scanHazard(fk)))
	}
	return out
}

// unvalidate makes a validated key NOT VALID again, the state before a
// VALIDATE: only re-adding it can.
func (g *gen) unvalidate(fk *catalog.ForeignKey) []Statement {
	return []Statement{g.ddl(dropSQL(fk, fk.Name)), g.ddl(addSQL(fk, fk.Name, fk.OnDelete, fk.OnUpdate, true))}
}

// partitioned reports whether t is a partitioned table (nil: unknown, no).
func partitioned(t *catalog.Table) bool { return t != nil && t.Partitioned }
