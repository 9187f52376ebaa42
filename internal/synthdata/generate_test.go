package synthdata_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/synth"
	"github.com/ondelete/ondelete/internal/synthdata"
)

// generate builds seed's data from its default configuration.
func generate(seed uint64, opts ...synthdata.Option) *synthdata.Data {
	cfg := synthdata.DefaultConfig(seed)
	for _, o := range opts {
		o(&cfg)
	}
	return synthdata.Generate(synth.Generate(cfg.Schema), cfg.Data)
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := generate(7), generate(7)
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("seed 7 generated different data twice (-first +second):\n%s", diff)
	}
	if a.Script() != b.Script() {
		t.Fatal("seed 7 generated different insert scripts twice")
	}
	if c := generate(8); c.Script() == a.Script() {
		t.Fatal("seeds 7 and 8 generated the same rows")
	}
}

func TestGenerateLeavesSchemaAlone(t *testing.T) {
	cfg := synthdata.DefaultConfig(3)
	s := synth.Generate(cfg.Schema)
	before := s.Script()
	d := synthdata.Generate(s, cfg.Data)
	if s.Script() != before {
		t.Fatal("Generate changed the schema it was given")
	}
	if d.Schema.Script() == before {
		t.Log("no SET DEFAULT column got a default for seed 3")
	}
}

// lookup finds a table's rows and column positions.
type lookup struct {
	d   *synthdata.Data
	idx map[catalog.TableName]int
}

func newLookup(d *synthdata.Data) lookup {
	l := lookup{d: d, idx: map[catalog.TableName]int{}}
	for i := range d.Tables {
		l.idx[d.Tables[i].Table] = i
	}
	return l
}

func (l lookup) cols(table catalog.TableName, names []string) (*synthdata.TableData, []int) {
	td := &l.d.Tables[l.idx[table]]
	out := make([]int, len(names))
	for i, n := range names {
		out[i] = slices.Index(td.Columns, n)
	}
	return td, out
}

// tuple returns row's values at cols and whether all are non-NULL.
func tuple(row []*string, cols []int) (string, bool) {
	parts := make([]string, len(cols))
	for i, c := range cols {
		if row[c] == nil {
			return "", false
		}
		parts[i] = *row[c]
	}
	return strings.Join(parts, "\x00"), true
}

// TestGeneratedReferencesResolve checks, without a database, what the
// load test checks with one, over many seeds: NOT NULL columns are never
// NULL, and every fully non-NULL reference names a generated parent row.
func TestGeneratedReferencesResolve(t *testing.T) {
	for seed := uint64(1); seed <= 100; seed++ {
		d := generate(seed)
		l := newLookup(d)
		for ti, tb := range d.Schema.Tables {
			for ci, c := range tb.Columns {
				if !c.NotNull {
					continue
				}
				for r, row := range d.Tables[ti].Rows {
					if row[ci] == nil {
						t.Fatalf("seed %d: %s row %d: NOT NULL column %q is NULL", seed, tb.TableName(), r, c.Name)
					}
				}
			}
		}
		for _, fk := range d.Schema.ForeignKeys {
			parent, pcols := l.cols(fk.RefTableName(), fk.RefColumns)
			keys := map[string]bool{}
			for _, row := range parent.Rows {
				k, _ := tuple(row, pcols)
				keys[k] = true
			}
			child, ccols := l.cols(fk.TableName(), fk.Columns)
			for r, row := range child.Rows {
				if k, ok := tuple(row, ccols); ok && !keys[k] {
					t.Fatalf("seed %d: %s row %d: %s references a missing row", seed, fk.TableName(), r, fk.Name)
				}
			}
		}
	}
}

