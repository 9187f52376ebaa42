package plan

import (
	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// The CockroachDB planner. CockroachDB runs every schema change as an
// online background job and advises one schema change per transaction,
// so where PostgreSQL drops and re-adds a key in one transaction,
// CockroachDB gets steps that each hold exactly one DDL statement, in a
// migration of its own:
//
//	add_foreign_key_<new>       ADD CONSTRAINT IF NOT EXISTS the new key
//	validate_foreign_key_<new>  VALIDATE it (online strategy only)
//	drop_foreign_key_<old>      DROP the old key: the new action applies
//	rename_foreign_key_<name>   RENAME the new key to the old name
//
// The new key is added under its target name when the fix renames the
// key, else under a temporary name renamed in the last step. Index builds
// come first, one migration each, as in PostgreSQL. docs/cockroachdb.md
// gives the CockroachDB documentation behind every rule.

// Stages of a CockroachDB plan, in run order after the index builds.
const (
	crdbAdd = iota
	crdbValidate
	crdbDrop
	crdbRename
	crdbStages
)

// crdbStageNames prefix the per-key migration names of each stage.
var crdbStageNames = [crdbStages]string{"add_foreign_key_", "validate_foreign_key_", "drop_foreign_key_", "rename_foreign_key_"}

// crdb accumulates the migrations of one CockroachDB plan.
type crdb struct {
	snap      *catalog.Snapshot
	findings  []check.Finding
	opts      Options
	lift      *Duration // statement_timeout 0, for statements that scan a table
	taken     map[string]bool
	indexes   []Migration
	stages    [crdbStages][]Migration
	unfixable []Unfixable
}

// generateCockroach plans fixes for CockroachDB. Every migration is
// non-transactional and holds one schema change in up and at most one in
// down; no statement sets lock_timeout, and no statement claims to block
// writes, since CockroachDB's schema changes do neither.
func generateCockroach(s *catalog.Snapshot, findings []check.Finding, fixes []*fix, unfixable []Unfixable, o Options) *Plan {
	c := &crdb{snap: s, findings: findings, opts: o, lift: dur(0), taken: map[string]bool{}}
	for _, x := range fixes {
		c.index(x)
		c.change(x)
	}
	p := &Plan{Version: Version, Strategy: o.Strategy, Dialect: o.Dialect, Migrations: c.indexes,
		Unfixable: append(unfixable, c.unfixable...)}
	for _, stage := range c.stages {
		p.Migrations = append(p.Migrations, stage...)
	}
	if p.Migrations == nil {
		p.Migrations = []Migration{}
	}
	if p.Unfixable == nil {
		p.Unfixable = []Unfixable{}
	}
	sortUnfixable(p.Unfixable)
	return p
}

// ddl is a schema change without session settings: CockroachDB has no
// lock a short lock_timeout could bound (see Options.LockTimeout).
func (c *crdb) ddl(sql string, hazards ...Hazard) Statement {
	return Statement{SQL: sql, Hazards: hazards}
}

// scan is a schema change whose job reads a whole table; the statement
// waits for the job, so statement_timeout is lifted.
func (c *crdb) scan(sql string, hazards ...Hazard) Statement {
	return Statement{SQL: sql, StatementTimeout: c.lift, Hazards: hazards}
}

// step adds a one-statement migration to stage. A nil down has nothing
// to undo.
func (c *crdb) step(stage int, name string, up Statement, down *Statement) {
	m := Migration{Name: crdbStageNames[stage] + slug(name), Transactional: false, Up: []Statement{up}, Down: []Statement{}}
	if down != nil {
		m.Down = append(m.Down, *down)
	}
	c.stages[stage] = append(c.stages[stage], m)
}

// index builds the index a fix asks for. CockroachDB builds every index
// online, so CONCURRENTLY (a no-op there) is left out, and a partitioned
// table needs no special case: its partitions live in the one table.
func (c *crdb) index(x *fix) {
	if !x.index || x.fk.Indexed {
		return
	}
	name := indexName(c.snap, x.fk, c.taken)
	drop := c.ddl(crdbDropIndexSQL(x.fk, name))
	c.indexes = append(c.indexes, Migration{
		Name: "add_index_" + slug(name), Transactional: false,
		Up:   []Statement{c.scan(crdbCreateIndexSQL(x.fk, name), crdbIndexHazard(x.fk))},
		Down: []Statement{drop},
	})
}

// change plans everything but the index: a key whose action or name
// changes is re-added (new key first, old dropped after, so it is never
// missing); a key that is only validated is validated in place.
func (c *crdb) change(x *fix) {
	fk := x.fk
	readd := x.rebuild() || x.rename()
	if readd {
		if reason := crdbUnsupported(fk); reason != "" {
			c.unfixable = append(c.unfixable, Unfixable{Rule: c.rule(x), Constraint: fk.Key().String(), Reason: reason})
			readd = false
		}
	}
	if !readd {
		if x.validate && !fk.Validated {
			// Un-validating would take a DROP and an ADD, two schema
			// changes for one down: the down is left empty instead.
			c.step(crdbValidate, fk.Name, c.scan(validateSQL(fk, fk.Name), crdbScanHazard(fk)), nil)
		}
		return
	}
	validated := fk.Validated || x.validate
	separate := validated && c.opts.online(fk.RowEstimate)
	name := x.name
	if !x.rename() {
		name = tempName(c.snap, fk)
	}
	var hazards []Hazard
	if x.rebuild() {
		hazards = append(hazards, crdbCoexistHazard(fk, x.onDelete))
	}
	add := c.ddl(crdbAddSQL(fk, name, x.onDelete, x.onUpdate, !validated || separate), hazards...)
	if validated && !separate {
		add = c.scan(add.SQL, append([]Hazard{crdbScanHazard(fk)}, hazards...)...)
	}
	dropNew := c.ddl(dropSQL(fk, name))
	c.step(crdbAdd, name, add, &dropNew)
	if separate {
		c.step(crdbValidate, name, c.scan(validateSQL(fk, name), crdbScanHazard(fk)), nil)
	}
	readdOld := c.readd(fk)
	c.step(crdbDrop, fk.Name, c.ddl(dropSQL(fk, fk.Name), actionHazards(fk, x.onDelete)...), &readdOld)
	if !x.rename() {
		back := c.ddl(renameSQL(fk, fk.Name, name))
		c.step(crdbRename, fk.Name, c.ddl(renameSQL(fk, name, fk.Name)), &back)
	}
}

// readd adds fk back as it was, in one statement: validating it there
// does not block writes in CockroachDB, so the PostgreSQL NOT VALID and
// VALIDATE pair is not needed to undo a drop.
func (c *crdb) readd(fk *catalog.ForeignKey) Statement {
	sql := crdbAddSQL(fk, fk.Name, fk.OnDelete, fk.OnUpdate, !fk.Validated)
	if fk.Validated {
		return c.scan(sql, crdbScanHazard(fk))
	}
	return c.ddl(sql)
}

// rule names the finding behind a change the plan cannot make in
// CockroachDB: the one that changed the action, else the one that
// renamed the key.
func (c *crdb) rule(x *fix) string {
	if x.rebuild() && x.actionRule != "" {
		return x.actionRule
	}
	for i := range c.findings {
		f := &c.findings[i]
		if f.Baselined || f.Schema != x.fk.Schema || f.Table != x.fk.Table || f.Constraint != x.fk.Name {
			continue
		}
		if x.rebuild() && f.Want != nil && (f.Want.OnDelete != "" || f.Want.OnUpdate != "") {
			return f.Rule
		}
		if !x.rebuild() && (f.Rule == policy.LintNonconventionalName || (f.Want != nil && f.Want.Name != "")) {
			return f.Rule
		}
	}
	return string(CockroachDB)
}
