package main

import (
	"context"
	"fmt"
	"time"

	"github.com/ondelete/ondelete/ident"
	"github.com/ondelete/ondelete/verify/purge"
)

// contender is one way of deleting the target user.
type contender struct {
	// name labels the contender in the report; id names its clones.
	name, id string
	// run deletes the target user through cs.contender (or cs.pool), which
	// are traced.
	run func(ctx context.Context, cs *conns) (*outcome, error)
	// workers is how many connections it uses at once (purge's Workers);
	// more than one come from a pool.
	workers int
}

// outcome is what a contender reports about itself, beyond what the
// benchmark measures from outside.
type outcome struct {
	// transactions is the number of transactions the contender says it
	// committed; 0 when it does not say.
	transactions int
	// longestReported is the longest transaction (or batch) by the
	// contender's own account; 0 when it does not say.
	longestReported time.Duration
	// phases are named parts of the total (catalog, collection, ...).
	phases []phase
	// summary and batches are purge's own account, nil for the others.
	summary *purge.Summary
	batches []purge.BatchStats
	// batchEnds is when each batch was reported, from the contender's
	// start.
	batchEnds []time.Duration
}

// phase is a named part of a contender's total time.
type phase struct {
	name string
	took time.Duration
}

// nativeContender is PostgreSQL's own cascade: one statement, so one
// transaction that holds every lock it takes until the last row is gone.
func nativeContender() *contender {
	return &contender{name: "native DELETE", id: contNative, run: func(ctx context.Context, cs *conns) (*outcome, error) {
		conn := cs.contender
		tag, err := conn.Exec(ctx, "DELETE FROM users WHERE id = $1", targetUser)
		if err != nil {
			return nil, fmt.Errorf("deleting the user: %w", err)
		}
		if tag.RowsAffected() != 1 {
			return nil, fmt.Errorf("deleting the user: %d rows deleted from users, want 1", tag.RowsAffected())
		}
		return &outcome{transactions: 1}, nil
	}}
}

// chunkedBatch is the rows per transaction of the chunked contender's
// batched steps.
const chunkedBatch = 1000

// chunkedContender is what an application developer might write by hand
// for this schema, knowing it: the user's organisations one per
// transaction (each cascades to a few thousand rows), then the user's
// rows in the other tables it owns in batches of chunkedBatch (their
// cascades included), then the SET NULL columns in batches, then the
// user, whose cascade has little left to do. It is a point of comparison
// for purge, which knows nothing about the schema.
func chunkedContender() *contender {
	return &contender{name: "chunked by hand", id: contChunked, run: func(ctx context.Context, cs *conns) (*outcome, error) {
		conn := cs.contender
		out := &outcome{}
		for {
			tag, err := conn.Exec(ctx, "DELETE FROM orgs WHERE id = (SELECT id FROM orgs WHERE owner_id = $1 ORDER BY id LIMIT 1)", targetUser)
			if err != nil {
				return nil, fmt.Errorf("deleting an organisation: %w", err)
			}
			out.transactions++
			if tag.RowsAffected() == 0 {
				break
			}
		}
		// A document cascades to about twenty rows, the rest to a few.
		type step struct {
			table, column string
			null          bool
			batch         int
		}
		steps := []step{
			{"documents", "author_id", false, chunkedBatch / 20}, {"comments", "author_id", false, chunkedBatch},
			{"events", "user_id", false, chunkedBatch}, {"notifications", "user_id", false, chunkedBatch},
			{"audit_log", "actor_id", false, chunkedBatch}, {"comment_reactions", "user_id", false, chunkedBatch},
			{"subscriptions", "user_id", false, chunkedBatch}, {"org_members", "user_id", false, chunkedBatch},
			{"sessions", "user_id", false, chunkedBatch}, {"api_keys", "user_id", false, chunkedBatch},
			{"projects", "last_editor_id", true, chunkedBatch}, {"documents", "last_editor_id", true, chunkedBatch},
			{"invitations", "invited_by", true, chunkedBatch}, {"tasks", "assignee_id", true, chunkedBatch},
			{"attachments", "uploader_id", true, chunkedBatch}, {"version_reviews", "reviewer_id", true, chunkedBatch},
		}
		for _, s := range steps {
			t, c := ident.Quote(s.table), ident.Quote(s.column)
			pick := "ctid = ANY(ARRAY(SELECT ctid FROM " + t + " WHERE " + c + " = $1 LIMIT $2))"
			sql := "DELETE FROM " + t + " WHERE " + pick
			if s.null {
				sql = "UPDATE " + t + " SET " + c + " = NULL WHERE " + pick
			}
			for {
				tag, err := conn.Exec(ctx, sql, targetUser, s.batch)
				if err != nil {
					return nil, fmt.Errorf("chunking %s.%s: %w", s.table, s.column, err)
				}
				out.transactions++
				if tag.RowsAffected() == 0 {
					break
				}
			}
		}
		if _, err := conn.Exec(ctx, "DELETE FROM users WHERE id = $1", targetUser); err != nil {
			return nil, fmt.Errorf("deleting the user: %w", err)
		}
		out.transactions++
		return out, nil
	}}
}
