// Package purge deletes one root row's whole deletion graph the way an
// application should: leaves first, in small batches, each batch its own
// short transaction, so that deleting a user with ten million rows never
// holds locks for minutes the way one cascading DELETE does.
//
// # How a purge runs
//
// A purge lets PostgreSQL's own ON DELETE actions do the work a cascading
// DELETE would, cut into short transactions. From the root row down, it
// deletes rows with one DELETE each batch and lets the cascade remove
// their subtrees, in a READ COMMITTED transaction limited two ways: at
// most Options.Batch rows changed in all tables, counted by the
// transaction's statistics counters read before and after the DELETE,
// and Options.MaxBatchTime as statement timeout. A batch over a limit
// rolls back, changing nothing, and is split. Each table's batch size is
// learned from its batches so far (rows changed and time per row), aiming
// at a third of the time limit.
//
// A row whose subtree alone is over the limits is expanded: the rows
// referencing it are read foreign key by foreign key in keyset pages
// (outside any transaction), those a SET NULL / SET DEFAULT key changes
// are updated in batches, those to delete are processed the same way one
// level down, and then the row itself is deleted with nothing left under
// it. Through keys (NO ACTION / RESTRICT keys listed in Options.Through)
// and NO ACTION keys between rows the DELETE removes anyway are expanded
// the same way, so PostgreSQL never refuses a batch for a row purge deletes
// later. Every statement re-checks that the rows it changes still
// reference the rows they were found through.
//
// With Options.Workers above one, up to that many batches of the same
// table run at once, each a transaction on a pooled connection of its
// own, so a purge can use more than one core of a server that has cores
// to spare. Batches whose
// subtrees share rows wait for each other's row locks and, past the time
// limit, are split; rows to expand are expanded with no other batch in
// flight. Parallel batches cannot be combined with an archive, and a graph
// with SET NULL / SET DEFAULT into NOT NULL columns is purged one batch at
// a time, in key order.
//
// When the schema lets rows block the delete, Run first collects the graph
// with explain.Collect and refuses with *BlockedError. In a graph without
// blocking keys no row can block, and nothing is collected.
//
// The root row is deleted last, so an interrupted purge (cancelled,
// killed, connection lost) re-run with the same arguments finishes the
// job. Rows in a cycle of NO ACTION references, which only one statement
// can delete, are left to the DELETE of the row expanded above them, in
// the worst case to a final closed batch that collects what is left of
// the graph, locks it and deletes it in one statement. After a purge has
// finished, the root row is gone and a re-run fails with ErrRootNotFound.
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
// row as it was, taken under the batch's row locks: with an archive a
// batch first locks FOR UPDATE, top-down, the rows it addresses and every
// row its cascade changes, archives them, deletes, and checks the counters
// against the archive. The explain collection (run up front whenever
// there is an archive) tells which rows the delete removes, so a row both
// nulled and deleted is archived once, as deleted. The lines of a batch
// are written, flushed and fsynced before the batch commits; if that fails
// the batch rolls back. A resumed purge reads the archive file first and
// does not write a (table, op, key) line twice, so after any number of
// interruptions the archive holds every deleted or changed row exactly
// once.
//
// # Limits
//
// A row moved out of the graph is kept as long as it no longer references
// the rows it was found through; moving an ancestor further up while purge
// runs is not detected. Rows changed by user triggers are not archived: a
// batch whose counters show changes it did not archive fails. Rows of
// schemas the snapshot left out that reference the graph are not modelled:
// inspect every schema whose tables may reference it. Tables without a
// primary key are addressed by ctid, which is not unique across the
// partitions of a partitioned table. The explain collection, when it runs,
// is one read-only transaction: for a million-row graph it lasts seconds;
// it takes no row locks and blocks no writer, but holds back vacuum
// meanwhile.
package purge
