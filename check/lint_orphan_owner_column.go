package check

import (
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/policy"
)

// orphanOwnerColumn reports columns named like a root's foreign key
// (user_id, *_user_id, userId, ... : the lint's column patterns, by
// default derived from the roots, see policy.DefaultOwnerColumns) that no
// foreign key covers: "delete my account" leaves those rows behind,
// pointing at a user that no longer exists.
//
// Which root a column belongs to: the roots whose own default patterns
// match its name (users for user_id, accounts for account_id), or, for a
// name only the configured patterns match, every root. A root qualifies
// only when it has a one-column primary key of a compatible type (same
// type family, see typeFamily): a text user_id beside an integer users.id
// holds someone else's id (an identity provider's, say), not a key that
// could reference users, so it is not reported. A root's own table is not
// checked against itself (users.invited_by_user_id is a design choice, not
// an orphan).
//
// A column is covered when any foreign key of its table includes it,
// whatever it references: a composite key (tenant_id, user_id) covers
// user_id too. Partitions are not checked on their own: they carry their
// parent's columns, and the parent is checked; a partitioned table's
// column is also covered when every partition has a foreign key over it
// (pg_dump of PostgreSQL 11 era schemas, like pagila's payment, declares
// them per partition).
type orphanOwnerColumn struct{}

func (orphanOwnerColumn) Info() policy.LintInfo { return lintInfo(policy.LintOrphanOwnerColumn) }

// ownerRoot is a root a column may belong to.
type ownerRoot struct {
	name catalog.TableName
	// pk is the root's one primary-key column.
	pk     *catalog.Column
	family string
	// own are the patterns derived from this root alone.
	own []columnPattern
}

func (orphanOwnerColumn) Analyze(p *pass) []Finding {
	if len(p.roots) == 0 {
		return nil
	}
	globs := p.config.Columns
	if len(globs) == 0 {
		globs = policy.DefaultOwnerColumns(p.roots)
	}
	patterns := columnPatterns(globs)
	var roots []ownerRoot
	for _, r := range p.roots {
		t := p.table(r)
		if t == nil || len(t.PrimaryKey) != 1 {
			continue
		}
		pk := t.Column(t.PrimaryKey[0])
		if pk == nil {
			continue
		}
		roots = append(roots, ownerRoot{name: r, pk: pk, family: typeFamily(pk.Type),
			own: columnPatterns(policy.DefaultOwnerColumns([]catalog.TableName{r}))})
	}
	if len(roots) == 0 {
		return nil
	}
	cov := newCoverage(p.snap)
	var out []Finding
	for i := range p.snap.Tables {
		t := &p.snap.Tables[i]
		if t.PartitionOf != nil {
			continue
		}
		for j := range t.Columns {
			c := &t.Columns[j]
			if !anyMatches(patterns, c.Name) || cov.covered(t.TableName(), c.Name) {
				continue
			}
			if r := ownerOf(roots, t.TableName(), c); r != nil {
				f := p.orphanFinding(t, c, r)
				if lacking := cov.uncoveredPartitions(t.TableName(), c.Name); len(lacking) > 0 && len(lacking) < len(cov.partitions[t.TableName()]) {
					f.Message += " Some partitions have one, but not " + joinTables(lacking) + "."
				}
				out = append(out, f)
			}
		}
	}
	return out
}

// ownerOf picks the root column c of table t belongs to, or nil.
func ownerOf(roots []ownerRoot, t catalog.TableName, c *catalog.Column) *ownerRoot {
	var named, any *ownerRoot
	for i := range roots {
		r := &roots[i]
		if r.name == t || typeFamily(c.Type) != r.family {
			continue
		}
		if named == nil && anyMatches(r.own, c.Name) {
			named = r
		}
		if any == nil {
			any = r
		}
	}
	if named != nil {
		return named
	}
	for i := range roots {
		if anyMatches(roots[i].own, c.Name) {
			// The name belongs to a root whose key it cannot reference.
			return nil
		}
	}
	return any
}

