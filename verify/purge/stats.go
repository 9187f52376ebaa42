package purge

import (
	"time"

	"github.com/ondelete/ondelete/catalog"
)

// Op is what a batch does to its rows; it is also the "op" of archive
// lines.
type Op string

// The three changes a purge makes, mirroring the ON DELETE actions.
const (
	OpDelete  Op = "delete"
	OpNull    Op = "null"
	OpDefault Op = "default"
)

// BatchStats describes one committed batch, for progress reporting and for
// checking that batches stay short.
type BatchStats struct {
	// Seq numbers the batches of this run from 1.
	Seq int
	// Table and Op say what the batch's own statement changed; the rows
	// PostgreSQL's actions changed under it may be of other tables.
	Table catalog.TableName
	Op    Op
	// Closed is true for a batch run without the limits: the final delete
	// of rows whose subtree kept growing or that close a cycle of rows.
	Closed bool
	// Rows is the number of rows the batch changed in all tables
	// (deleted, nulled and defaulted together).
	Rows int
	// Skipped counts rows the batch addressed but left unchanged: gone
	// already, or no longer part of the graph.
	Skipped int
	// Duration is the batch transaction's wall time, BEGIN to COMMIT,
	// including the archive's fsync; Retries is how many attempts failed on
	// a lock timeout or deadlock before this one committed.
	Duration time.Duration
	Retries  int
	// Done is the number of rows changed so far in this run.
	Done int64
}

// TableCount is what a purge did to one table.
type TableCount struct {
	Table                      catalog.TableName
	Deleted, Nulled, Defaulted int64
}

// Summary is what one Run did.
type Summary struct {
	Root catalog.TableName
	// RootKeyColumns and RootKey identify the root row (primary key, or
	// ctid for a table without one).
	RootKeyColumns []string
	RootKey        []string
	// Tables lists every table the run changed, sorted by (schema, table).
	Tables []TableCount
	// Deleted, Nulled and Defaulted are the totals over Tables.
	Deleted, Nulled, Defaulted int64
	// Batches counts committed batches.
	Batches int
	// Workers is how many batches ran at once at most: Options.Workers,
	// or 1 in a graph with SET NULL / SET DEFAULT into NOT NULL columns
	// (see Options.Workers).
	Workers int
	// Retries counts batch attempts that failed on a lock timeout or a
	// deadlock and were retried.
	Retries int
	// Expanded counts rows whose subtree was too big for one batch (or
	// held rows to delete through) and that were deleted by hand, their
	// referencing rows first.
	Expanded int64
	// Deferred counts expanded rows left for the DELETE of a row expanded
	// further up, because that row references them through a NO ACTION
	// key (a cycle of rows only one statement can delete).
	Deferred int64
	// Skipped counts rows addressed that changed nothing because the row
	// was gone or no longer in the graph.
	Skipped int64
	// Elapsed is the whole run's wall time; LongestBatch the longest batch
	// transaction; Checking the time the blocker check took (a read-only
	// transaction that takes no row locks, run only when the schema lets
	// rows block the delete).
	Elapsed, LongestBatch, Checking time.Duration
	// Resumed is true when the archive file already held lines, i.e. this
	// run continues an interrupted one (known only with ArchivePath).
	Resumed bool
	// ArchivedLines counts lines written to the archive by this run, and
	// ArchiveDuplicates the lines not written because an earlier run had
	// already archived the same (table, op, key).
	ArchivedLines, ArchiveDuplicates int64
	// Done is true when the root row was deleted.
	Done bool
}

// count adds n rows of op on table t to the summary.
func (s *Summary) count(t catalog.TableName, op Op, n int) {
	if n == 0 {
		return
	}
	i := 0
	for i < len(s.Tables) && s.Tables[i].Table.Less(t) {
		i++
	}
	if i == len(s.Tables) || s.Tables[i].Table != t {
		s.Tables = append(s.Tables, TableCount{})
		copy(s.Tables[i+1:], s.Tables[i:])
		s.Tables[i] = TableCount{Table: t}
	}
	switch op {
	case OpDelete:
		s.Tables[i].Deleted += int64(n)
		s.Deleted += int64(n)
	case OpNull:
		s.Tables[i].Nulled += int64(n)
		s.Nulled += int64(n)
	case OpDefault:
		s.Tables[i].Defaulted += int64(n)
		s.Defaulted += int64(n)
	}
}
