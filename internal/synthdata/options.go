package synthdata

import (
	"errors"
	"fmt"
)

// Options describe the rows to generate for a schema. Rates are
// probabilities in [0, 1]. DefaultOptions is the usual starting point.
type Options struct {
	// Seed selects the data: the same schema and Options always give the
	// same rows, the same column defaults and the same root.
	Seed uint64
	// MinRows and MaxRows bound the rows per table. Most tables get a
	// count near MinRows, a few (hubs) near MaxRows.
	MinRows, MaxRows int
	// Owners is how many leading rows of each table are "owners": the rows
	// that receive OwnerShare of all references, so that deleting one of
	// them reaches deep and wide.
	Owners int
	// OwnerShare is the share of references that point at an owner row;
	// the rest pick a parent row uniformly.
	OwnerShare float64
	// MaxNullRate bounds the NULL rate of a nullable foreign key: each one
	// draws its own rate uniformly in [0, MaxNullRate], so some are never
	// NULL and some often are.
	MaxNullRate float64
	// PartialNullRate is the share of rows of a nullable composite foreign
	// key that get NULL in one column only. Under MATCH SIMPLE such a row
	// references nothing, whatever its other column holds.
	PartialNullRate float64
	// ChainRate is the share of self-referencing rows whose parent is the
	// row just before them, which makes trees deep (chains), not just wide.
	ChainRate float64
	// SelfCycleRate is the share of self-referencing rows that point at a
	// later row or at themselves, closing cycles within the table.
	SelfCycleRate float64
	// DefaultRefRate is the share of ON DELETE SET DEFAULT foreign keys
	// whose columns get a DEFAULT naming an existing parent row (the
	// others have no default, so SET DEFAULT writes NULL). The default row
	// may itself be deleted by the root's DELETE, which then fails.
	DefaultRefRate float64
	// KeepBlockerRate is the share of NO ACTION and RESTRICT foreign keys
	// whose references into the chosen root's deletion set are left as
	// generated. The references of the other such foreign keys are moved
	// to rows the DELETE does not remove (or set to NULL), and SET DEFAULT
	// defaults are chosen outside the deletion set, so with 0 the root's
	// DELETE usually succeeds; with 1 it usually fails.
	KeepBlockerRate float64
	// DeferredRate is the share of NO ACTION foreign keys made DEFERRABLE
	// INITIALLY DEFERRED (Data.Deferred): checked at commit, after every
	// cascade, so only referencing rows the DELETE keeps block. Drawn from
	// a random stream of its own, so changing it changes no other draw
	// (only which references the blocker knob moves).
	DeferredRate float64
	// NotNullActionRate is the share of ON DELETE SET NULL and SET DEFAULT
	// foreign keys whose columns Generate makes NOT NULL (synth never
	// does): the misconfiguration that makes a DELETE fail with a
	// not-null violation (23502) once such a row references a deleted
	// one, unless SET DEFAULT has a default to write. Drawn from a random
	// stream of its own.
	NotNullActionRate float64
	// Roots is how many candidate roots Data.Roots lists (at least 1).
	Roots int
}

// DefaultOptions returns options for tens to a few hundred rows per table,
// deep self-reference trees and a mix of blocked and unblocked roots.
func DefaultOptions(seed uint64) Options {
	return Options{
		Seed:              seed,
		MinRows:           15,
		MaxRows:           200,
		Owners:            3,
		OwnerShare:        0.5,
		MaxNullRate:       0.5,
		PartialNullRate:   0.05,
		ChainRate:         0.3,
		SelfCycleRate:     0.03,
		DefaultRefRate:    0.7,
		KeepBlockerRate:   0.1,
		DeferredRate:      0.15,
		NotNullActionRate: 0.1,
		Roots:             8,
	}
}

// maxRows bounds MaxRows so that integer keys of different tables never
// overlap (table i uses (i+1)*keyStride + row).
const maxRows = keyStride - 1

// keyStride separates the integer keys of consecutive tables.
const keyStride = 10000

// ErrInvalidOptions is wrapped by every error Validate returns.
var ErrInvalidOptions = errors.New("invalid synthdata options")

// Validate reports the first option out of range. Generate panics on such
// options: they are constants in tests, so a bad one is a bug to fix.
func (o Options) Validate() error {
	switch {
	case o.MinRows < 1:
		return fmt.Errorf("%w: MinRows is %d, want at least 1", ErrInvalidOptions, o.MinRows)
	case o.MaxRows < o.MinRows || o.MaxRows > maxRows:
		return fmt.Errorf("%w: MaxRows is %d, want MinRows (%d) to %d", ErrInvalidOptions, o.MaxRows, o.MinRows, maxRows)
	case o.Owners < 1:
		return fmt.Errorf("%w: Owners is %d, want at least 1", ErrInvalidOptions, o.Owners)
	case o.Roots < 1:
		return fmt.Errorf("%w: Roots is %d, want at least 1", ErrInvalidOptions, o.Roots)
	}
	rates := []struct {
		name string
		v    float64
	}{
		{"OwnerShare", o.OwnerShare},
		{"MaxNullRate", o.MaxNullRate},
		{"PartialNullRate", o.PartialNullRate},
		{"ChainRate", o.ChainRate},
		{"SelfCycleRate", o.SelfCycleRate},
		{"DefaultRefRate", o.DefaultRefRate},
		{"KeepBlockerRate", o.KeepBlockerRate},
		{"DeferredRate", o.DeferredRate},
		{"NotNullActionRate", o.NotNullActionRate},
	}
	for _, r := range rates {
		if !(r.v >= 0 && r.v <= 1) {
			return fmt.Errorf("%w: %s is %v, want 0 to 1", ErrInvalidOptions, r.name, r.v)
		}
	}
	return nil
}
