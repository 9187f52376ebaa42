package explain

import (
	"testing"
	"time"
)

// TestDeepSelfReference follows a 5,000-level parent_id chain: the
// recursive query must read it in a few queries, not one per level, and
// the answer must still match the real DELETE.
func TestDeepSelfReference(t *testing.T) {
	const depth = 5000
	f := newFixture(t, `
CREATE TABLE epics (id int PRIMARY KEY, parent_id int REFERENCES epics ON DELETE CASCADE);
CREATE INDEX ON epics (parent_id);
CREATE TABLE tasks (id int PRIMARY KEY, epic_id int NOT NULL REFERENCES epics ON DELETE CASCADE,
  blocked_by int REFERENCES epics ON DELETE SET NULL);
CREATE INDEX ON tasks (epic_id);
INSERT INTO epics SELECT g, NULLIF(g - 1, 0) FROM generate_series(1, 5000) g;
INSERT INTO epics SELECT 5000 + g, g FROM generate_series(1, 5000, 7) g;
INSERT INTO tasks SELECT g, 1 + g % 5000, NULLIF(g % 13, 0) FROM generate_series(1, 20000) g;
ANALYZE;`)
	root := Root{Table: tn("epics"), Key: map[string]string{"id": "1"}}
	start := time.Now()
	r, err := f.explain(t, root)
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	t.Logf("%d rows touched, %d queries, %v", r.Cost.RowsTouched, r.Cost.Queries, elapsed)
	if r.Cost.Queries > 10 {
		t.Errorf("%d queries for a %d-deep tree, want at most 10", r.Cost.Queries, depth)
	}
	if elapsed > 5*time.Second {
		t.Errorf("took %v", elapsed)
	}
	maxDepth := 0
	for _, tr := range r.Tables {
		for _, row := range tr.Deleted {
			maxDepth = max(maxDepth, row.Depth)
		}
	}
	if maxDepth != depth {
		t.Errorf("deepest row at depth %d, want %d", maxDepth, depth)
	}
	compareWithNative(t, r, f.native(t, root))
}
