package migrate

import (
	"context"
	"fmt"
	"maps"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/ondelete/ondelete/catalog"
)

// fkQuery lists every foreign key with a fingerprint of its definition.
// Partition clones (conparentid <> 0) are left out: the constraint on the
// parent is the one a migration wrote. The fingerprint is built from the
// catalog columns rather than pg_get_constraintdef, whose spelling of the
// referenced table depends on search_path (pg_dump files empty it), so
// that a search_path change alone never looks like a changed constraint.
// confdelsetcols (PostgreSQL 15's ON DELETE SET NULL (cols)) is read through
// to_jsonb so the query also runs on older servers.
const fkQuery = `
SELECT n.nspname, c.relname, con.conname,
       concat_ws('|', con.confrelid::text, con.conkey::text, con.confkey::text,
                 con.confupdtype, con.confdeltype, con.confmatchtype,
                 con.condeferrable, con.condeferred, con.convalidated,
                 to_jsonb(con) -> 'confdelsetcols')
FROM pg_catalog.pg_constraint con
JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND con.conparentid = 0
  AND n.nspname <> 'information_schema' AND left(n.nspname, 3) <> 'pg_'`

// fkState is the foreign keys seen so far and where each was created or
// last changed.
type fkState struct {
	defs    map[catalog.ConstraintKey]string
	sources map[catalog.ConstraintKey]catalog.Source
}

func (s fkState) clone() fkState {
	return fkState{defs: maps.Clone(s.defs), sources: maps.Clone(s.sources)}
}

// fkTracker attributes foreign keys to the statements that create or change
// them, using the database as the oracle: after each statement that may
// change the schema it lists the foreign keys and compares them with the
// previous list. A new key (a new constraint, or a table or constraint
// rename) or a changed fingerprint is attributed to that statement.
// Foreign keys that existed before Apply started get no source.
type fkTracker struct {
	cur fkState
	// saved is the state when an explicit transaction block began, restored
	// when the block rolls back.
	saved *fkState
}

func newFKTracker(ctx context.Context, conn *pgx.Conn) (*fkTracker, error) {
	defs, err := foreignKeys(ctx, conn)
	if err != nil {
		return nil, err
	}
	return &fkTracker{cur: fkState{defs: defs, sources: map[catalog.ConstraintKey]catalog.Source{}}}, nil
}

// foreignKeys runs fkQuery.
func foreignKeys(ctx context.Context, conn *pgx.Conn) (map[catalog.ConstraintKey]string, error) {
	rows, err := conn.Query(ctx, fkQuery)
	if err != nil {
		return nil, fmt.Errorf("listing foreign keys: %w", err)
	}
	defs := map[catalog.ConstraintKey]string{}
	var k catalog.ConstraintKey
	var def string
	_, err = pgx.ForEachRow(rows, []any{&k.Schema, &k.Table, &k.Name, &def}, func() error {
		defs[k] = def
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing foreign keys: %w", err)
	}
	return defs, nil
}

// observe updates the tracker after st ran successfully; txBefore is the
// connection's transaction status before it ran and tag its command tag.
func (t *fkTracker) observe(ctx context.Context, conn *pgx.Conn, st *Statement, txBefore byte, tag pgconn.CommandTag) error {
	txAfter := conn.PgConn().TxStatus()
	switch {
	case txBefore == 'I' && txAfter != 'I':
		saved := t.cur.clone()
		t.saved = &saved
	case txBefore != 'I' && txAfter == 'I':
		// COMMIT of a failed block also reports ROLLBACK.
		if tag.String() == "ROLLBACK" && t.saved != nil {
			t.cur = *t.saved
		}
		t.saved = nil
		return nil
	}
	if st.Kind == KindDML || st.Kind == KindTransaction {
		return nil
	}
	defs, err := foreignKeys(ctx, conn)
	if err != nil {
		return fmt.Errorf("tracking foreign keys after %s: %w", st.Pos(), err)
	}
	src := catalog.Source{File: st.File, Line: st.Line}
	for k, def := range defs {
		if old, ok := t.cur.defs[k]; !ok || old != def {
			t.cur.sources[k] = src
		}
	}
	for k := range t.cur.sources {
		if _, ok := defs[k]; !ok {
			delete(t.cur.sources, k)
		}
	}
	t.cur.defs = defs
	return nil
}

// sources returns a copy of the attributions.
func (t *fkTracker) sources() map[catalog.ConstraintKey]catalog.Source {
	return maps.Clone(t.cur.sources)
}
