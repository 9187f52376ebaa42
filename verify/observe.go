package verify

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

// deleteRoot deletes the canary root row in its own savepoint, in origin
// mode (so every referential action and user trigger fires) and with
// every constraint checked immediately (so a DEFERRABLE one fails here, as
// it would at commit). PostgreSQL's refusal comes back as the first value;
// the error is for anything else.
func (r *runner) deleteRoot(ctx context.Context, root *rowgen.Row) (*pgconn.PgError, error) {
	sp, err := r.tx.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening a savepoint: %w", err)
	}
	if r.mode == ModeReplica {
		if _, err := sp.Exec(ctx, "SET LOCAL session_replication_role = origin"); err != nil {
			return nil, fmt.Errorf("leaving replica mode: %w", err)
		}
	}
	where, args := r.rowMatch(root, nil)
	tag, err := sp.Exec(ctx, "DELETE FROM "+root.Table.Quoted()+" WHERE "+where, args...)
	if err == nil {
		_, err = sp.Exec(ctx, "SET CONSTRAINTS ALL IMMEDIATE")
	}
	if err != nil {
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) {
			return nil, fmt.Errorf("deleting the canary root row: %w", err)
		}
		if err := sp.Rollback(ctx); err != nil {
			return nil, fmt.Errorf("rolling back to a savepoint: %w", err)
		}
		return pgErr, nil
	}
	if n := tag.RowsAffected(); n > 1 {
		return nil, fmt.Errorf("the DELETE matched %d rows of %s instead of the canary alone", n, root.Table)
	}
	// Release (not roll back) the savepoint so the rows can be observed;
	// the experiment's own savepoint undoes it all.
	if err := sp.Commit(ctx); err != nil {
		return nil, fmt.Errorf("releasing a savepoint: %w", err)
	}
	return nil, nil
}

// observe reports what happened to row: the DELETE's failure, or whether
// the row is gone, its setCols (those a SET NULL / SET DEFAULT action
// writes) changed, or nothing happened to it.
func (r *runner) observe(ctx context.Context, delErr *pgconn.PgError, row *rowgen.Row, setCols []string, action catalog.Action) (outcome, error) {
	if delErr != nil {
		o := outcome{kind: outFailed, constraint: delErr.ConstraintName, code: delErr.Code, message: delErr.Message}
		if delErr.ColumnName != "" {
			o.columns = []string{delErr.ColumnName}
		}
		return o, nil
	}
	outs := []string{"1"}
	for _, c := range setCols {
		outs = append(outs, ident.Quote(c)+"::text")
	}
	where, args := r.rowMatch(row, setCols)
	q := "SELECT " + strings.Join(outs, ", ") + " FROM " + row.Table.Quoted() + " WHERE " + where + " LIMIT 1"
	var one int
	vals := make([]*string, len(setCols))
	dest := []any{&one}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	err := r.tx.QueryRow(ctx, q, args...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return outcome{kind: outDeleted}, nil
	}
	if err != nil {
		return outcome{}, fmt.Errorf("looking at the row of %s after the DELETE: %w", row.Table, err)
	}
	allNull, unchanged := true, true
	for i, c := range setCols {
		allNull = allNull && vals[i] == nil
		unchanged = unchanged && eq(vals[i], row.Values[c])
	}
	switch {
	case unchanged:
		return outcome{kind: outKept}, nil
	case action == catalog.SetNull && allNull:
		return outcome{kind: outNulled}, nil
	case action == catalog.SetDefault:
		return outcome{kind: outDefaulted}, nil
	}
	return outcome{kind: outChanged}, nil
}

// rowMatch builds a WHERE clause that finds row again, ignoring the
// columns in changed: its primary key when that is untouched, else every
// other non-NULL column.
func (r *runner) rowMatch(row *rowgen.Row, changed []string) (string, []any) {
	tb := r.snap.Table(row.Table)
	if tb != nil && len(tb.PrimaryKey) > 0 {
		usable := true
		for _, c := range tb.PrimaryKey {
			usable = usable && row.Values[c] != nil && !slices.Contains(changed, c)
		}
		if usable {
			return r.match(row.Table, tb.PrimaryKey, row.Values, true)
		}
	}
	var cols []string
	for c, v := range row.Values {
		if v != nil && !slices.Contains(changed, c) {
			cols = append(cols, c)
		}
	}
	slices.Sort(cols)
	return r.match(row.Table, cols, row.Values, false)
}
