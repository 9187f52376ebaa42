// Package purge deletes one root row's whole deletion graph the way an
// application should: leaves first, in small batches, each batch its own
// short transaction, so that deleting a user with ten million rows never
// holds locks for minutes the way one cascading DELETE does.
//
// # How a purge runs
//
// A purge works in rounds. Each round collects the root row's current
// graph with explain.Collect (one read-only REPEATABLE READ transaction,
// which takes no row locks) and orders the rows to delete children first:
// tables in topological order of the foreign keys among them, and, within
// tables that reference each other (or themselves) in a cycle, rows in
// topological order of their references, read in the same snapshot. Then
// it changes the graph in batches of at most Options.Batch rows of one
// table, each its own READ COMMITTED transaction:
//
//  1. SET NULL / SET DEFAULT rows first: each batch locks its rows, checks
//     which of their foreign keys still point at a collected row, and
//     applies exactly those foreign keys' actions as an UPDATE.
//  2. Deleted rows, children first. A batch first tries an optimistic
//     delete: one DELETE by primary-key list returning each row's image
//     and the parents it points at, between two reads of the
//     transaction's statistics counters. If PostgreSQL's own ON DELETE
//     actions changed any other row (a row was added since the collection
//     and references the batch), a NO ACTION key refused, or a row no
//     longer points into the graph, the batch rolls back before anything
//     is archived or committed and runs on the locking path: lock the
//     rows FOR UPDATE (so no new row can start referencing them), keep
//     those still in the graph, find in a new statement the rows still
//     referenced from outside the batch (and the rows of the batch those
//     reference), delete the others. Either way PostgreSQL's actions
//     never remove or change a row purge has not archived. Rows the
//     locking path leaves are tried again in later passes while the
//     passes make progress. Without track_counts, only the locking path
//     runs.
//  3. The root row, rows in cycles of references and the rows they
//     reference wait for a final closed batch, which also runs when what
//     remains fits in one batch: it locks the root row, collects the rest
//     of the graph inside the transaction, locks it and collects again
//     until nothing new appears, and deletes it all in one statement (one
//     data-modifying CTE per table). PostgreSQL's own actions then null
//     and default exactly the rows collected.
//
// The root row is deleted last, so an interrupted purge (cancelled,
// killed, connection lost) re-run with the same arguments collects the
// graph again from the root row and finishes the job. It never deletes a
// row outside that graph: rows are deleted only while they still
// reference the graph. After a purge has finished, the root row is gone and
// a re-run fails with ErrRootNotFound.
//
// # Archive
//
// With Options.ArchivePath (or Options.Archive) every row is written as
// one JSON line before it is deleted or changed:
//
//	{"table":{"schema":"public","table":"posts"},"op":"delete","key":{"id":"7"},"row":{...},"batch":3}
//
// op is "delete", "null" or "default"; key holds the primary key (or
// "ctid" for a table without one) as text; row is to_jsonb of the whole
// row as it was, taken under the batch's row locks. The lines of a batch
// are written, flushed and fsynced before the batch commits; if that fails
// the batch rolls back. A resumed purge reads the archive file first and
// does not write a (table, op, key) line twice, so after any number of
// interruptions the archive holds every deleted or changed row exactly
// once.
//
// # Limits
//
// Rows of the graph are identified when a round collects them. A row the
// application moves out of the graph concurrently (re-parents) is kept as
// long as it no longer references a collected row; moving an ancestor
// further up while purge runs is not detected. Rows in cycles of
// cascading references are deleted by the final closed batch, so a very
// large cycle makes that one transaction large. Rows changed by user
// triggers are not archived (the graph does not model triggers; an
// optimistic delete that sees such changes falls back to the locking
// path, which does not see them), and neither are rows of schemas the
// snapshot left out that reference the graph: inspect every schema whose
// tables may reference it. Tables without a primary
// key are addressed by ctid, which is not unique across the partitions
// of a partitioned table. Each collection is one read-only transaction:
// for a million-row graph it lasts seconds; it takes no row locks and
// blocks no writer, but holds back vacuum meanwhile.
package purge
