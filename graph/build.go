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

// Builder builds deletion graphs for many roots of one snapshot. It indexes
// the snapshot's foreign keys by referenced and by referencing table once,
// so building a graph per root (as policy checks do) costs a traversal, not
// a scan of every foreign key. A Builder only reads the snapshot; it is
// safe for concurrent use as long as nobody changes the snapshot.
type Builder struct {
	snap     *catalog.Snapshot
	maxPaths int
	tables   map[catalog.TableName]*catalog.Table
	byRef    map[catalog.TableName][]*catalog.ForeignKey
	byChild  map[catalog.TableName][]*catalog.ForeignKey
}

// NewBuilder validates opts and indexes s.
func NewBuilder(s *catalog.Snapshot, opts Options) (*Builder, error) {
	if opts.MaxPaths < 0 {
		return nil, fmt.Errorf("%w: MaxPaths %d is negative", ErrInvalidOptions, opts.MaxPaths)
	}
	b := &Builder{
		snap:     s,
		maxPaths: opts.MaxPaths,
		tables:   make(map[catalog.TableName]*catalog.Table, len(s.Tables)),
		byRef:    map[catalog.TableName][]*catalog.ForeignKey{},
		byChild:  map[catalog.TableName][]*catalog.ForeignKey{},
	}
	if b.maxPaths == 0 {
		b.maxPaths = DefaultMaxPaths
	}
	for i := range s.Tables {
		b.tables[s.Tables[i].TableName()] = &s.Tables[i]
	}
	for i := range s.ForeignKeys {
		fk := &s.ForeignKeys[i]
		b.byRef[fk.RefTableName()] = append(b.byRef[fk.RefTableName()], fk)
		b.byChild[fk.TableName()] = append(b.byChild[fk.TableName()], fk)
	}
	// The snapshot is documented as sorted, but determinism must not hang
	// on every producer honouring that.
	for _, m := range []map[catalog.TableName][]*catalog.ForeignKey{b.byRef, b.byChild} {
		for _, fks := range m {
			sort.Slice(fks, func(i, j int) bool { return fkLess(fks[i], fks[j]) })
		}
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
	if _, ok := b.tables[root]; !ok {
		return nil, &TableNotFoundError{Name: root.String(), Suggestions: suggest(b.snap, root.Schema, root.Name)}
	}
	w := newWalk(b, root)
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
