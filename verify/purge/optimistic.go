package purge

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/ident"
)

// errFallback makes an optimistic delete roll back so that the locking
// one redoes the batch.
var errFallback = errors.New("optimistic delete touched other rows")

// SQLSTATEs of a DELETE refused by a referencing row: the optimistic
// delete then rolls back and the locking one finds the row.
const (
	foreignKeyViolation = "23503"
	restrictViolation   = "23001"
)

// optimisticDelete deletes the batch's rows without locking them first:
// one DELETE by key, returning each row's image and the parents its
// cascading foreign keys point at, then a look at the transaction's own
// statistics counters (pg_stat_get_xact_tuples_deleted / _updated) of the
// table and of every table referencing it. The schedule deletes children
// first, so nothing should reference the rows; if something did (a row
// added since the collection, a schedule the data outran), PostgreSQL's
// ON DELETE actions changed rows the counters reveal, or a NO ACTION /
// RESTRICT key refused the DELETE, and the batch rolls back with
// errFallback before anything is committed or archived. So is a batch
// with a row no longer in the graph. The counters PostgreSQL reports for
// the current transaction may also hold counts of the session's earlier
// transactions not yet flushed, so they are read before and after the
// DELETE, in the same pipeline, and compared. It saves the locking path's row
// locks (a WAL record per row) and its probes for references, which
// PostgreSQL's own triggers repeat anyway.
func (r *runner) optimisticDelete(ctx context.Context, t *tableInfo, keys [][]string) (int, error) {
	deleted := 0
	_, err := r.batch(ctx, t, OpDelete, false, func(ctx context.Context, tx pgx.Tx) (*outcome, error) {
		deleted = 0
		if err := resolveRelations(ctx, tx, t); err != nil {
			return nil, err
		}
		b := &pgx.Batch{}
		b.Queue(countersSQL, t.ownRels, t.otherRels)
		b.Queue(r.optimisticSQL(t), t.keyArgs(keys)...)
		b.Queue(countersSQL, t.ownRels, t.otherRels)
		res := tx.SendBatch(ctx, b)
		defer res.Close()
		var before counters
		if err := res.QueryRow().Scan(&before.own, &before.ownUpdated, &before.others); err != nil {
			return nil, fmt.Errorf("reading the transaction's counters: %w", err)
		}
		rows, err := res.Query()
		if err != nil {
			return nil, refusedToFallback(fmt.Errorf("deleting rows of %s: %w", t.name, err))
		}
		batchNo := r.archiveBatch()
		n := len(t.keyCols)
		for rows.Next() {
			raw := rows.RawValues()
			key := make([]string, n)
			for i := range key {
				key[i] = string(raw[i])
			}
			at := n
			var image []byte
			if r.archive != nil {
				image = []byte(string(raw[at]))
				at++
			}
			member := false
			for _, e := range t.cascadeIn {
				k := len(e.parent.keyCols)
				if !member {
					parent := make([]string, k)
					for i := range parent {
						if raw[at+i] == nil {
							parent = nil
							break
						}
						parent[i] = string(raw[at+i])
					}
					member = r.pointsIntoGraph(e.parent.name, parent)
				}
				at += k
			}
			if !member {
				rows.Close()
				return nil, errFallback
			}
			deleted++
			if r.archive != nil {
				if err := r.archive.add(ArchiveLine{Table: t.name, Op: OpDelete, Key: keyMap(t.keyCols, key), Row: image, Batch: batchNo}); err != nil {
					rows.Close()
					return nil, err
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, refusedToFallback(fmt.Errorf("deleting rows of %s: %w", t.name, err))
		}
		var after counters
		if err := res.QueryRow().Scan(&after.own, &after.ownUpdated, &after.others); err != nil {
			return nil, fmt.Errorf("reading the transaction's counters: %w", err)
		}
		if after.own-before.own != int64(deleted) || after.ownUpdated != before.ownUpdated || after.others != before.others {
			return nil, errFallback
		}
		return &outcome{counts: []opCount{{op: OpDelete, table: t.name, n: deleted}}, skipped: len(keys) - deleted}, nil
	})
	return deleted, err
}

// refusedToFallback turns a DELETE refused by a referencing row into
// errFallback.
func refusedToFallback(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (pgErr.Code == foreignKeyViolation || pgErr.Code == restrictViolation) {
		return errFallback
	}
	return err
}

// counters are what countersSQL reads.
type counters struct{ own, ownUpdated, others int64 }

// countersSQL reads the current transaction's counters: rows deleted and
// updated in the relations $1 (a table and its partitions), and rows
// deleted or updated in the relations $2 (the tables referencing it and
// their partitions).
const countersSQL = `SELECT
  (SELECT coalesce(sum(pg_stat_get_xact_tuples_deleted(r)), 0) FROM unnest($1::oid[]) AS r)::bigint,
  (SELECT coalesce(sum(pg_stat_get_xact_tuples_updated(r)), 0) FROM unnest($1::oid[]) AS r)::bigint,
  (SELECT coalesce(sum(pg_stat_get_xact_tuples_deleted(r) + pg_stat_get_xact_tuples_updated(r)), 0) FROM unnest($2::oid[]) AS r)::bigint`

// relationsSQL resolves a table ($1) and the tables referencing it ($2),
// with their partitions, to the relation OIDs countersSQL reads.
// pg_partition_tree lists the partitions of a partitioned table, and
// nothing for a table that is not partitioned.
const relationsSQL = `SELECT
  ARRAY(SELECT $1::text::regclass::oid UNION SELECT p.relid::oid FROM pg_partition_tree($1::text::regclass) AS p),
  ARRAY(SELECT c.name::regclass::oid FROM unnest($2::text[]) AS c(name)
        UNION SELECT p.relid::oid FROM unnest($2::text[]) AS c(name), pg_partition_tree(c.name::regclass) AS p)`

// resolveRelations fills t.ownRels and t.otherRels the first time.
func resolveRelations(ctx context.Context, tx pgx.Tx, t *tableInfo) error {
	if t.ownRels != nil {
		return nil
	}
	if err := tx.QueryRow(ctx, relationsSQL, t.quoted, t.referencing).Scan(&t.ownRels, &t.otherRels); err != nil {
		return fmt.Errorf("resolving the relations of %s: %w", t.name, err)
	}
	return nil
}

// optimisticSQL deletes the rows of t keyed by $1.., returning each row's
// key, its image when there is an archive, and for each cascading edge
// the key of the parent row it points at.
func (r *runner) optimisticSQL(t *tableInfo) string {
	cols := []string{t.keyText("t")}
	if r.archive != nil {
		cols = append(cols, "to_jsonb(t.*)::text")
	}
	for _, e := range t.cascadeIn {
		cols = append(cols, parentKeyExprs(e)...)
	}
	return fmt.Sprintf("DELETE FROM %s AS t WHERE %s RETURNING %s", t.quoted, t.keyFilter("t", 1), strings.Join(cols, ", "))
}

// parentKeyExprs are expressions over the child alias t giving, column by
// column, the key of the row e's foreign key points at: the referencing
// columns themselves when they reference the parent's primary key, else a
// lookup in the parent.
func parentKeyExprs(e edgeRef) []string {
	out := make([]string, len(e.parent.keyCols))
	for i, pc := range e.parent.keyCols {
		if j := slices.Index(e.fk.RefColumns, pc); j >= 0 && !e.parent.ctid && len(e.fk.RefColumns) == len(e.parent.keyCols) {
			out[i] = "t." + ident.Quote(e.fk.Columns[j]) + "::" + e.parent.keyTypes[i] + "::text"
			continue
		}
		conds := make([]string, len(e.fk.Columns))
		for k := range e.fk.Columns {
			conds[k] = "p." + ident.Quote(e.fk.RefColumns[k]) + " = t." + ident.Quote(e.fk.Columns[k])
		}
		out[i] = fmt.Sprintf("(SELECT %s::text FROM %s AS p WHERE %s)", e.parent.col("p", pc), e.parent.quoted, strings.Join(conds, " AND "))
	}
	return out
}
