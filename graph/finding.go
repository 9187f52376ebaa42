package graph

import "github.com/ondelete/ondelete/catalog"

// CycleKind tells which foreign keys make up a cycle.
type CycleKind string

const (
	// CycleCascade is a strongly connected component of deleted tables
	// joined by ON DELETE CASCADE foreign keys only: deleting one row can
	// delete rows all around the cycle, back to tables already visited.
	CycleCascade CycleKind = "cascade"
	// CycleForeignKey is a strongly connected component of affected tables
	// joined by foreign keys of any action (and not already reported as a
	// cascade cycle). Such cycles make insert and delete order matter and
	// often hide a blocker.
	CycleForeignKey CycleKind = "foreign-key"
)

// Cycle is one strongly connected component of the foreign-key graph among
// affected tables: two or more tables, or one table with a self-reference.
type Cycle struct {
	Kind CycleKind `json:"kind"`
	// Tables are the component's tables, sorted.
	Tables []catalog.TableName `json:"tables"`
	// Constraints are the foreign keys inside the component (both ends in
	// it), as schema.table.constraint, sorted.
	Constraints []string `json:"constraints"`
}

// FlagType is the stable kebab-case name of a kind of finding; tools and
// policy exceptions match on it, so names never change within a version.
type FlagType string

const (
	// FlagCascadeCycle: a cascade cycle of two or more tables.
	FlagCascadeCycle FlagType = "cascade-cycle"
	// FlagForeignKeyCycle: a foreign-key cycle of two or more affected
	// tables that is not a pure cascade cycle.
	FlagForeignKeyCycle FlagType = "foreign-key-cycle"
	// FlagCascadeSelfReference: an ON DELETE CASCADE self-reference on a
	// deleted table (epics.parent_id): deleting one row deletes its whole
	// subtree, however deep.
	FlagCascadeSelfReference FlagType = "cascade-self-reference"
	// FlagSetNullNotNull: ON DELETE SET NULL would null a NOT NULL column,
	// so the DELETE fails whenever a referencing row remains. Also listed
	// as a blocker.
	FlagSetNullNotNull FlagType = "set-null-not-null"
	// FlagSetDefaultNotNull: ON DELETE SET DEFAULT on a NOT NULL column
	// that has no default: the default is NULL, so it fails like
	// FlagSetNullNotNull. Also listed as a blocker.
	FlagSetDefaultNotNull FlagType = "set-default-not-null"
	// FlagMixedActions: a table is reached by foreign keys with different
	// effects (e.g. deleted through one, nulled or blocked through another).
	FlagMixedActions FlagType = "mixed-actions"
	// FlagOrderDependent: a conditional blocker whose check runs in the
	// same trigger round as the cascade that would remove its referencing
	// rows, so success depends on constraint creation order.
	FlagOrderDependent FlagType = "order-dependent"
	// FlagPathsTruncated: some tables are reached by more paths than
	// Graph.MaxPaths; their path lists are cut.
	FlagPathsTruncated FlagType = "paths-truncated"
)

// Flag is one finding on the graph.
type Flag struct {
	Type FlagType `json:"type"`
	// Tables are the tables concerned, sorted.
	Tables []catalog.TableName `json:"tables"`
	// Constraints are the constraints concerned, as
	// schema.table.constraint, sorted; empty when the finding is about
	// tables only.
	Constraints []string `json:"constraints"`
	// Message says what the finding means for a DELETE, in one sentence.
	Message string `json:"message"`
}
