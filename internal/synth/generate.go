package synth

import (
	"fmt"
	"strconv"

	"github.com/ondelete/ondelete/catalog"
)

// handNamedRate is the share of foreign keys given a name of their own
// (fk_<n>) rather than PostgreSQL's <table>_<columns>_fkey, as teams that
// name constraints by hand do.
const handNamedRate = 0.1

// notNullRate is the share of CASCADE, RESTRICT and NO ACTION references
// whose columns are NOT NULL.
const notNullRate = 0.7

// pkTypes are the primary-key column types, drawn with the given weights:
// identity integers mostly, some UUIDs and natural text keys.
var pkTypes = []struct {
	typ, def, identity string
	weight             int
}{
	{"bigint", "", "by default", 45},
	{"bigint", "", "always", 15},
	{"integer", "", "always", 20},
	{"uuid", "gen_random_uuid()", "", 12},
	{"text", "", "", 8},
}

// tableState is what the generator tracks about a table besides the model.
type tableState struct {
	usedColumns map[string]bool
	usedFKNames map[string]bool
	// singleKey is true when "id" alone is unique (the primary key).
	singleKey bool
	// compositeKey is ["tenant_id", "id"] when that pair is unique.
	compositeKey []string
}

// generator holds the state of one Generate call.
type generator struct {
	opts   Options
	rnd    *source
	out    Schema
	state  []tableState
	nextFK int
}

// Generate builds the schema opts describes. It panics if opts do not
// validate (see Options.Validate): options are constants in the tests and
// benchmarks that call it, so a bad one is a bug to fix, not an error to
// handle.
func Generate(opts Options) Schema {
	if err := opts.Validate(); err != nil {
		panic(fmt.Sprintf("synth.Generate: %v", err))
	}
	g := &generator{opts: opts, rnd: newSource(opts.Seed)}
	g.out.Options = opts
	g.out.Schemas = append([]string(nil), schemaNames[:opts.Schemas]...)
	g.tables()
	g.foreignKeys()
	return g.out
}

// tables creates opts.Tables tables spread over the schemas; the first is
// public.users, the hub most foreign keys point at.
func (g *generator) tables() {
	usedNames := make(map[string]map[string]bool, len(g.out.Schemas))
	for _, s := range g.out.Schemas {
		usedNames[s] = map[string]bool{}
	}
	weirdNext := 0
	g.out.Tables = make([]Table, 0, g.opts.Tables)
	g.state = make([]tableState, 0, g.opts.Tables)
	for i := 0; i < g.opts.Tables; i++ {
		schema := g.out.Schemas[0]
		var name string
		switch {
		case i == 0:
			name = "users"
		case g.rnd.chance(g.opts.WeirdNameRate):
			schema = g.out.Schemas[g.rnd.intn(len(g.out.Schemas))]
			name = weirdTableNames[weirdNext%len(weirdTableNames)]
			weirdNext++
		default:
			schema = g.out.Schemas[g.rnd.intn(len(g.out.Schemas))]
			name = g.plainTableName()
		}
		name = unique(usedNames[schema], name)
		g.addTable(schema, name)
	}
}

// plainTableName draws an ordinary name such as "orders" or "order_lines".
func (g *generator) plainTableName() string {
	noun := nouns[g.rnd.intn(len(nouns))]
	suffix := suffixes[g.rnd.intn(len(suffixes))]
	if suffix == "" {
		return plural(noun)
	}
	return noun + "_" + suffix
}

// addTable appends a table with its key and a few extra columns.
func (g *generator) addTable(schema, name string) {
	t := Table{Schema: schema, Name: name}
	st := tableState{usedColumns: map[string]bool{}, usedFKNames: map[string]bool{}}

	pk := pkTypes[g.pick(len(pkTypes), func(i int) int { return pkTypes[i].weight })]
	t.Columns = append(t.Columns, Column{Name: "id", Type: pk.typ, NotNull: true, Default: pk.def, Identity: pk.identity})
	st.usedColumns["id"] = true
	t.PrimaryKey = []string{"id"}
	st.singleKey = true

	if g.rnd.chance(g.opts.CompositeKeyRate) {
		t.Columns = append(t.Columns, Column{Name: "tenant_id", Type: "integer", NotNull: true})
		st.usedColumns["tenant_id"] = true
		st.compositeKey = []string{"tenant_id", "id"}
		if g.rnd.chance(0.5) {
			// Multi-tenant style: the tenant leads the primary key, and
			// "id" alone is not unique, so every reference is composite.
			t.PrimaryKey = []string{"tenant_id", "id"}
			st.singleKey = false
		} else {
			t.Unique = append(t.Unique, []string{"tenant_id", "id"})
		}
	}

	for n := 1 + g.rnd.intn(4); n > 0; n-- {
		pool := plainColumns
		if g.rnd.chance(g.opts.WeirdNameRate) {
			pool = weirdColumns
		}
		c := pool[g.rnd.intn(len(pool))]
		if st.usedColumns[c.name] {
			continue
		}
		st.usedColumns[c.name] = true
		t.Columns = append(t.Columns, Column{Name: c.name, Type: c.typ, NotNull: c.notNull, Default: c.def})
	}
	g.out.Tables = append(g.out.Tables, t)
	g.state = append(g.state, st)
}

