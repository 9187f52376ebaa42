package graph

import "github.com/ondelete/ondelete/catalog"

// BlockerKind tells whether rows the DELETE itself removes can stop a
// blocker from firing.
type BlockerKind string

const (
	// Definite: the referencing table is not deleted by this DELETE (it is
	// only blocked, nulled or defaulted), so every row referencing a deleted
	// row makes the DELETE fail.
	Definite BlockerKind = "definite"
	// Conditional: the referencing table is itself deleted through another
	// path (or the foreign key is a self-reference or part of a cycle among
	// deleted tables), so referencing rows that the same DELETE removes may
	// be gone when PostgreSQL checks; see Blocker.Timing for when that
	// holds. Rows it does not remove (e.g. another user's comment on this
	// user's document) always make it fail.
	Conditional BlockerKind = "conditional"
)

// Timing says when PostgreSQL runs a conditional blocker's check relative
// to the cascades that delete the referencing rows.
//
// PostgreSQL implements every ON DELETE action and check as an AFTER ROW
// trigger on the referenced table, queued when the row is deleted and fired
// at the end of the statement. Cascaded deletes queue their own triggers at
// the same statement level, and PostgreSQL fires the queue in rounds: round
// 1 fires the triggers of the rows the statement deleted (depth 0); each
// round fires the triggers queued by the previous one, in queue order (row,
// then trigger name, i.e. "RI_ConstraintTrigger_a_<oid>": roughly creation
// order). So rows at cascade depth d are deleted in round d, and the check
// of a foreign key into them runs in round d+1. RESTRICT and NO ACTION
// checks both run this way; they differ only in that NO ACTION can be
// deferred (then it runs at commit) and accepts a replacement key row.
// Referential actions (CASCADE, SET NULL, SET DEFAULT) are never deferred.
//
// Timing is computed from shortest cascade chains (Table.Depth): a row
// reached only through a longer chain is deleted in a later round than its
// table's depth says, so for such rows the check can come first.
type Timing string

const (
	// TimingAfterCascades: the referencing rows this DELETE removes are
	// deleted (at depth <= the referenced table's depth) before the check
	// runs, so only rows it does not remove block.
	TimingAfterCascades Timing = "after-cascades"
	// TimingSameRound: the referencing rows are deleted in the same trigger
	// round as the check runs, so whether they are gone first depends on
	// trigger firing order (constraint creation order), not on the schema's
	// meaning. See Blocker.OrderDependent.
	TimingSameRound Timing = "same-round"
	// TimingBeforeCascades: the check runs at least one round before the
	// referencing rows are deleted, so every referencing row blocks, even
	// one this DELETE would remove: in effect a definite blocker.
	TimingBeforeCascades Timing = "before-cascades"
	// TimingAtCommit: a DEFERRABLE INITIALLY DEFERRED NO ACTION foreign
	// key is checked at commit, after every cascade, so only referencing
	// rows still present then block.
	TimingAtCommit Timing = "at-commit"
)

// Blocker is a foreign key that can make the root DELETE fail: a NO ACTION
// or RESTRICT foreign key into a deleted table, or a SET NULL / SET DEFAULT
// foreign key that would write NULL into a NOT NULL column (which fails with
// a not-null violation whenever a referencing row is still there).
//
// Schema, Table and Constraint name the referencing side (where the
// constraint lives); RefSchema and RefTable the deleted table it points at.
type Blocker struct {
	Schema     string `json:"schema"`
	Table      string `json:"table"`
	Constraint string `json:"constraint"`
	RefSchema  string `json:"ref_schema"`
	RefTable   string `json:"ref_table"`
	// Kind is definite or conditional; see BlockerKind.
	Kind BlockerKind `json:"kind"`
	// Action is the foreign key's ON DELETE action.
	Action catalog.Action `json:"action"`
	// NotNullColumns lists, for a SET NULL / SET DEFAULT blocker, the
	// NOT NULL columns the action would set to NULL.
	NotNullColumns []string `json:"not_null_columns,omitempty"`
	// Timing is set for conditional blockers only; see Timing.
	Timing Timing `json:"timing,omitempty"`
	// OrderDependent is true when the outcome depends on the order in which
	// PostgreSQL fires triggers within one round (TimingSameRound): the
	// same data can succeed or fail depending on which constraint was
	// created first.
	OrderDependent bool `json:"order_dependent"`
	// Deferred is true for a DEFERRABLE INITIALLY DEFERRED NO ACTION
	// foreign key: it fails at COMMIT rather than at the end of the DELETE.
	Deferred bool `json:"deferred"`
	// Reason explains in one sentence when this blocker makes the DELETE
	// fail.
	Reason string `json:"reason"`
	// Path is the shortest path from the root through this constraint.
	Path []string `json:"path"`
}

// TableName returns the referencing table.
func (b *Blocker) TableName() catalog.TableName {
	return catalog.TableName{Schema: b.Schema, Name: b.Table}
}

// RefTableName returns the deleted table the blocker points at.
func (b *Blocker) RefTableName() catalog.TableName {
	return catalog.TableName{Schema: b.RefSchema, Name: b.RefTable}
}

// Key returns the blocking constraint's identity.
func (b *Blocker) Key() catalog.ConstraintKey {
	return catalog.ConstraintKey{Schema: b.Schema, Table: b.Table, Name: b.Constraint}
}
