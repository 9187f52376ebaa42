package explain

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/ident"
)

// readRoot reads the root row into the root table, marks it deleted in
// round 0 and returns its index.
func (c *collector) readRoot(ctx context.Context, root Root, types map[string]string) (*tableState, int32, error) {
	t := c.byName[root.Table]
	bad := func(detail string) error {
		return &RootError{Table: root.Table, Selection: describe(root), Detail: detail, Err: ErrBadRoot}
	}
	var sql string
	var args []any
	switch {
	case len(root.Key) > 0 && root.Where != "":
		return nil, 0, bad("give a key or a WHERE clause, not both")
	case len(root.Key) > 0:
		if len(t.cat.PrimaryKey) == 0 {
			return nil, 0, bad("the table has no primary key; select the row with a WHERE clause")
		}
		var missing []string
		typs := make([]string, len(t.cat.PrimaryKey))
		for i, col := range t.cat.PrimaryKey {
			v, ok := root.Key[col]
			if !ok {
				missing = append(missing, ident.Display(col))
			}
			args = append(args, v)
			typs[i] = types[col]
			if typs[i] == "" {
				return nil, 0, fmt.Errorf("reading the type of %s.%s: column not found", t.name, ident.Display(col))
			}
		}
		if len(missing) > 0 {
			return nil, 0, bad("missing primary-key column " + strings.Join(missing, ", "))
		}
		for col := range root.Key {
			if !containsString(t.cat.PrimaryKey, col) {
				return nil, 0, bad(fmt.Sprintf("%s is not a primary-key column (the key is %s)",
					ident.Display(col), displayList(t.cat.PrimaryKey)))
			}
		}
		sql = t.rootKeySQL(typs)
	case strings.TrimSpace(root.Where) != "":
		sql = t.rootWhereSQL(root.Where)
	default:
		return nil, 0, bad("give a key or a WHERE clause")
	}
	var found []int32
	err := c.readRows(ctx, t, sql, args, func(i int32, _ [][]byte) error {
		found = append(found, i)
		return nil
	})
	if err != nil {
		var pgErr *pgconn.PgError
		if errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.Code, "22") || strings.HasPrefix(pgErr.Code, "42")) {
			// Data exceptions (a key that is not valid input for its
			// type) and syntax or name errors in the WHERE clause are the
			// caller's selection, not a failure of the database.
			return nil, 0, &RootError{Table: root.Table, Selection: describe(root), Detail: pgErr.Message, Err: ErrBadRoot}
		}
		return nil, 0, fmt.Errorf("selecting the root row of %s: %w", root.Table, err)
	}
	switch len(found) {
	case 0:
		return nil, 0, &RootError{Table: root.Table, Selection: describe(root), Err: ErrNoRootRow}
	case 1:
	default:
		return nil, 0, &RootError{Table: root.Table, Selection: describe(root), Err: ErrManyRootRows}
	}
	i := found[0]
	t.markDeletable(i)
	t.rows[i].round = 0
	return t, i, nil
}

// describe spells the root selection for messages: key columns in sorted
// order, or the WHERE clause.
func describe(root Root) string {
	if len(root.Key) > 0 {
		cols := make([]string, 0, len(root.Key))
		for col := range root.Key {
			cols = append(cols, col)
		}
		sort.Strings(cols)
		parts := make([]string, len(cols))
		for i, col := range cols {
			parts[i] = ident.Display(col) + "=" + root.Key[col]
		}
		return strings.Join(parts, ",")
	}
	if root.Where != "" {
		return "where " + root.Where
	}
	return ""
}

// displayList spells column names for a message.
func displayList(cols []string) string {
	d := make([]string, len(cols))
	for i, col := range cols {
		d[i] = ident.Display(col)
	}
	return strings.Join(d, ", ")
}
