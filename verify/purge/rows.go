package purge

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
)

// lockedRow is one row a batch locked: its key and, when asked for, its
// image and the keys of the parents its foreign keys point at.
type lockedRow struct {
	key   []string
	image []byte
	// parents holds, per edge of the lock query, the parent's key, nil
	// when the foreign key points at no row.
	parents [][]string
}

// lockRows locks the rows of t with the given keys FOR UPDATE, in key
// order, and returns those that exist. With image it also reads each row
// as JSON; for every edge in edges it reads the key of the row that edge's
// foreign key points at. While the lock is held no row can start
// referencing a locked row (that takes FOR KEY SHARE on it), so what a
// later statement of the batch sees cannot change under it.
func lockRows(ctx context.Context, tx pgx.Tx, t *tableInfo, keys [][]string, image bool, edges []edgeRef) ([]lockedRow, error) {
	cols := []string{t.keyText("t")}
	if image {
		cols = append(cols, "to_jsonb(t.*)::text")
	}
	var joins strings.Builder
	for i, e := range edges {
		pa := fmt.Sprintf("p%d", i)
		cols = append(cols, e.parent.keyText(pa))
		joins.WriteString(joinParent(e, "t", pa))
	}
	q := fmt.Sprintf("SELECT %s FROM %s AS t%s WHERE %s ORDER BY %s FOR UPDATE OF t",
		strings.Join(cols, ", "), t.quoted, joins.String(), t.keyFilter("t", 1), t.keyOrder("t"))
	rows, err := tx.Query(ctx, q, t.keyArgs(keys)...)
	if err != nil {
		return nil, fmt.Errorf("locking rows of %s: %w", t.name, err)
	}
	defer rows.Close()
	var out []lockedRow
	for rows.Next() {
		raw := rows.RawValues()
		i := 0
		take := func(n int) []string {
			vals := make([]string, n)
			null := false
			for j := range vals {
				if raw[i] == nil {
					null = true
				}
				vals[j] = string(raw[i])
				i++
			}
			if null {
				return nil
			}
			return vals
		}
		lr := lockedRow{key: take(len(t.keyCols))}
		if image {
			lr.image = []byte(string(raw[i]))
			i++
		}
		for _, e := range edges {
			lr.parents = append(lr.parents, take(len(e.parent.keyCols)))
		}
		out = append(out, lr)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("locking rows of %s: %w", t.name, err)
	}
	return out, nil
}

// pointsIntoGraph reports whether parent, the key a foreign key of a row
// points at, is a row of the parent table the collection found deleted.
func (r *runner) pointsIntoGraph(parentTable catalog.TableName, parent []string) bool {
	if parent == nil {
		return false
	}
	_, ok := r.deleted[parentTable][keyString(parent)]
	return ok
}

// keyMap pairs key columns with values, the archive's "key".
func keyMap(cols, vals []string) map[string]string {
	m := make(map[string]string, len(cols))
	for i, c := range cols {
		m[c] = vals[i]
	}
	return m
}
