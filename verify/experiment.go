package verify

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/rowgen"
)

// experiment runs check c in a savepoint that it always rolls back, and
// judges the outcome. It returns an error only when the run must stop.
func (r *runner) experiment(ctx context.Context, c check, root *rowgen.Row) (TableResult, error) {
	res := c.result()
	if c.skip != "" {
		res.Status, res.Reason = StatusSkipped, c.skip
		return res, nil
	}
	sp, err := r.tx.Begin(ctx)
	if err != nil {
		return res, fmt.Errorf("opening a savepoint: %w", err)
	}
	t, err := r.act(ctx, &c, root)
	if rbErr := sp.Rollback(ctx); rbErr != nil {
		return res, fmt.Errorf("rolling back to a savepoint: %w", errors.Join(err, rbErr))
	}
	if err != nil {
		if r.fatal(err) {
			return res, err
		}
		res.Status, res.Reason = StatusSkipped, "could not build the rows: "+err.Error()
		return res, nil
	}
	r.judge(&c, t, &res)
	return res, nil
}

// trial is what one experiment saw.
type trial struct {
	expect   outcome
	observed outcome
	// note explains a change of expectation.
	note string
	// defaultMayFail: the SET DEFAULT's default key could not be given a
	// parent row, so failing on the foreign key itself is also right.
	defaultMayFail bool
}

// act inserts c's rows, deletes the canary root and observes.
func (r *runner) act(ctx context.Context, c *check, root *rowgen.Row) (trial, error) {
	t := trial{expect: c.expect}
	var watched *rowgen.Row
	var setCols []string
	var action catalog.Action
	switch c.kind {
	case CheckRoot:
		watched = root
	case CheckEdge:
		rows, err := r.chain(ctx, root, c.dPath, nil)
		if err != nil {
			return t, err
		}
		pins, err := pin(c.fk, rows[len(rows)-1])
		if err != nil {
			return t, err
		}
		action = c.fk.OnDelete
		updated := action == catalog.SetNull || action == catalog.SetDefault
		row, err := r.insert(ctx, c.table, pins, r.parentsFor(updated), 0)
		if err != nil {
			return t, err
		}
		rows = append(rows, row)
		watched = row
		if updated {
			setCols = setColumns(c.fk)
		}
		if other := r.alsoCascaded(rows, c.fk); other != "" && t.expect.kind != outNotInList {
			t.expect = outcome{kind: outDeleted}
			t.note = fmt.Sprintf("the row also references a deleted row through %s (ON DELETE CASCADE), which shares its columns", other)
		}
		if action == catalog.SetDefault && t.expect.kind == outDefaulted {
			ok, err := r.defaultParent(ctx, c.fk, row)
			if err != nil {
				return t, err
			}
			t.defaultMayFail = !ok
		}
	case CheckConditional:
		rows, err := r.chain(ctx, root, c.dPath, nil)
		if err != nil {
			return t, err
		}
		pins, err := pin(c.fk, rows[len(rows)-1])
		if err != nil {
			return t, err
		}
		tRows, err := r.chain(ctx, root, c.tPath, pins)
		if err != nil {
			return t, err
		}
		watched = tRows[len(tRows)-1]
	}
	delErr, err := r.deleteRoot(ctx, root)
	if err != nil {
		return t, err
	}
	t.observed, err = r.observe(ctx, delErr, watched, setCols, action)
	return t, err
}

