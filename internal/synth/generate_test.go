package synth

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ondelete/ondelete/catalog"
)

func TestGenerateIsDeterministic(t *testing.T) {
	opts := DefaultOptions(42, 150, 300)
	a, b := Generate(opts), Generate(opts)
	if a.Script() != b.Script() {
		t.Fatal("two schemas generated from the same options differ")
	}
	opts.Seed = 43
	if c := Generate(opts); c.Script() == a.Script() {
		t.Fatal("seeds 42 and 43 generated the same schema")
	}
}

func TestGenerateCounts(t *testing.T) {
	cascadeOnly := DefaultOptions(5, 40, 90)
	cascadeOnly.Actions = map[catalog.Action]int{catalog.Cascade: 1}
	noSetNull := DefaultOptions(6, 60, 120)
	noSetNull.Actions = map[catalog.Action]int{catalog.NoAction: 3, catalog.Restrict: 1, catalog.SetNull: 0}
	cases := map[string]Options{
		"one table, no keys":  {Seed: 1, Tables: 1, Schemas: 1},
		"one table, own keys": {Seed: 2, Tables: 1, ForeignKeys: 5, Schemas: 1},
		"default mix":         DefaultOptions(3, 200, 400),
		"many schemas":        DefaultOptions(4, 600, 1500),
		"cascade only":        cascadeOnly,
		"no set null":         noSetNull,
	}
	for name, opts := range cases {
		t.Run(name, func(t *testing.T) {
			s := Generate(opts)
			sum := s.Summary()
			if sum.Tables != opts.Tables || len(s.Tables) != opts.Tables {
				t.Errorf("tables: summary %d, model %d, want %d", sum.Tables, len(s.Tables), opts.Tables)
			}
			if sum.ForeignKeys != opts.ForeignKeys || len(s.ForeignKeys) != opts.ForeignKeys {
				t.Errorf("foreign keys: summary %d, model %d, want %d", sum.ForeignKeys, len(s.ForeignKeys), opts.ForeignKeys)
			}
			if sum.Schemas != opts.Schemas {
				t.Errorf("schemas: %d, want %d", sum.Schemas, opts.Schemas)
			}
			total := 0
			weights := opts.Actions
			if weights == nil {
				weights = DefaultActionWeights
			}
			for a, n := range sum.ByAction {
				total += n
				if n > 0 && weights[a] == 0 {
					t.Errorf("%d foreign keys use %s, which has weight 0", n, a)
				}
			}
			if total != opts.ForeignKeys {
				t.Errorf("actions add up to %d, want %d", total, opts.ForeignKeys)
			}
			if len(sum.ByAction) != len(actionOrder) {
				t.Errorf("ByAction has %d keys, want all %d actions", len(sum.ByAction), len(actionOrder))
			}
			if got := tablesPerSchema(s); len(got) != opts.Schemas && opts.Tables >= 10*opts.Schemas {
				t.Errorf("tables spread over %d schemas, want %d: %v", len(got), opts.Schemas, got)
			}
		})
	}
}

func tablesPerSchema(s Schema) map[string]int {
	m := map[string]int{}
	for _, t := range s.Tables {
		m[t.Schema]++
	}
	return m
}

// TestDefaultMixHasEveryFeature guards the point of the package: a default
// schema of test size exercises every case ondelete must handle.
func TestDefaultMixHasEveryFeature(t *testing.T) {
	s := Generate(DefaultOptions(1, 200, 400))
	sum := s.Summary()
	for _, a := range actionOrder {
		if sum.ByAction[a] == 0 {
			t.Errorf("no foreign key with ON DELETE %s", a.SQL())
		}
	}
	checks := map[string]bool{
		"self-reference":     sum.SelfReferences > 0,
		"composite key":      sum.Composite > 0,
		"indexed key":        sum.Indexed > 0,
		"unindexed key":      sum.Indexed < sum.ForeignKeys,
		"NOT NULL key":       sum.NotNull > 0,
		"nullable key":       sum.NotNull < sum.ForeignKeys,
		"hand-named key":     sum.HandNamed > 0,
		"several schemas":    sum.Schemas > 1,
		"quoted schema name": slices.Contains(s.Schemas, "Audit Trail"),
		"weird table name":   slices.ContainsFunc(s.Tables, func(t Table) bool { return slices.Contains(weirdTableNames, t.Name) }),
		"cross-schema key": slices.ContainsFunc(s.ForeignKeys, func(fk ForeignKey) bool {
			return fk.Schema != fk.RefSchema
		}),
		"composite primary key": slices.ContainsFunc(s.Tables, func(t Table) bool { return len(t.PrimaryKey) > 1 }),
	}
	for what, ok := range checks {
		if !ok {
			t.Errorf("default schema has no %s", what)
		}
	}
}

