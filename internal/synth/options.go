package synth

import (
	"errors"
	"fmt"

	"github.com/ondelete/ondelete/catalog"
)

// Options describes the schema to generate. Rates are probabilities in
// [0, 1]; a zero rate switches the feature off, so DefaultOptions is the
// usual starting point.
type Options struct {
	// Seed selects the schema: the same Options always give the same DDL.
	Seed uint64
	// Tables is the number of tables to create (at least 1).
	Tables int
	// ForeignKeys is the number of foreign-key constraints to create.
	ForeignKeys int
	// Schemas is how many schemas the tables are spread over (at least 1,
	// at most Tables). The first is public, which is never created; the
	// others are created with CREATE SCHEMA.
	Schemas int
	// Actions weighs the ON DELETE actions: a foreign key gets action a
	// with probability Actions[a] / sum(Actions). Nil means
	// DefaultActionWeights.
	Actions map[catalog.Action]int
	// SelfReferenceRate is the share of foreign keys whose table references
	// itself (parent_id trees).
	SelfReferenceRate float64
	// CompositeKeyRate is the share of tables that get a two-column key
	// (tenant_id, id), as primary key or as an extra unique constraint.
	CompositeKeyRate float64
	// CompositeRate is the share of foreign keys that reference a
	// two-column key, when the chosen parent has one.
	CompositeRate float64
	// IndexRate is the share of foreign keys whose referencing columns get
	// an index; the others are left unindexed.
	IndexRate float64
	// WeirdNameRate is the share of tables and extra columns named with an
	// identifier that must be quoted: mixed case, spaces, reserved words,
	// an embedded double quote, non-ASCII letters, a leading digit.
	WeirdNameRate float64
}

// DefaultActionWeights is the ON DELETE mix DefaultOptions uses: mostly the
// default NO ACTION and CASCADE, as in real schemas, with every other
// action present.
var DefaultActionWeights = map[catalog.Action]int{
	catalog.NoAction:   35,
	catalog.Cascade:    35,
	catalog.SetNull:    15,
	catalog.Restrict:   10,
	catalog.SetDefault: 5,
}

// actionOrder lists the actions in a fixed order, so that drawing from the
// weights does not depend on map iteration order.
var actionOrder = []catalog.Action{catalog.NoAction, catalog.Cascade, catalog.SetNull, catalog.Restrict, catalog.SetDefault}

// DefaultOptions returns options for a schema of the given size with a
// realistic mix of every feature. Callers change fields of the result to
// steer it.
func DefaultOptions(seed uint64, tables, foreignKeys int) Options {
	schemas := 1 + tables/50
	if schemas > len(schemaNames) {
		schemas = len(schemaNames)
	}
	return Options{
		Seed:              seed,
		Tables:            tables,
		ForeignKeys:       foreignKeys,
		Schemas:           schemas,
		SelfReferenceRate: 0.05,
		CompositeKeyRate:  0.1,
		CompositeRate:     0.1,
		IndexRate:         0.7,
		WeirdNameRate:     0.03,
	}
}

// maxForeignKeysPerTable bounds ForeignKeys/Tables so that no table gets
// near PostgreSQL's limit of 1,600 columns: every foreign key adds one or
// two referencing columns to a table drawn at random.
const maxForeignKeysPerTable = 200

// ErrInvalidOptions is wrapped by every error Validate returns.
var ErrInvalidOptions = errors.New("invalid synth options")

// Validate reports the first option out of range. Generate panics on such
// options, since they are a programming error in a test or benchmark.
func (o Options) Validate() error {
	switch {
	case o.Tables < 1:
		return fmt.Errorf("%w: Tables is %d, want at least 1", ErrInvalidOptions, o.Tables)
	case o.ForeignKeys < 0:
		return fmt.Errorf("%w: ForeignKeys is %d, want at least 0", ErrInvalidOptions, o.ForeignKeys)
	case o.ForeignKeys > maxForeignKeysPerTable*o.Tables:
		return fmt.Errorf("%w: ForeignKeys is %d, at most %d per table are supported", ErrInvalidOptions, o.ForeignKeys, maxForeignKeysPerTable)
	case o.Schemas < 1 || o.Schemas > o.Tables:
		return fmt.Errorf("%w: Schemas is %d, want 1 to Tables (%d)", ErrInvalidOptions, o.Schemas, o.Tables)
	case o.Schemas > len(schemaNames):
		return fmt.Errorf("%w: Schemas is %d, at most %d are supported", ErrInvalidOptions, o.Schemas, len(schemaNames))
	}
	rates := []struct {
		name string
		v    float64
	}{
		{"SelfReferenceRate", o.SelfReferenceRate},
		{"CompositeKeyRate", o.CompositeKeyRate},
		{"CompositeRate", o.CompositeRate},
		{"IndexRate", o.IndexRate},
		{"WeirdNameRate", o.WeirdNameRate},
	}
	for _, r := range rates {
		if !(r.v >= 0 && r.v <= 1) {
			return fmt.Errorf("%w: %s is %v, want 0 to 1", ErrInvalidOptions, r.name, r.v)
		}
	}
	if o.Actions != nil {
		total := 0
		for a, w := range o.Actions {
			if !knownAction(a) {
				return fmt.Errorf("%w: unknown action %q in Actions", ErrInvalidOptions, a)
			}
			if w < 0 {
				return fmt.Errorf("%w: weight of %s is %d, want at least 0", ErrInvalidOptions, a, w)
			}
			total += w
		}
		if total == 0 && o.ForeignKeys > 0 {
			return fmt.Errorf("%w: Actions has no positive weight", ErrInvalidOptions)
		}
	}
	return nil
}

// knownAction reports whether a is one of the five referential actions.
func knownAction(a catalog.Action) bool {
	for _, k := range actionOrder {
		if a == k {
			return true
		}
	}
	return false
}

// actionWeights returns the weights to draw actions from, in actionOrder.
func (o Options) actionWeights() []int {
	m := o.Actions
	if m == nil {
		m = DefaultActionWeights
	}
	w := make([]int, len(actionOrder))
	for i, a := range actionOrder {
		w[i] = m[a]
	}
	return w
}
