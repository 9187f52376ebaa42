package explain

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/ondelete/ondelete/graph"
)

// benchSQL builds a graph of about a million rows under one tenant:
// 1,000 projects, 100,000 tasks (a tenth of them in parent_id chains),
// 900,000 comments, and a SET NULL reference from comments to tasks.
// Comment lookups by task go through an index; the SET NULL one does
// not, as is common.
const benchSQL = `
CREATE TABLE tenants (id int PRIMARY KEY);
CREATE TABLE projects (id int PRIMARY KEY, tenant_id int NOT NULL REFERENCES tenants ON DELETE CASCADE);
CREATE INDEX ON projects (tenant_id);
CREATE TABLE tasks (id int PRIMARY KEY, project_id int NOT NULL REFERENCES projects ON DELETE CASCADE,
  parent_id int REFERENCES tasks ON DELETE CASCADE);
CREATE INDEX ON tasks (project_id);
CREATE INDEX ON tasks (parent_id);
CREATE TABLE comments (id bigint PRIMARY KEY, task_id int NOT NULL REFERENCES tasks ON DELETE CASCADE,
  quoted_task_id int REFERENCES tasks ON DELETE SET NULL, body text);
CREATE INDEX ON comments (task_id);
INSERT INTO tenants VALUES (1), (2);
INSERT INTO projects SELECT g, 1 FROM generate_series(1, 1000) g;
INSERT INTO tasks SELECT g, 1 + g % 1000, CASE WHEN g % 10 = 0 AND g > 1000 THEN g - 1000 END FROM generate_series(1, 100000) g;
INSERT INTO comments SELECT g, 1 + g % 100000, CASE WHEN g % 50 = 0 THEN 1 + (g * 7) % 100000 END, 'x'
  FROM generate_series(1, 900000) g;
ANALYZE;`

// BenchmarkCollectMillion explains deleting a tenant that owns about a
// million rows, reporting time, allocations, rows and queries per run
// and the heap in use afterwards.
func BenchmarkCollectMillion(b *testing.B) {
	f := newFixture(b, benchSQL)
	g, err := graph.Build(f.snap, tn("tenants"))
	if err != nil {
		b.Fatal(err)
	}
	root := Root{Table: tn("tenants"), Key: map[string]string{"id": "1"}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	var r *Result
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if r, err = Explain(ctx, f.conn, f.snap, g, root, Options{}); err != nil {
			b.Fatal(err)
		}
		b.Logf("%d rows touched, %d queries, %v", r.Cost.RowsTouched, r.Cost.Queries, time.Since(start))
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(r.Cost.RowsTouched), "rows/op")
	b.ReportMetric(float64(r.Cost.Queries), "queries/op")
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "MiB-heap-with-result")
	b.ReportMetric(float64(ms.HeapSys)/(1<<20), "MiB-heap-peak")
	runtime.KeepAlive(r)
	if r.Cost.RowsTouched < 1_000_000 || r.Blocked() {
		b.Fatalf("unexpected result: %d rows, blocked %v", r.Cost.RowsTouched, r.Blocked())
	}
}