func TestForeignKeysReferenceKeysWithMatchingTypes(t *testing.T) {
	s := Generate(DefaultOptions(9, 300, 900))
	tables := map[catalog.TableName]*Table{}
	for i := range s.Tables {
		tables[s.Tables[i].TableName()] = &s.Tables[i]
	}
	for _, fk := range s.ForeignKeys {
		child, parent := tables[fk.TableName()], tables[fk.RefTableName()]
		if child == nil || parent == nil {
			t.Errorf("%s: table or referenced table missing", fk.Name)
			continue
		}
		if !slices.Equal(fk.RefColumns, parent.PrimaryKey) && !slices.ContainsFunc(parent.Unique, func(u []string) bool { return slices.Equal(u, fk.RefColumns) }) {
			t.Errorf("%s: %v is neither the primary key %v nor unique %v of %s", fk.Name, fk.RefColumns, parent.PrimaryKey, parent.Unique, parent.TableName())
		}
		if len(fk.Columns) != len(fk.RefColumns) {
			t.Errorf("%s: %d columns reference %d", fk.Name, len(fk.Columns), len(fk.RefColumns))
			continue
		}
		allNotNull := true
		for i, name := range fk.Columns {
			c, rc := column(child, name), column(parent, fk.RefColumns[i])
			if c == nil || rc == nil {
				t.Errorf("%s: column %q or %q missing", fk.Name, name, fk.RefColumns[i])
				continue
			}
			if c.Type != rc.Type {
				t.Errorf("%s: %s is %s but references %s of type %s", fk.Name, c.Name, c.Type, rc.Name, rc.Type)
			}
			if c.NotNull && (fk.OnDelete == catalog.SetNull || fk.OnDelete == catalog.SetDefault) {
				t.Errorf("%s: ON DELETE %s on NOT NULL column %s", fk.Name, fk.OnDelete.SQL(), c.Name)
			}
			if c.NotNull && fk.SelfReference() {
				t.Errorf("%s: self-reference on NOT NULL column %s", fk.Name, c.Name)
			}
			allNotNull = allNotNull && c.NotNull
		}
		if fk.NotNull != allNotNull {
			t.Errorf("%s: NotNull is %v, columns say %v", fk.Name, fk.NotNull, allNotNull)
		}
		if want := fk.Name == catalog.DefaultFKName(fk.Table, fk.Columns); fk.ConventionalName != want {
			t.Errorf("%s: ConventionalName is %v, want %v", fk.Name, fk.ConventionalName, want)
		}
	}
}

func column(t *Table, name string) *Column {
	for i := range t.Columns {
		if t.Columns[i].Name == name {
			return &t.Columns[i]
		}
	}
	return nil
}

