package synthdata

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// ErrRootNotFound is returned by NativeDelete when no row has the key.
var ErrRootNotFound = errors.New("root row not found")

// NativeDelete is the oracle: it asks PostgreSQL what deleting one row
// does. In a transaction it snapshots every user table, runs the real
// DELETE FROM table WHERE key, then SET CONSTRAINTS ALL IMMEDIATE (so
// deferred checks fail here rather than at a commit that never comes),
// snapshots again, and rolls back. A database error from either statement
// is recorded in Outcome.Failure; other errors (connection, a key that
// matches no row) are returned.
//
// key maps each primary-key column to its value as text (Root.Key); for a
// table without a primary key it may name any columns, all compared with
// =. The database is left unchanged.
func NativeDelete(ctx context.Context, conn *pgx.Conn, table catalog.TableName, key map[string]string) (*Outcome, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("deleting from %s natively: %w", table, err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	out, err := nativeDelete(ctx, tx, table, key)
	if err != nil {
		return nil, fmt.Errorf("deleting from %s natively: %w", table, err)
	}
	return out, nil
}

// nativeDelete does NativeDelete's work in tx.
func nativeDelete(ctx context.Context, tx pgx.Tx, table catalog.TableName, key map[string]string) (*Outcome, error) {
	tables, err := listTables(ctx, tx, nil)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(tables, func(t tableInfo) bool { return t.name == table })
	if i < 0 {
		return nil, fmt.Errorf("no table %s", table)
	}
	where, err := whereKey(tables[i], key)
	if err != nil {
		return nil, err
	}
	actions, err := readActionColumns(ctx, tx)
	if err != nil {
		return nil, err
	}
	before, err := readImages(ctx, tx, tables)
	if err != nil {
		return nil, err
	}
	out := &Outcome{Root: table, Key: key, Before: snapshotOf(before)}

	tag, err := tx.Exec(ctx, "DELETE FROM "+table.Quoted()+" WHERE "+where)
	if f, isPg := failure(err, false); isPg {
		out.Failure = f
		return out, nil
	} else if err != nil {
		return nil, err
	}
	if tag.RowsAffected() == 0 {
		return nil, fmt.Errorf("%w: %s WHERE %s", ErrRootNotFound, table, where)
	}
	_, err = tx.Exec(ctx, "SET CONSTRAINTS ALL IMMEDIATE")
	if f, isPg := failure(err, true); isPg {
		out.Failure = f
		return out, nil
	} else if err != nil {
		return nil, err
	}

	after, err := readImages(ctx, tx, tables)
	if err != nil {
		return nil, err
	}
	out.After = snapshotOf(after)
	for _, t := range tables {
		e, err := diffTable(before[t.name], after[t.name], actions[t.name])
		if err != nil {
			return nil, err
		}
		if len(e.Deleted)+len(e.Changed)+len(e.Inserted) > 0 {
			out.Tables = append(out.Tables, e)
		}
	}
	return out, nil
}

// whereKey renders key as a condition on t's columns. Values are untyped
// literals, so PostgreSQL reads them with each column's input function.
func whereKey(t tableInfo, key map[string]string) (string, error) {
	cols := make([]string, 0, len(key))
	for c := range key {
		cols = append(cols, c)
	}
	slices.Sort(cols)
	if len(t.key) > 0 {
		want := slices.Sorted(slices.Values(t.key))
		if !slices.Equal(cols, want) {
			return "", fmt.Errorf("key names columns %v, the primary key of %s is %v", cols, t.name, t.key)
		}
	}
	if len(cols) == 0 {
		return "", fmt.Errorf("empty key for %s", t.name)
	}
	conds := make([]string, len(cols))
	for i, c := range cols {
		conds[i] = ident.Quote(c) + " = " + ident.Literal(key[c])
	}
	return strings.Join(conds, " AND "), nil
}

// failure converts a database error into a Failure; isPg is false for nil
// and for errors that did not come from the server.
func failure(err error, atCheck bool) (f *Failure, isPg bool) {
	var pg *pgconn.PgError
	if !errors.As(err, &pg) {
		return nil, false
	}
	return &Failure{
		Code: pg.Code, Constraint: pg.ConstraintName, Schema: pg.SchemaName, Table: pg.TableName,
		Message: pg.Message, Detail: pg.Detail, AtCheck: atCheck,
	}, true
}