// chain inserts one row per constraint of path, each referencing the row
// before it (root first); extra pins more columns of the last row. It
// returns the rows, root included.
func (r *runner) chain(ctx context.Context, root *rowgen.Row, path []string, extra map[string]*string) ([]*rowgen.Row, error) {
	rows := []*rowgen.Row{root}
	for i, key := range path {
		fk := r.fks[key]
		if fk == nil {
			return nil, fmt.Errorf("the path names %s, which is not in the snapshot", key)
		}
		pins, err := pin(fk, rows[len(rows)-1])
		if err != nil {
			return nil, err
		}
		if i == len(path)-1 {
			for k, v := range extra {
				if old, ok := pins[k]; ok && !eq(old, v) {
					return nil, fmt.Errorf("column %s of %s would need two different values (it is in two foreign keys)", k, fk.TableName())
				}
				pins[k] = v
			}
		}
		row, err := r.insert(ctx, fk.TableName(), pins, r.parentsFor(false), 0)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// pin maps fk's referencing columns to the parent row's referenced values.
func pin(fk *catalog.ForeignKey, parent *rowgen.Row) (map[string]*string, error) {
	if parent.Table != fk.RefTableName() {
		return nil, fmt.Errorf("path broken: %s does not reference %s", fk.Key(), parent.Table)
	}
	pins := map[string]*string{}
	for i, c := range fk.Columns {
		v := parent.Values[fk.RefColumns[i]]
		if old, ok := pins[c]; ok && !eq(old, v) {
			return nil, fmt.Errorf("column %s appears twice in %s with different values", c, fk.Key())
		}
		pins[c] = v
	}
	return pins, nil
}

func eq(a, b *string) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }

// setColumns are the columns a SET NULL / SET DEFAULT action writes.
func setColumns(fk *catalog.ForeignKey) []string {
	if len(fk.OnDeleteColumns) > 0 {
		return fk.OnDeleteColumns
	}
	return fk.Columns
}

// alsoCascaded returns the name of another ON DELETE CASCADE foreign key
// of the chain's last row that references one of the chain's (deleted)
// rows, which happens when composite keys share columns; a cascade among
// them wins.
func (r *runner) alsoCascaded(rows []*rowgen.Row, except *catalog.ForeignKey) string {
	row := rows[len(rows)-1]
	for _, fk := range r.fksOf[row.Table] {
		if fk.Key() == except.Key() || fk.OnDelete != catalog.Cascade {
			continue
		}
		for _, parent := range rows[:len(rows)-1] {
			if parent.Table != fk.RefTableName() {
				continue
			}
			match := true
			for j, c := range fk.Columns {
				if v := row.Values[c]; v == nil || !eq(v, parent.Values[fk.RefColumns[j]]) {
					match = false
				}
			}
			if match {
				return fk.Name
			}
		}
	}
	return ""
}

// defaultParent makes sure the key a SET DEFAULT action will write into
// row references an existing row, as it must for the action to succeed
// (production databases keep such a row, e.g. a "deleted user"). It
// reports false when it could not: a default it cannot evaluate without
// side effects (nextval), or a parent row it could not insert.
func (r *runner) defaultParent(ctx context.Context, fk *catalog.ForeignKey, row *rowgen.Row) (bool, error) {
	tb := r.snap.Table(fk.TableName())
	values := map[string]*string{}
	for i, c := range fk.Columns {
		v := row.Values[c]
		if slices.Contains(setColumns(fk), c) {
			col := tb.Column(c)
			if col == nil || col.Default == "" {
				return true, nil // set to NULL: references nothing
			}
			if rowgen.Sequenced(*col) {
				return false, nil
			}
			var err error
			if v, err = r.evalDefault(ctx, col.Default); err != nil {
				return false, nil
			}
		}
		if v == nil {
			return true, nil
		}
		values[fk.RefColumns[i]] = v
	}
	ok, err := r.exists(ctx, fk.RefTableName(), values)
	if err != nil || ok {
		return ok, err
	}
	if _, err := r.insert(ctx, fk.RefTableName(), values, r.parentsFor(false), 0); err != nil {
		if r.fatal(err) {
			return false, err
		}
		return false, nil
	}
	return true, nil
}

// evalDefault evaluates a column default expression, in a savepoint so a
// failure leaves the transaction usable.
func (r *runner) evalDefault(ctx context.Context, expr string) (*string, error) {
	sp, err := r.tx.Begin(ctx)
	if err != nil {
		return nil, err
	}
	var v *string
	err = sp.QueryRow(ctx, "SELECT ("+expr+")::text").Scan(&v)
	if err != nil {
		_ = sp.Rollback(ctx)
		return nil, err
	}
	return v, sp.Commit(ctx)
}

// judge compares what the trial saw with what was expected, and with the
// policy.
func (r *runner) judge(c *check, t trial, res *TableResult) {
	res.Expected, res.Observed = t.expect.String(), t.observed.String()
	if t.observed.kind == outFailed && transient(t.observed.code) {
		res.Status = StatusSkipped
		res.Reason = fmt.Sprintf("the DELETE did not complete: %s (SQLSTATE %s); lock_timeout is %s",
			t.observed.message, t.observed.code, r.opts.LockTimeout)
		return
	}
	var reasons []string
	switch {
	case t.observed.satisfies(t.expect):
		res.Status = StatusPass
		if t.note != "" {
			reasons = append(reasons, t.note)
		}
	case t.defaultMayFail && t.observed.blocks(outcome{kind: outBlocked, constraint: c.fk.Name}):
		res.Status = StatusPass
		reasons = append(reasons, "no row holds the key the SET DEFAULT writes, so the DELETE fails on the constraint itself, as it would in production")
	default:
		res.Status = StatusFail
		reason := fmt.Sprintf("the graph says %s, but PostgreSQL: %s", t.expect, t.observed)
		if h := failureHint(t.expect, t.observed); h != "" {
			reason += " (" + h + ")"
		}
		reasons = append(reasons, reason)
	}
	if c.kind == CheckEdge && r.opts.Expect != nil {
		if allowed, rule, ok := r.opts.Expect(c.fk); ok && !overlap(allowed, t.observed.actions(c.fk)) {
			res.Status = StatusFail
			reasons = append(reasons, fmt.Sprintf("policy rule %q allows ON DELETE %s, but PostgreSQL: %s", rule, actionList(allowed), t.observed))
		}
	}
	res.Reason = strings.Join(reasons, "; ")
}

// transient SQLSTATEs say the DELETE was interrupted, not refused: lock
// timeout, statement timeout, deadlock, serialization failure.
func transient(code string) bool {
	switch code {
	case "55P03", "57014", "40P01", "40001":
		return true
	}
	return false
}

func overlap(a, b []catalog.Action) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func actionList(as []catalog.Action) string {
	words := make([]string, len(as))
	for i, a := range as {
		words[i] = a.SQL()
	}
	return strings.Join(words, " or ")
}
