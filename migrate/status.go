package migrate

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
)

// State is where one migration stands between the directory and the
// history table.
type State string

// The states Status reports.
const (
	// Applied: recorded, and the file is unchanged.
	StateApplied State = "applied"
	// Pending: in the directory, not recorded, after every applied one.
	StatePending State = "pending"
	// OutOfOrder: not recorded, but a higher version is: someone merged an
	// older branch. Up refuses it unless told to allow it.
	StateOutOfOrder State = "out-of-order"
	// Modified: recorded, but the file changed since (checksum differs).
	StateModified State = "modified"
	// Missing: recorded, but no file has the version any more.
	StateMissing State = "missing"
	// Dirty: a migration outside a transaction failed or was interrupted
	// part-way; a person must check the database and run force.
	StateDirty State = "dirty"
)

// StatusEntry is one migration's state.
type StatusEntry struct {
	Version string `json:"version"`
	Name    string `json:"name"`
	// File is the up file, empty for a missing migration.
	File  string `json:"file,omitempty"`
	State State  `json:"state"`
	// Record is the history row, nil when not applied.
	Record *Record `json:"applied,omitempty"`
	// migration is the directory's migration, nil when missing.
	migration *Migration
	checksum  string
}

// Status is every migration of the directory and of the history, in
// version order.
type Status struct {
	History string        `json:"history"`
	Entries []StatusEntry `json:"migrations"`
}

// Count returns how many entries are in state s.
func (st *Status) Count(s State) int {
	n := 0
	for _, e := range st.Entries {
		if e.State == s {
			n++
		}
	}
	return n
}

// compareStatus joins the directory with the history records.
func compareStatus(d *Dir, recs []Record, history string) (*Status, error) {
	byVersion := map[string]*Record{}
	highest := ""
	for i := range recs {
		byVersion[recs[i].Version] = &recs[i]
		if highest == "" || CompareVersions(recs[i].Version, highest) > 0 {
			highest = recs[i].Version
		}
	}
	st := &Status{History: history, Entries: []StatusEntry{}}
	seen := map[string]bool{}
	for i := range d.Migrations {
		m := &d.Migrations[i]
		sum, err := checksum(m)
		if err != nil {
			return nil, err
		}
		e := StatusEntry{Version: m.Version, Name: m.Name, File: m.Up.File, migration: m, checksum: sum}
		seen[m.Version] = true
		switch r := byVersion[m.Version]; {
		case r == nil && highest != "" && CompareVersions(m.Version, highest) < 0:
			e.State = StateOutOfOrder
		case r == nil:
			e.State = StatePending
		case r.Dirty:
			e.State, e.Record = StateDirty, r
		case r.Checksum != sum:
			e.State, e.Record = StateModified, r
		default:
			e.State, e.Record = StateApplied, r
		}
		st.Entries = append(st.Entries, e)
	}
	for i := range recs {
		if r := &recs[i]; !seen[r.Version] {
			state := StateMissing
			if r.Dirty {
				state = StateDirty
			}
			st.Entries = append(st.Entries, StatusEntry{Version: r.Version, Name: r.Name, State: state, Record: r})
		}
	}
	sortEntries(st.Entries)
	return st, nil
}

// checksum is the hex SHA-256 of a migration's up file.
func checksum(m *Migration) (string, error) {
	data, err := os.ReadFile(m.Up.File)
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", m.Up.File, err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
