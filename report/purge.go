package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ondelete/ondelete/verify/purge"
)

// PurgeFormats are the --format values of `ondelete purge`.
var PurgeFormats = []string{"text", "json"}

// purgeVersion is the version of the purge JSON output.
const purgeVersion = 2

type purgeTableJSON struct {
	Schema    string `json:"schema"`
	Table     string `json:"table"`
	Deleted   int64  `json:"deleted"`
	Nulled    int64  `json:"nulled"`
	Defaulted int64  `json:"defaulted"`
}

type purgeSummaryJSON struct {
	Version        int               `json:"version"`
	Root           explainRootJSON   `json:"root"`
	Done           bool              `json:"done"`
	Tables         []purgeTableJSON  `json:"tables"`
	Deleted        int64             `json:"deleted"`
	Nulled         int64             `json:"nulled"`
	Defaulted      int64             `json:"defaulted"`
	Batches        int               `json:"batches"`
	Workers        int               `json:"workers"`
	Expanded       int64             `json:"expanded"`
	Retries        int               `json:"retries"`
	ElapsedMS      int64             `json:"elapsed_ms"`
	LongestBatchMS int64             `json:"longest_batch_ms"`
	Archive        *purgeArchiveJSON `json:"archive,omitempty"`
}

type purgeArchiveJSON struct {
	Lines      int64 `json:"lines"`
	Duplicates int64 `json:"duplicates"`
	Resumed    bool  `json:"resumed"`
}

// PurgeSummary writes what a purge did: counts per table, batches, time,
// the longest batch transaction and the archive. archived says whether an
// archive was written.
func PurgeSummary(w io.Writer, s *purge.Summary, archived bool, format string, st Style) error {
	switch format {
	case "json":
		out := purgeSummaryJSON{Version: purgeVersion, Root: explainRootJSON{Schema: s.Root.Schema, Table: s.Root.Name, Key: keyMap(s.RootKeyColumns, s.RootKey)},
			Done: s.Done, Tables: []purgeTableJSON{}, Deleted: s.Deleted, Nulled: s.Nulled, Defaulted: s.Defaulted,
			Batches: s.Batches, Workers: s.Workers, Expanded: s.Expanded, Retries: s.Retries, ElapsedMS: s.Elapsed.Milliseconds(), LongestBatchMS: s.LongestBatch.Milliseconds()}
		for _, t := range s.Tables {
			out.Tables = append(out.Tables, purgeTableJSON{Schema: t.Table.Schema, Table: t.Table.Name, Deleted: t.Deleted, Nulled: t.Nulled, Defaulted: t.Defaulted})
		}
		if archived {
			out.Archive = &purgeArchiveJSON{Lines: s.ArchivedLines, Duplicates: s.ArchiveDuplicates, Resumed: s.Resumed}
		}
		return writeJSON(w, out, "purge summary")
	case "text":
		var b strings.Builder
		head := "Purged"
		if !s.Done {
			head = "Partly purged (run the same command again to finish)"
		}
		fmt.Fprintf(&b, "%s %s %s: %d deleted, %d nulled, %d defaulted in %d %s, %s; longest batch %s.\n",
			st.Bold(head), termName(s.Root), termText(keyText(s.RootKeyColumns, s.RootKey)), s.Deleted, s.Nulled, s.Defaulted,
			s.Batches, plural(s.Batches, "batch", "batches"),
			s.Elapsed.Round(time.Millisecond), s.LongestBatch.Round(time.Millisecond))
		if s.Workers > 1 {
			fmt.Fprintf(&b, "Up to %d batches ran at once.\n", s.Workers)
		}
		if archived {
			fmt.Fprintf(&b, "Archived %d rows", s.ArchivedLines)
			if s.ArchiveDuplicates > 0 {
				fmt.Fprintf(&b, " (%d already there from an earlier run)", s.ArchiveDuplicates)
			}
			b.WriteString(".\n")
		}
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		if len(s.Tables) == 0 {
			return nil
		}
		io.WriteString(w, "\n")
		rows := make([][]cell, 0, len(s.Tables))
		for _, t := range s.Tables {
			rows = append(rows, []cell{{text: termName(t.Table)}, count(int(t.Deleted), sgrRed), count(int(t.Nulled), sgrYellow), count(int(t.Defaulted), sgrYellow)})
		}
		return writeTable(w, []string{"TABLE", "DELETED", "NULLED", "DEFAULTED"}, rows, st)
	}
	return &UnknownFormatError{Format: format, Known: PurgeFormats}
}

type purgePlanJSON struct {
	Version        int                  `json:"version"`
	Root           explainRootJSON      `json:"root"`
	DryRun         bool                 `json:"dry_run"`
	Rows           int64                `json:"rows"`
	Tables         []purgeTableJSON     `json:"tables"`
	Batch          int                  `json:"batch"`
	MaxBatchTimeMS int64                `json:"max_batch_time_ms"`
	Blockers       []explainBlockerJSON `json:"blockers"`
}

// PurgePlan writes a dry run's plan (what the purge would change per
// table, and the limits its batches keep to), or its blockers.
func PurgePlan(w io.Writer, p *purge.BatchPlan, format string, st Style) error {
	switch format {
	case "json":
		out := purgePlanJSON{Version: purgeVersion, DryRun: true, Rows: p.Rows, Tables: []purgeTableJSON{}, Blockers: []explainBlockerJSON{},
			Batch: p.Batch, MaxBatchTimeMS: p.MaxBatchTime.Milliseconds(),
			Root: explainRootJSON{Schema: p.Root.Schema, Table: p.Root.Name, Key: keyMap(p.RootKeyColumns, p.RootKey)}}
		for _, t := range p.Tables {
			out.Tables = append(out.Tables, purgeTableJSON{Schema: t.Table.Schema, Table: t.Table.Name, Deleted: t.Deleted, Nulled: t.Nulled, Defaulted: t.Defaulted})
		}
		for _, b := range p.Blockers {
			out.Blockers = append(out.Blockers, explainBlockerJSON{Schema: b.Table.Schema, Table: b.Table.Name, Constraint: b.Constraint, Key: keyMap(b.KeyColumns, b.Key), Reason: b.Reason})
		}
		return writeJSON(w, out, "purge plan")
	case "text":
		var b strings.Builder
		limit := "no time limit"
		if p.MaxBatchTime > 0 {
			limit = "at most " + p.MaxBatchTime.String()
		}
		fmt.Fprintf(&b, "%s %s %s: %d %s to change in batches of at most %d rows and %s each (dry run: nothing changed).\n", st.Bold("Purge plan for"),
			termName(p.Root), termText(keyText(p.RootKeyColumns, p.RootKey)), p.Rows, plural(int(p.Rows), "row", "rows"), p.Batch, limit)
		if _, err := io.WriteString(w, b.String()); err != nil {
			return err
		}
		if len(p.Tables) == 0 {
			return nil
		}
		io.WriteString(w, "\n")
		rows := make([][]cell, 0, len(p.Tables))
		for _, t := range p.Tables {
			rows = append(rows, []cell{{text: termName(t.Table)}, count(int(t.Deleted), sgrRed), count(int(t.Nulled), sgrYellow), count(int(t.Defaulted), sgrYellow)})
		}
		return writeTable(w, []string{"TABLE", "DELETED", "NULLED", "DEFAULTED"}, rows, st)
	}
	return &UnknownFormatError{Format: format, Known: PurgeFormats}
}

// writeJSON writes v indented with a final newline.
func writeJSON(w io.Writer, v any, what string) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding %s: %w", what, err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