// orphanFinding reports column c of t as an owner column of root r
// without a foreign key.
func (p *pass) orphanFinding(t *catalog.Table, c *catalog.Column, r *ownerRoot) Finding {
	fk := &catalog.ForeignKey{
		Schema: t.Schema, Table: t.Name, Name: catalog.DefaultFKName(t.Name, []string{c.Name}),
		Columns: []string{c.Name}, RefSchema: r.name.Schema, RefTable: r.name.Name,
		RefColumns: []string{r.pk.Name}, OnDelete: catalog.Cascade, OnUpdate: catalog.NoAction, Match: "simple",
	}
	f := Finding{
		Rule: p.info.Name, Code: p.info.Code, Severity: p.severity,
		Schema: t.Schema, Table: t.Name, Columns: []string{c.Name},
		Found:    "no foreign key",
		Expected: fmt.Sprintf("FOREIGN KEY (%s) REFERENCES %s (%s) ON DELETE CASCADE", ident.Display(c.Name), r.name, ident.Display(r.pk.Name)),
		Message: fmt.Sprintf("Column %s of %s is named like a key of %s but no foreign key covers it: deleting a %s row leaves these rows behind, pointing at nothing.",
			ident.Display(c.Name), t.TableName(), r.name, r.name),
	}
	add := "ALTER TABLE " + t.TableName().Quoted() + " ADD CONSTRAINT " + ident.Quote(fk.Name) + " " + fk.Clause(fk.OnDelete, fk.OnUpdate)
	if t.Partitioned {
		f.Fix = "-- rows whose owner is already gone make this fail; find them with:\n" + comment(orphanRowsSQL(fk)) + "\n" +
			partitionedKeyNote + "\n" + add + ";"
	} else {
		f.Fix = add + " NOT VALID;\n-- rows whose owner is already gone make VALIDATE fail; find them with:\n" +
			comment(orphanRowsSQL(fk)) + "\n" + validateSQL(t.TableName(), fk.Name)
	}
	if !indexLeadsWith(t, fk.Columns) {
		f.Fix += "\n-- and index it, or every delete of a " + r.name.String() + " row scans " + t.TableName().String() + ":\n" +
			createIndexSQL(p.names, t.TableName(), t.Partitioned, fk.Columns)
	}
	return f
}

// coverage answers "does a foreign key include this column?" per table.
type coverage struct {
	cols       map[catalog.TableName]map[string]bool
	partitions map[catalog.TableName][]catalog.TableName
	tables     map[catalog.TableName]*catalog.Table
}

func newCoverage(s *catalog.Snapshot) *coverage {
	c := &coverage{
		cols:       map[catalog.TableName]map[string]bool{},
		partitions: map[catalog.TableName][]catalog.TableName{},
		tables:     map[catalog.TableName]*catalog.Table{},
	}
	for i := range s.ForeignKeys {
		fk := &s.ForeignKeys[i]
		m := c.cols[fk.TableName()]
		if m == nil {
			m = map[string]bool{}
			c.cols[fk.TableName()] = m
		}
		for _, col := range fk.Columns {
			m[col] = true
		}
	}
	for i := range s.Tables {
		t := &s.Tables[i]
		c.tables[t.TableName()] = t
		if t.PartitionOf != nil {
			c.partitions[*t.PartitionOf] = append(c.partitions[*t.PartitionOf], t.TableName())
		}
	}
	return c
}

// covered reports whether a foreign key of t includes col, or, for a
// partitioned table with partitions, whether every partition's does.
func (c *coverage) covered(t catalog.TableName, col string) bool {
	if c.cols[t][col] {
		return true
	}
	parts := c.partitions[t]
	if tb := c.tables[t]; tb == nil || !tb.Partitioned || len(parts) == 0 {
		return false
	}
	for _, p := range parts {
		if !c.covered(p, col) {
			return false
		}
	}
	return true
}

// uncoveredPartitions lists the partitions of t whose rows col leaves
// without a foreign key.
func (c *coverage) uncoveredPartitions(t catalog.TableName, col string) []catalog.TableName {
	var out []catalog.TableName
	for _, p := range c.partitions[t] {
		if !c.covered(p, col) {
			out = append(out, p)
		}
	}
	return out
}

// joinTables lists table names in display form.
func joinTables(ts []catalog.TableName) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.String()
	}
	return strings.Join(s, ", ")
}
