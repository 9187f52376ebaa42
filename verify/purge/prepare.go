package purge

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/verify/explain"
)

// prepare reads, in one short read-only transaction, the root row's key,
// whether the server keeps statistics counters, and the relations of the
// graph's tables.
func (r *runner) prepare(ctx context.Context) ([]string, error) {
	r.rootT = r.m.tables[r.root.Table]
	if r.rootT == nil {
		return nil, fmt.Errorf("table %s is not in the snapshot", r.root.Table)
	}
	tx, err := r.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("beginning to read the root row: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	key, err := r.readRoot(ctx, tx)
	if err != nil {
		return nil, err
	}
	if err := tx.QueryRow(ctx, "SELECT current_setting('track_counts')::bool").Scan(&r.counters); err != nil {
		return nil, fmt.Errorf("reading track_counts: %w", err)
	}
	if err := r.readRelations(ctx, tx); err != nil {
		return nil, err
	}
	r.sum.RootKeyColumns, r.sum.RootKey = r.rootT.keyCols, key
	r.root = keyedRoot(r.root.Table, r.rootT.keyCols, key)
	return key, nil
}

// readRoot selects the root row by Root.Key or Root.Where and returns
// its key; it fails with a *explain.RootError when no row or more than one
// matches.
func (r *runner) readRoot(ctx context.Context, tx pgx.Tx) ([]string, error) {
	t, root := r.rootT, r.root
	rootErr := func(err error, detail string) error {
		sel := root.Where
		if len(root.Key) > 0 {
			sel = fmt.Sprint(root.Key)
		}
		e := &explain.RootError{Table: root.Table, Selection: sel, Detail: detail, Err: err}
		if err == explain.ErrNoRootRow {
			return fmt.Errorf("%w: %w", ErrRootNotFound, e)
		}
		return e
	}
	var cond string
	var args []any
	switch {
	case len(root.Key) > 0 && root.Where != "":
		return nil, rootErr(explain.ErrBadRoot, "give a key or a WHERE clause, not both")
	case len(root.Key) > 0:
		if t.ctid {
			return nil, rootErr(explain.ErrBadRoot, "the table has no primary key: select the row with a WHERE clause")
		}
		var conds []string
		for i, c := range t.keyCols {
			v, ok := root.Key[c]
			if !ok {
				return nil, rootErr(explain.ErrBadRoot, "missing primary-key column "+ident.Display(c))
			}
			args = append(args, v)
			conds = append(conds, fmt.Sprintf("%s = $%d::text::%s", t.col("t", c), i+1, t.keyTypes[i]))
		}
		for c := range root.Key {
			if !slices.Contains(t.keyCols, c) {
				return nil, rootErr(explain.ErrBadRoot, "column "+ident.Display(c)+" is not in the primary key")
			}
		}
		cond = strings.Join(conds, " AND ")
	case root.Where != "":
		cond = "(" + root.Where + ")"
	default:
		return nil, rootErr(explain.ErrBadRoot, "give a key or a WHERE clause")
	}
	rows, err := tx.Query(ctx, fmt.Sprintf("SELECT %s FROM %s AS t WHERE %s LIMIT 2", t.keyText("t"), t.quoted, cond), args...)
	if err != nil {
		return nil, fmt.Errorf("selecting the root row of %s: %w", root.Table, err)
	}
	keys, err := scanKeys(rows, len(t.keyCols))
	if err != nil {
		return nil, fmt.Errorf("selecting the root row of %s: %w", root.Table, err)
	}
	switch len(keys) {
	case 0:
		return nil, rootErr(explain.ErrNoRootRow, "")
	case 1:
		return keys[0], nil
	}
	return nil, rootErr(explain.ErrManyRootRows, "")
}

// scanKeys reads rows of n text columns.
func scanKeys(rows pgx.Rows, n int) ([][]string, error) {
	defer rows.Close()
	var out [][]string
	for rows.Next() {
		raw := rows.RawValues()
		k := make([]string, n)
		for i := range k {
			k[i] = string(raw[i])
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// keyedRoot selects the root row by its key, so that the blocker check
// finds the same row whatever the original WHERE clause matches by then.
func keyedRoot(table catalog.TableName, cols, key []string) explain.Root {
	if len(cols) == 1 && cols[0] == "ctid" {
		return explain.Root{Table: table, Where: "ctid = " + ident.Literal(key[0]) + "::tid"}
	}
	m := make(map[string]string, len(key))
	for i, c := range cols {
		m[c] = key[i]
	}
	return explain.Root{Table: table, Key: m}
}

// relationsSQL lists each table of $1 with its partitions, as relation
// OIDs (pg_partition_tree lists the partitions of a partitioned table).
const relationsSQL = `SELECT u.i, u.name::regclass::oid FROM unnest($1::text[]) WITH ORDINALITY AS u(name, i)
UNION SELECT u.i, p.relid::oid FROM unnest($1::text[]) WITH ORDINALITY AS u(name, i), pg_partition_tree(u.name::regclass) AS p`

// readRelations resolves the graph's tables to the relation OIDs whose
// counters a batch reads.
func (r *runner) readRelations(ctx context.Context, tx pgx.Tx) error {
	var names []string
	var tables []*tableInfo
	for _, t := range r.m.tables {
		names = append(names, t.quoted)
		tables = append(tables, t)
	}
	rows, err := tx.Query(ctx, relationsSQL, names)
	if err != nil {
		return fmt.Errorf("resolving the graph's relations: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int64
		var oid uint32
		if err := rows.Scan(&i, &oid); err != nil {
			return fmt.Errorf("resolving the graph's relations: %w", err)
		}
		r.rels = append(r.rels, oid)
		r.relTable = append(r.relTable, tables[i-1])
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("resolving the graph's relations: %w", err)
	}
	return nil
}

// rootGone reports whether the root row no longer exists.
func (r *runner) rootGone(ctx context.Context, key []string) (bool, error) {
	t := r.rootT
	tx, err := r.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return false, fmt.Errorf("checking the root row: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	var exists bool
	q := fmt.Sprintf("SELECT EXISTS (SELECT FROM %s AS t WHERE %s)", t.quoted, t.keyFilter("t", 1))
	if err := tx.QueryRow(ctx, q, t.keyArgs([][]string{key})...).Scan(&exists); err != nil {
		return false, fmt.Errorf("checking the root row: %w", err)
	}
	return !exists, nil
}
