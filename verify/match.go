package verify

import (
	"fmt"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/ident"
)

// match builds a WHERE clause selecting the rows of t whose columns hold
// the given text values (NULL for nil). typed compares in the column's own
// type, so an index on a key can serve the lookup; untyped compares text,
// which works for every type (json has no equality operator) and is used
// for columns that form no key.
func (r *runner) match(t catalog.TableName, cols []string, values map[string]*string, typed bool) (string, []any) {
	tb := r.snap.Table(t)
	conds := make([]string, 0, len(cols))
	var args []any
	for _, c := range cols {
		v := values[c]
		if v == nil {
			conds = append(conds, ident.Quote(c)+" IS NULL")
			continue
		}
		args = append(args, *v)
		col := (*catalog.Column)(nil)
		if tb != nil {
			col = tb.Column(c)
		}
		if typed && col != nil {
			conds = append(conds, fmt.Sprintf("%s = $%d::text::%s", ident.Quote(c), len(args), col.Type))
		} else {
			conds = append(conds, fmt.Sprintf("%s::text = $%d", ident.Quote(c), len(args)))
		}
	}
	if len(conds) == 0 {
		return "true", nil
	}
	return strings.Join(conds, " AND "), args
}
