package verify

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/ident"
)

// readSequences returns every sequence's last_value the role may read
// (NULL before the first nextval, or without privilege), by qualified
// name. Sequences are not transactional, so reading them inside the
// verify transaction sees what every session sees; it runs in a savepoint
// (under the run's lock_timeout) so a failure costs only the comparison.
func readSequences(ctx context.Context, tx pgx.Tx) (map[string]*int64, error) {
	sp, err := tx.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("opening a savepoint: %w", err)
	}
	out, err := querySequences(ctx, sp)
	if err != nil {
		if rbErr := sp.Rollback(ctx); rbErr != nil {
			return nil, fmt.Errorf("rolling back to a savepoint: %w", errors.Join(err, rbErr))
		}
		return nil, err
	}
	return out, sp.Commit(ctx)
}

func querySequences(ctx context.Context, tx pgx.Tx) (map[string]*int64, error) {
	rows, err := tx.Query(ctx, `SELECT schemaname::text, sequencename::text, last_value FROM pg_sequences`)
	if err != nil {
		return nil, fmt.Errorf("reading sequences: %w", err)
	}
	defer rows.Close()
	out := map[string]*int64{}
	for rows.Next() {
		var schema, name string
		var last *int64
		if err := rows.Scan(&schema, &name, &last); err != nil {
			return nil, fmt.Errorf("reading sequences: %w", err)
		}
		out[ident.DisplayQualified(schema, name)] = last
	}
	return out, rows.Err()
}

// sequenceWarnings describes the sequences that moved between before and
// after. Canary rows never call nextval, but triggers the canary DELETE
// fires may (an audit table's serial key), and a live database's own
// traffic does; either way the rollback cannot undo it.
func sequenceWarnings(before, after map[string]*int64) []string {
	var out []string
	for name, b := range before {
		a, ok := after[name]
		if !ok || eqInt(a, b) {
			continue
		}
		out = append(out, fmt.Sprintf("sequence %s moved from %s to %s during the run: a trigger fired by the canary DELETE, or another session, called nextval (sequences are not rolled back)", name, show(b), show(a)))
	}
	sort.Strings(out)
	return out
}

func eqInt(a, b *int64) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

func show(v *int64) string {
	if v == nil {
		return "unused"
	}
	return fmt.Sprint(*v)
}
