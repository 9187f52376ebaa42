package migrate

import (
	"context"
	"fmt"
)

// AdoptResult says what Adopt recorded.
type AdoptResult struct {
	From AdoptSource `json:"from"`
	// Adopted are the versions newly recorded as applied.
	Adopted []string `json:"adopted"`
	// AlreadyRecorded were in the history table before.
	AlreadyRecorded []string `json:"already_recorded"`
	// Unmatched are versions the other tool recorded that no file of the
	// directory has; they are not recorded.
	Unmatched []string `json:"unmatched"`
}

// Adopt imports the history of another runner (goose, golang-migrate,
// dbmate) into the history table, so a team switches to ondelete without
// re-running anything: every version the other tool applied and the
// directory has is recorded as applied, with the file's checksum today.
// table overrides the other tool's default table name. Nothing runs but
// the history insert, in one transaction under the migration lock.
func (r *Runner) Adopt(ctx context.Context, from AdoptSource, table string) (*AdoptResult, error) {
	res := &AdoptResult{From: from, Adopted: []string{}, AlreadyRecorded: []string{}, Unmatched: []string{}}
	_, err := r.locked(ctx, func(st *Status) (*RunResult, error) {
		var versions []string
		for _, m := range r.dir.Migrations {
			versions = append(versions, m.Version)
		}
		applied, unmatched, err := ReadForeignHistory(ctx, r.conn, from, table, versions)
		if err != nil {
			return nil, err
		}
		res.Unmatched = append(res.Unmatched, unmatched...)
		byVersion := map[string]*StatusEntry{}
		for i := range st.Entries {
			byVersion[st.Entries[i].Version] = &st.Entries[i]
		}
		if r.opts.DryRun {
			for _, v := range applied {
				if e := byVersion[v]; e != nil && e.Record == nil {
					res.Adopted = append(res.Adopted, v)
				}
			}
			return nil, nil
		}
		tx, err := r.conn.Begin(ctx)
		if err != nil {
			return nil, fmt.Errorf("adopting %s history: %w", from, err)
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		for _, v := range applied {
			e := byVersion[v]
			switch {
			case e == nil || e.migration == nil:
				res.Unmatched = append(res.Unmatched, v)
			case e.Record != nil:
				res.AlreadyRecorded = append(res.AlreadyRecorded, v)
			default:
				if err := r.opts.History.insert(ctx, tx, Record{Version: e.Version, Name: e.Name, Checksum: e.checksum}); err != nil {
					return nil, err
				}
				res.Adopted = append(res.Adopted, v)
			}
		}
		if err := tx.Commit(ctx); err != nil {
			return nil, fmt.Errorf("adopting %s history: %w", from, err)
		}
		return nil, nil
	})
	return res, err
}
