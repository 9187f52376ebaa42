package oracle

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
	"github.com/ondelete/ondelete/internal/rowgen"
)

// savepoint runs fn in a savepoint that is always rolled back; an error
// from fn marks the result skipped with the reason.
func (x *experimenter) savepoint(ctx context.Context, r *Result, fn func() error) {
	sp, err := x.tx.Begin(ctx)
	if err != nil {
		r.Skipped = err.Error()
		return
	}
	defer sp.Rollback(ctx)
	if err := fn(); err != nil {
		r.Skipped = err.Error()
	}
}

// deleteRoot deletes the root row in its own savepoint, with every
// constraint checked immediately (so DEFERRABLE ones fail here, as they
// would at commit), and returns the error PostgreSQL raised.
func (x *experimenter) deleteRoot(ctx context.Context, root *rowgen.Row, firstConstraint string) error {
	where, args := textEquals(x.keyColumns(root.Table, firstConstraint), root.Values)
	sp, err := x.tx.Begin(ctx)
	if err != nil {
		return err
	}
	if _, err := sp.Exec(ctx, "SET LOCAL session_replication_role = origin"); err != nil {
		return err
	}
	tag, err := sp.Exec(ctx, "DELETE FROM "+root.Table.Quoted()+" WHERE "+where, args...)
	if err == nil && tag.RowsAffected() != 1 {
		err = fmt.Errorf("deleted %d root rows, want 1", tag.RowsAffected())
	}
	if err == nil {
		_, err = sp.Exec(ctx, "SET CONSTRAINTS ALL IMMEDIATE")
	}
	if err != nil {
		_ = sp.Rollback(ctx)
		return err
	}
	// Release (not roll back) so the caller can observe the rows.
	return sp.Commit(ctx)
}

// keyColumns identifies a row: the primary key, else the referenced columns
// of the first constraint on the path.
func (x *experimenter) keyColumns(t catalog.TableName, firstConstraint string) []string {
	if tb := x.snap.Table(t); tb != nil && len(tb.PrimaryKey) > 0 {
		return tb.PrimaryKey
	}
	if fk := x.fks[firstConstraint]; fk != nil {
		return fk.RefColumns
	}
	return nil
}

// outcomeOfDelete turns the DELETE's error into "succeeds" or
// "fails: <constraint>" / "fails: not null <column>".
func outcomeOfDelete(err error) string {
	if err == nil {
		return "succeeds"
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23503", "23001":
			return "fails: " + pgErr.ConstraintName
		case "23502":
			return "fails: not null " + pgErr.ColumnName
		}
	}
	return "error: " + err.Error()
}

// observe reports what happened to row after the DELETE.
func (x *experimenter) observe(ctx context.Context, delErr error, row *rowgen.Row, last *catalog.ForeignKey) (string, error) {
	if delErr != nil {
		return outcomeOfDelete(delErr), nil
	}
	tb := x.snap.Table(row.Table)
	if tb == nil {
		return "", fmt.Errorf("no table %s", row.Table)
	}
	// Identify the row by its primary key, or by every column the
	// action does not touch.
	keyCols := tb.PrimaryKey
	if len(keyCols) == 0 || overlaps(keyCols, setColumns(last)) {
		keyCols = nil
		for _, c := range tb.Columns {
			if !slices.Contains(setColumns(last), c.Name) && row.Values[c.Name] != nil {
				keyCols = append(keyCols, c.Name)
			}
		}
	}
	var outs []string
	for _, c := range setColumns(last) {
		outs = append(outs, ident.Quote(c)+"::text")
	}
	where, args := textEquals(keyCols, row.Values)
	q := "SELECT " + strings.Join(outs, ", ") + " FROM " + row.Table.Quoted()
	if where != "" {
		q += " WHERE " + where
	}
	vals := make([]*string, len(outs))
	dest := make([]any, len(outs))
	for i := range vals {
		dest[i] = &vals[i]
	}
	err := x.tx.QueryRow(ctx, q, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return "deleted", nil
	}
	if err != nil {
		return "", err
	}
	allNull, unchanged := true, true
	for i, c := range setColumns(last) {
		if vals[i] != nil {
			allNull = false
		}
		if !eq(vals[i], row.Values[c]) {
			unchanged = false
		}
	}
	switch {
	case last.OnDelete == catalog.SetNull && allNull:
		return "nulled", nil
	case last.OnDelete == catalog.SetDefault && !unchanged:
		return "defaulted", nil
	case unchanged:
		return "unchanged", nil
	}
	return "changed", nil
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// textEquals builds `"c1"::text = $1 AND ...` for cols with their values,
// comparing as text so every type works the same way.
func textEquals(cols []string, values map[string]*string) (string, []any) {
	conds := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = values[c]
		conds[i] = fmt.Sprintf("%s::text = $%d", ident.Quote(c), i+1)
	}
	return strings.Join(conds, " AND "), args
}
