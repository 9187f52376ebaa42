package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// pickList holds rows of other users that the deletion keeps, the rows the
// writer works on. Some of them reference the target user through a SET
// NULL key (projects and documents it last edited, tasks assigned to it,
// invitations it sent): the deletion updates those, so a writer that
// touches one while the deletion holds its lock waits for the deletion's
// transaction to end.
type pickList struct {
	users, projects, documents, tasks, invitations []int64
}

// pickSize is how many rows of each kind the writer chooses from.
const pickSize = 2000

// pickSQL selects, per kind, rows that survive the target's deletion: of
// organisations the target does not own, and documents it did not write.
var pickSQL = fmt.Sprintf(`
SELECT 'users', array(SELECT id FROM users WHERE id <> $1 ORDER BY random() LIMIT %[1]d)
UNION ALL SELECT 'projects', array(SELECT p.id FROM projects p JOIN orgs o ON o.id = p.org_id WHERE o.owner_id <> $1 ORDER BY random() LIMIT %[1]d)
UNION ALL SELECT 'documents', array(SELECT d.id FROM documents d JOIN folders f ON f.id = d.folder_id JOIN projects p ON p.id = f.project_id JOIN orgs o ON o.id = p.org_id
	WHERE o.owner_id <> $1 AND d.author_id <> $1 ORDER BY random() LIMIT %[1]d)
UNION ALL SELECT 'tasks', array(SELECT t.id FROM tasks t JOIN projects p ON p.id = t.project_id JOIN orgs o ON o.id = p.org_id WHERE o.owner_id <> $1 ORDER BY random() LIMIT %[1]d)
UNION ALL SELECT 'invitations', array(SELECT i.id FROM invitations i JOIN orgs o ON o.id = i.org_id WHERE o.owner_id <> $1 ORDER BY random() LIMIT %[1]d)`, pickSize)

// readPickList samples the writer's rows.
func readPickList(ctx context.Context, conn *pgx.Conn) (*pickList, error) {
	p := &pickList{}
	dst := map[string]*[]int64{"users": &p.users, "projects": &p.projects, "documents": &p.documents, "tasks": &p.tasks, "invitations": &p.invitations}
	rows, err := conn.Query(ctx, pickSQL, targetUser)
	if err != nil {
		return nil, fmt.Errorf("sampling the writer's rows: %w", err)
	}
	var kind string
	var ids []int64
	if _, err := pgx.ForEachRow(rows, []any{&kind, &ids}, func() error { *dst[kind] = ids; return nil }); err != nil {
		return nil, fmt.Errorf("sampling the writer's rows: %w", err)
	}
	for kind, ids := range dst {
		if len(*ids) == 0 {
			return nil, fmt.Errorf("sampling the writer's rows: no %s survive the deletion; raise -others", kind)
		}
	}
	return p, nil
}

// A writer's transactions, each what one request of a web application
// does. The first three insert a child row (its foreign key checked
// against a row the deletion keeps) and update the parent; the version is
// one insert; the resend one update.
const (
	txComment = iota
	txProjectEvent
	txTaskItem
	txVersion
	txResend
	txKinds
)

// inserts names the table each kind inserts into, for the row accounting
// (deleted = before + inserted − after).
var inserts = [txKinds]string{txComment: "comments", txProjectEvent: "events", txTaskItem: "task_items", txVersion: "document_versions"}

// sample is one writer transaction, its start and end measured from the
// run's origin on the monotonic clock.
type sample struct {
	start, end time.Duration
	kind       int
	writer     int
	failed     bool
}

// latency is how long the transaction took, as its client saw it.
func (s sample) latency() time.Duration { return s.end - s.start }

// writerLoad is the running writers of one contender's clone.
type writerLoad struct {
	stopping atomic.Bool
	wg       sync.WaitGroup
	samples  [][]sample // per writer, so no lock on the hot path
	errs     []error    // per writer: the first failed transaction's error
}

// startWriters starts one goroutine per connection, each running writer
// transactions back to back until stop.
func startWriters(ctx context.Context, conns []*pgx.Conn, pick *pickList, seed uint64, now func() time.Duration) *writerLoad {
	l := &writerLoad{samples: make([][]sample, len(conns)), errs: make([]error, len(conns))}
	for i, conn := range conns {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			l.write(ctx, i, conn, pick, rand.New(rand.NewPCG(seed, uint64(i))), now)
		}()
	}
	return l
}

// write is writer i's loop. A failed transaction is recorded and the loop
// goes on, unless the connection is gone.
func (l *writerLoad) write(ctx context.Context, i int, conn *pgx.Conn, pick *pickList, rng *rand.Rand, now func() time.Duration) {
	version := int32(1_000_000 + 10_000_000*i) // above any loaded version_no, per writer
	one := func(ids []int64) int64 { return ids[rng.IntN(len(ids))] }
	for !l.stopping.Load() && ctx.Err() == nil {
		s := sample{kind: rng.IntN(txKinds), writer: i, start: now()}
		user := one(pick.users)
		var err error
		switch s.kind {
		case txComment:
			doc := one(pick.documents)
			err = inTx(ctx, conn,
				stmt{"INSERT INTO comments (document_id, author_id, body) VALUES ($1, $2, 'looks good')", []any{doc, user}},
				stmt{"UPDATE documents SET last_editor_id = $2, updated_at = now() WHERE id = $1", []any{doc, user}})
		case txProjectEvent:
			p := one(pick.projects)
			err = inTx(ctx, conn,
				stmt{`INSERT INTO events (user_id, project_id, kind, payload) VALUES ($1, $2, 'edit', '{"via": "writer"}')`, []any{user, p}},
				stmt{"UPDATE projects SET last_editor_id = $1, updated_at = now() WHERE id = $2", []any{user, p}})
		case txTaskItem:
			t := one(pick.tasks)
			err = inTx(ctx, conn,
				stmt{"INSERT INTO task_items (task_id, body) VALUES ($1, 'follow up')", []any{t}},
				stmt{"UPDATE tasks SET updated_at = now() WHERE id = $1", []any{t}})
		case txVersion:
			version++
			_, err = conn.Exec(ctx, "INSERT INTO document_versions (document_id, version_no, body) VALUES ($1, $2, 'edited')", one(pick.documents), version)
		case txResend:
			_, err = conn.Exec(ctx, "UPDATE invitations SET sent_at = now() WHERE id = $1", one(pick.invitations))
		}
		s.end = now()
		if err != nil {
			s.failed = true
			if l.errs[i] == nil {
				l.errs[i] = fmt.Errorf("writer %d: %w", i, err)
			}
		}
		l.samples[i] = append(l.samples[i], s)
		if err != nil && conn.IsClosed() {
			return
		}
	}
}

// stmt is one statement of a writer transaction.
type stmt struct {
	sql  string
	args []any
}

// inTx runs stmts in one transaction.
func inTx(ctx context.Context, conn *pgx.Conn, stmts ...stmt) error {
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		for _, s := range stmts {
			if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// stop stops the writers, waits for their last transactions and returns
// every sample, the rows inserted per table and the first error of each
// writer that had one.
func (l *writerLoad) stop() ([]sample, map[string]int64, []error) {
	l.stopping.Store(true)
	l.wg.Wait()
	var all []sample
	inserted := map[string]int64{}
	for _, ss := range l.samples {
		for _, s := range ss {
			all = append(all, s)
			if !s.failed && inserts[s.kind] != "" {
				inserted[inserts[s.kind]]++
			}
		}
	}
	var errs []error
	for _, err := range l.errs {
		if err != nil {
			errs = append(errs, err)
		}
	}
	return all, inserted, errs
}