// pick draws an index in [0, n) with the given weights.
func (g *generator) pick(n int, weight func(int) int) int {
	total := 0
	for i := 0; i < n; i++ {
		total += weight(i)
	}
	r := g.rnd.intn(total)
	for i := 0; i < n; i++ {
		if r < weight(i) {
			return i
		}
		r -= weight(i)
	}
	return n - 1
}

// foreignKeys adds opts.ForeignKeys constraints between the tables.
func (g *generator) foreignKeys() {
	var composites []int // tables with a two-column key
	for i := range g.state {
		if g.state[i].compositeKey != nil {
			composites = append(composites, i)
		}
	}
	weights := g.opts.actionWeights()
	g.out.ForeignKeys = make([]ForeignKey, 0, g.opts.ForeignKeys)
	for k := 0; k < g.opts.ForeignKeys; k++ {
		child := g.rnd.intn(len(g.out.Tables))
		self := g.rnd.chance(g.opts.SelfReferenceRate)
		wantComposite := g.rnd.chance(g.opts.CompositeRate)
		parent := child
		if !self {
			if wantComposite && len(composites) > 0 {
				parent = composites[g.rnd.skewed(len(composites))]
			} else {
				parent = g.rnd.skewed(len(g.out.Tables))
			}
		}
		ps := &g.state[parent]
		key := []string{"id"}
		if ps.compositeKey != nil && (wantComposite || !ps.singleKey) {
			key = ps.compositeKey
		}
		action := actionOrder[g.pick(len(actionOrder), func(i int) int { return weights[i] })]
		g.addForeignKey(child, parent, key, action)
	}
}

// addForeignKey adds the referencing columns to child and records the
// constraint.
func (g *generator) addForeignKey(child, parent int, key []string, action catalog.Action) {
	ct, pt := &g.out.Tables[child], &g.out.Tables[parent]
	cs := &g.state[child]
	self := child == parent

	nullable := self || action == catalog.SetNull || action == catalog.SetDefault
	notNull := !nullable && g.rnd.chance(notNullRate)

	base := pt.Name
	if self {
		base = "parent"
	}
	cols := columnNames(cs.usedColumns, base, key)
	for i, col := range cols {
		ct.Columns = append(ct.Columns, Column{Name: col, Type: columnType(pt, key[i]), NotNull: notNull})
	}

	conventional := catalog.DefaultFKName(ct.Name, cols)
	name := conventional
	if cs.usedFKNames[name] || g.rnd.chance(handNamedRate) {
		name = "fk_" + strconv.Itoa(g.nextFK)
	}
	g.nextFK++
	cs.usedFKNames[name] = true

	g.out.ForeignKeys = append(g.out.ForeignKeys, ForeignKey{
		Schema:           ct.Schema,
		Table:            ct.Name,
		Name:             name,
		Columns:          cols,
		RefSchema:        pt.Schema,
		RefTable:         pt.Name,
		RefColumns:       append([]string(nil), key...),
		OnDelete:         action,
		NotNull:          notNull,
		Indexed:          g.rnd.chance(g.opts.IndexRate),
		ConventionalName: name == conventional,
	})
}

// columnNames names the referencing columns <base>_<key column>, all with
// the same _2, _3, ... suffix when a name is taken, so the columns of one
// composite reference stay recognisably together; it records them in used.
func columnNames(used map[string]bool, base string, key []string) []string {
	cols := make([]string, len(key))
	for n := 1; ; n++ {
		suffix := ""
		if n > 1 {
			suffix = "_" + strconv.Itoa(n)
		}
		free := true
		for i, kc := range key {
			cols[i] = fit(base, "_"+kc+suffix)
			free = free && !used[cols[i]]
		}
		if free {
			break
		}
	}
	for _, c := range cols {
		used[c] = true
	}
	return cols
}

// columnType returns the type of t's column name; it panics when there is
// none, which would be a bug in the generator.
func columnType(t *Table, name string) string {
	for _, c := range t.Columns {
		if c.Name == name {
			return c.Type
		}
	}
	panic(fmt.Sprintf("synth: table %s has no column %q", t.TableName(), name))
}
