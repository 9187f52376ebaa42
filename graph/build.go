package graph

import (
	"errors"
	"fmt"
	"sort"

	"github.com/ondelete/ondelete/catalog"
)

// Options tunes graph building. The zero value is ready to use.
type Options struct {
	// MaxPaths is how many paths to keep per table; 0 means
	// DefaultMaxPaths. Negative values are rejected.
	MaxPaths int
}

// ErrInvalidOptions is wrapped by NewBuilder when Options are out of range.
var ErrInvalidOptions = errors.New("invalid graph options")

// Builder builds deletion graphs for many roots of one snapshot. It numbers
// the tables and indexes the foreign keys by referenced and by referencing
// table once, so building a graph per root (as policy checks do) costs a
// traversal over integers, not a scan of every foreign key. A Builder only
// reads the snapshot; it is safe for concurrent use as long as nobody
// changes the snapshot.
type Builder struct {
	snap     *catalog.Snapshot
	maxPaths int
	// names maps a table id to its name; ids follow (schema, table)
	// order, so comparing ids compares names.
	names []catalog.TableName
	ids   map[catalog.TableName]int
	// tables maps an id to its catalog table; nil for a table that only
	// appears as the end of a foreign key.
	tables []*catalog.Table
	// fks are the foreign keys sorted by (schema, table, name), with the
	// ids of their referencing (child) and referenced (parent) tables.
	fks      []*catalog.ForeignKey
	fkKey    []string // schema.table.constraint, computed once
	fkChild  []int
	fkParent []int
	// byRef and byChild list fk indices per table id, in fks order.
	byRef   [][]int
	byChild [][]int
}

// NewBuilder validates opts and indexes s.
func NewBuilder(s *catalog.Snapshot, opts Options) (*Builder, error) {
	if opts.MaxPaths < 0 {
		return nil, fmt.Errorf("%w: MaxPaths %d is negative", ErrInvalidOptions, opts.MaxPaths)
	}
	b := &Builder{snap: s, maxPaths: opts.MaxPaths, ids: make(map[catalog.TableName]int, len(s.Tables))}
	if b.maxPaths == 0 {
		b.maxPaths = DefaultMaxPaths
	}
	// The snapshot is documented as sorted, but determinism must not hang
	// on every producer honouring that.
	for i := range s.ForeignKeys {
		b.fks = append(b.fks, &s.ForeignKeys[i])
	}
	sort.SliceStable(b.fks, func(i, j int) bool { return fkLess(b.fks[i], b.fks[j]) })
	for i := range s.Tables {
		b.ids[s.Tables[i].TableName()] = -1
	}
	for _, fk := range b.fks {
		b.ids[fk.TableName()], b.ids[fk.RefTableName()] = -1, -1
	}
	for t := range b.ids {
		b.names = append(b.names, t)
	}
	sortNames(b.names)
	for id, t := range b.names {
		b.ids[t] = id
	}
	b.tables = make([]*catalog.Table, len(b.names))
	for i := range s.Tables {
		b.tables[b.ids[s.Tables[i].TableName()]] = &s.Tables[i]
	}
	b.byRef = make([][]int, len(b.names))
	b.byChild = make([][]int, len(b.names))
	b.fkChild = make([]int, len(b.fks))
	b.fkParent = make([]int, len(b.fks))
	b.fkKey = make([]string, len(b.fks))
	for i, fk := range b.fks {
		b.fkKey[i] = fk.Key().String()
		c, p := b.ids[fk.TableName()], b.ids[fk.RefTableName()]
		b.fkChild[i], b.fkParent[i] = c, p
		b.byRef[p] = append(b.byRef[p], i)
		b.byChild[c] = append(b.byChild[c], i)
	}
	return b, nil
}

// Build returns the deletion graph of root in s with default options. Use
// a Builder to build graphs for several roots of one snapshot.
func Build(s *catalog.Snapshot, root catalog.TableName) (*Graph, error) {
	b, err := NewBuilder(s, Options{})
	if err != nil {
		return nil, err
	}
	return b.Build(root)
}

// Build returns the deletion graph of root: what deleting one root row
// does, as far as the schema tells. It fails with *TableNotFoundError when
// root is not in the snapshot.
//
// The model is PostgreSQL's: CASCADE foreign keys into a deleted table
// delete referencing rows (which then propagate), SET NULL / SET DEFAULT
// change them (which does not propagate the delete), NO ACTION / RESTRICT
// make the DELETE fail while referencing rows remain. Not modelled: user
// triggers and rules, ON UPDATE actions fired when a nulled column is
// itself referenced, and the data (a blocker only fails if referencing rows
// exist).
func (b *Builder) Build(root catalog.TableName) (*Graph, error) {
	id, ok := b.ids[root]
	if !ok || b.tables[id] == nil {
		return nil, &TableNotFoundError{Name: root.String(), Suggestions: suggest(b.snap, root.Schema, root.Name)}
	}
	w := newWalk(b, id)
	w.reach()
	w.collectEdges()
	w.sets = w.paths(b.maxPaths)
	g := &Graph{Version: Version, Root: root, MaxPaths: b.maxPaths}
	g.Blockers = w.blockers()
	g.Tables = w.tables()
	g.Edges = w.edges
	g.Cycles = w.cycles()
	g.Flags = w.flags(g)
	return g, nil
}

// fkLess orders foreign keys by (schema, table, name).
func fkLess(a, b *catalog.ForeignKey) bool {
	if a.Schema != b.Schema {
		return a.Schema < b.Schema
	}
	if a.Table != b.Table {
		return a.Table < b.Table
	}
	return a.Name < b.Name
}