func TestNamesAreUniqueAndFit(t *testing.T) {
	opts := DefaultOptions(11, 2000, 4000)
	opts.WeirdNameRate = 0.2
	s := Generate(opts)
	check := func(what, name string) {
		if name == "" || len(name) > maxIdentBytes {
			t.Errorf("%s name %q is empty or longer than %d bytes", what, name, maxIdentBytes)
		}
	}
	tableNames := map[catalog.TableName]bool{}
	for _, tb := range s.Tables {
		check("table", tb.Name)
		if tableNames[tb.TableName()] {
			t.Errorf("table %s generated twice", tb.TableName())
		}
		tableNames[tb.TableName()] = true
		for _, suffix := range []string{"_pkey", "_key", "_idx", "_seq"} {
			if strings.HasSuffix(tb.Name, suffix) {
				t.Errorf("table %s may collide with an index or sequence name", tb.TableName())
			}
		}
		cols := map[string]bool{}
		for _, c := range tb.Columns {
			check("column", c.Name)
			if cols[c.Name] {
				t.Errorf("column %q twice in %s", c.Name, tb.TableName())
			}
			cols[c.Name] = true
		}
	}
	fkNames := map[catalog.ConstraintKey]bool{}
	for _, fk := range s.ForeignKeys {
		check("constraint", fk.Name)
		key := catalog.ConstraintKey{Schema: fk.Schema, Table: fk.Table, Name: fk.Name}
		if fkNames[key] {
			t.Errorf("constraint %s generated twice", key)
		}
		fkNames[key] = true
	}
}

func TestWeirdNamesAreQuoted(t *testing.T) {
	opts := DefaultOptions(12, 100, 100)
	opts.WeirdNameRate = 1
	script := Generate(opts).Script()
	for _, want := range []string{`"we""ird"`, `"line items"`, `"Audit Trail"`, `"order"`, `"say ""hi"""`} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %s", want)
		}
	}
}

func TestBatches(t *testing.T) {
	s := Generate(DefaultOptions(13, 50, 80))
	n := len(s.Statements())
	for _, size := range []int{1, 7, n, n + 5} {
		batches := s.Batches(size)
		if want := (n + size - 1) / size; len(batches) != want {
			t.Errorf("Batches(%d): %d batches, want %d", size, len(batches), want)
		}
		if got := strings.Join(batches, ""); got != s.Script() {
			t.Errorf("Batches(%d) joined differs from Script", size)
		}
	}
	if got, want := len(s.Batches(0)), (n+DefaultBatchSize-1)/DefaultBatchSize; got != want {
		t.Errorf("Batches(0): %d batches, want %d", got, want)
	}
}

func TestStatementOrder(t *testing.T) {
	stmts := Generate(DefaultOptions(14, 120, 200)).Statements()
	rank := func(st string) int {
		for i, prefix := range []string{"CREATE SCHEMA ", "CREATE TABLE ", "CREATE INDEX ", "ALTER TABLE "} {
			if strings.HasPrefix(st, prefix) {
				return i
			}
		}
		t.Fatalf("unexpected statement %q", st)
		return -1
	}
	for i := 1; i < len(stmts); i++ {
		if rank(stmts[i]) < rank(stmts[i-1]) {
			t.Fatalf("statement %d (%.40q) comes after %.40q", i, stmts[i], stmts[i-1])
		}
	}
}

func TestValidate(t *testing.T) {
	valid := DefaultOptions(1, 10, 10)
	mutate := map[string]func(*Options){
		"no tables":          func(o *Options) { o.Tables = 0 },
		"negative keys":      func(o *Options) { o.ForeignKeys = -1 },
		"too many keys":      func(o *Options) { o.ForeignKeys = 10*maxForeignKeysPerTable + 1 },
		"no schemas":         func(o *Options) { o.Schemas = 0 },
		"schemas > tables":   func(o *Options) { o.Schemas = 11 },
		"rate above 1":       func(o *Options) { o.IndexRate = 1.5 },
		"negative rate":      func(o *Options) { o.SelfReferenceRate = -0.1 },
		"unknown action":     func(o *Options) { o.Actions = map[catalog.Action]int{"drop": 1} },
		"negative weight":    func(o *Options) { o.Actions = map[catalog.Action]int{catalog.Cascade: -1} },
		"all weights zero":   func(o *Options) { o.Actions = map[catalog.Action]int{catalog.Cascade: 0} },
		"more schemas known": func(o *Options) { o.Tables = 100; o.Schemas = len(schemaNames) + 1 },
	}
	if err := valid.Validate(); err != nil {
		t.Fatalf("DefaultOptions: %v", err)
	}
	for name, m := range mutate {
		o := valid
		m(&o)
		if err := o.Validate(); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: Validate() = %v, want ErrInvalidOptions", name, err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("Generate did not panic on invalid options")
		}
	}()
	Generate(Options{})
}