// TestGeneratedShape checks that the data makes deletion graphs deep and
// wide: self-reference trees deeper than 3, nullable references with
// varied NULL rates, and roots that cascade to many rows.
func TestGeneratedShape(t *testing.T) {
	var selfRefs, deep, nullable, someNull, allSet, rootDeletes, notNullActions, deferred int
	for seed := uint64(1); seed <= 100; seed++ {
		d := generate(seed)
		l := newLookup(d)
		rootDeletes += d.Root().Deletes
		if d.Root().Deletes < 10 {
			t.Errorf("seed %d: the root's simulated DELETE reaches only %d rows", seed, d.Root().Deletes)
		}
		deferred += len(d.Deferred)
		for _, fk := range d.Schema.ForeignKeys {
			td, ccols := l.cols(fk.TableName(), fk.Columns)
			tb := &d.Schema.Tables[slices.IndexFunc(d.Schema.Tables, func(t synth.Table) bool { return t.TableName() == fk.TableName() })]
			for _, c := range ccols {
				if tb.Columns[c].NotNull != fk.NotNull {
					t.Errorf("seed %d: %s says NotNull %v, its column %q says %v", seed, fk.Name, fk.NotNull, tb.Columns[c].Name, tb.Columns[c].NotNull)
				}
			}
			if fk.NotNull && (fk.OnDelete == catalog.SetNull || fk.OnDelete == catalog.SetDefault) {
				notNullActions++
			}
			if !fk.NotNull {
				nullable++
				nulls := 0
				for _, row := range td.Rows {
					if _, ok := tuple(row, ccols); !ok {
						nulls++
					}
				}
				switch {
				case nulls > 0:
					someNull++
				default:
					allSet++
				}
			}
			if !fk.SelfReference() || len(td.Rows) < 20 {
				continue
			}
			selfRefs++
			if treeDepth(td, ccols, l.colsOnly(fk.TableName(), fk.RefColumns)) > 3 {
				deep++
			}
		}
	}
	t.Logf("100 seeds: %d self-references on tables of 20+ rows, %d deeper than 3; %d nullable references, %d with NULLs, %d without; "+
		"%d NOT NULL SET NULL/DEFAULT references, %d deferred; mean root cascade %d rows",
		selfRefs, deep, nullable, someNull, allSet, notNullActions, deferred, rootDeletes/100)
	if notNullActions == 0 || deferred == 0 {
		t.Errorf("want NOT NULL SET NULL/DEFAULT references and deferred ones, got %d and %d", notNullActions, deferred)
	}
	if selfRefs == 0 || deep < selfRefs*9/10 {
		t.Errorf("only %d of %d self-reference trees are deeper than 3", deep, selfRefs)
	}
	if someNull == 0 || allSet == 0 {
		t.Errorf("NULL rates do not vary: %d nullable references with NULLs, %d without", someNull, allSet)
	}
}

func (l lookup) colsOnly(table catalog.TableName, names []string) []int {
	_, c := l.cols(table, names)
	return c
}

// treeDepth returns the longest parent chain of a self-referencing table,
// stopping at cycles.
func treeDepth(td *synthdata.TableData, ref, key []int) int {
	byKey := map[string]int{}
	for r, row := range td.Rows {
		k, _ := tuple(row, key)
		byKey[k] = r
	}
	best := 0
	for r := range td.Rows {
		seen := map[int]bool{}
		depth := 0
		for cur := r; !seen[cur]; depth++ {
			seen[cur] = true
			k, ok := tuple(td.Rows[cur], ref)
			if !ok {
				break
			}
			cur = byKey[k]
		}
		best = max(best, depth)
	}
	return best
}

func TestOptionsValidate(t *testing.T) {
	bad := map[string]func(*synthdata.Options){
		"no rows":        func(o *synthdata.Options) { o.MinRows = 0 },
		"max below min":  func(o *synthdata.Options) { o.MaxRows = o.MinRows - 1 },
		"too many rows":  func(o *synthdata.Options) { o.MaxRows = 10000 },
		"no owners":      func(o *synthdata.Options) { o.Owners = 0 },
		"rate above one": func(o *synthdata.Options) { o.KeepBlockerRate = 1.5 },
		"negative rate":  func(o *synthdata.Options) { o.MaxNullRate = -0.1 },
	}
	for name, change := range bad {
		o := synthdata.DefaultOptions(1)
		change(&o)
		if err := o.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", name, o)
		}
	}
	if err := synthdata.DefaultOptions(1).Validate(); err != nil {
		t.Errorf("DefaultOptions do not validate: %v", err)
	}
}
