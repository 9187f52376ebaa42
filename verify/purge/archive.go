package purge

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/ondelete/ondelete/catalog"
)

// ArchiveLine is one line of the archive: a row as it was before the
// purge deleted or changed it. Exported so that a restore tool (or a
// test) reads the archive with the same type that wrote it.
type ArchiveLine struct {
	Table catalog.TableName `json:"table"`
	Op    Op                `json:"op"`
	// Key maps each primary-key column (or "ctid") to its value as text.
	Key map[string]string `json:"key"`
	// Row is to_jsonb of the whole row.
	Row json.RawMessage `json:"row"`
	// Batch is the number of the batch that changed the row; a resumed
	// purge continues the numbering of the archive it appends to.
	Batch int `json:"batch"`
}

// id is the identity an archive line is deduplicated by: table, op
// (null and default count as one) and key; for a table without a primary key (keyed by ctid, which PostgreSQL
// reuses) the row itself too.
func (l *ArchiveLine) id() string {
	cols := make([]string, 0, len(l.Key))
	for c := range l.Key {
		cols = append(cols, c)
	}
	sort.Strings(cols)
	var b strings.Builder
	op := l.Op
	if op == OpDefault {
		// A row both SET NULL and SET DEFAULT keys change is archived
		// once, as it was before the first of them.
		op = OpNull
	}
	b.WriteString(keyString([]string{l.Table.Schema, l.Table.Name, string(op)}))
	for _, c := range cols {
		b.WriteString(keyString([]string{c, l.Key[c]}))
	}
	if _, ok := l.Key["ctid"]; ok && len(l.Key) == 1 {
		b.Write(l.Row)
	}
	return b.String()
}

// archive buffers a batch's lines and makes them durable before the batch
// commits.
type archive struct {
	w    io.Writer
	file *os.File // set when purge opened the file itself
	// seen holds the ids of lines already durable (this run's and, for a
	// file, earlier runs'); pending those buffered for the current batch.
	seen    map[string]struct{}
	pending []string
	buf     bytes.Buffer
	// lastBatch is the highest batch number found in the file at open.
	lastBatch int
	resumed   bool
	lines     int64
	dups      int64
}

// openArchive opens the archive the options name, or returns nil when
// there is none. A file is read first: its lines become seen, a torn last
// line (a write interrupted before its fsync, whose batch never
// committed) is cut off.
func openArchive(opts Options) (*archive, error) {
	switch {
	case opts.Archive != nil:
		return &archive{w: opts.Archive, seen: map[string]struct{}{}}, nil
	case opts.ArchivePath == "":
		return nil, nil
	}
	f, err := os.OpenFile(opts.ArchivePath, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening archive: %w", err)
	}
	a := &archive{w: f, file: f, seen: map[string]struct{}{}}
	if err := a.load(); err != nil {
		f.Close()
		return nil, fmt.Errorf("reading archive %s: %w", opts.ArchivePath, err)
	}
	return a, nil
}

// load reads the file's lines into seen and positions it for appending.
func (a *archive) load() error {
	r := bufio.NewReader(a.file)
	var good int64
	for n := 1; ; n++ {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			// A line without its newline was torn by an interruption.
			break
		}
		if err != nil {
			return err
		}
		var l ArchiveLine
		if err := json.Unmarshal(line, &l); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		a.seen[l.id()] = struct{}{}
		a.lastBatch = max(a.lastBatch, l.Batch)
		a.resumed = true
		good += int64(len(line))
	}
	if err := a.file.Truncate(good); err != nil {
		return err
	}
	_, err := a.file.Seek(good, io.SeekStart)
	return err
}

// add buffers the line for l unless an earlier line has the same identity.
func (a *archive) add(l ArchiveLine) error {
	var row bytes.Buffer
	if err := json.Compact(&row, l.Row); err != nil {
		return fmt.Errorf("archiving a row of %s: %w", l.Table, err)
	}
	l.Row = row.Bytes()
	id := l.id()
	if _, ok := a.seen[id]; ok {
		a.dups++
		return nil
	}
	b, err := json.Marshal(&l)
	if err != nil {
		return fmt.Errorf("archiving a row of %s: %w", l.Table, err)
	}
	a.buf.Write(b)
	a.buf.WriteByte('\n')
	a.pending = append(a.pending, id)
	a.seen[id] = struct{}{}
	return nil
}

// discard forgets the buffered lines (their batch is retried).
func (a *archive) discard() {
	for _, id := range a.pending {
		delete(a.seen, id)
	}
	a.pending = a.pending[:0]
	a.buf.Reset()
}

// flush writes the buffered lines and makes them durable: fsync for a
// file, Flush and Sync for writers that have them.
func (a *archive) flush() error {
	if a.buf.Len() == 0 {
		return nil
	}
	if _, err := a.w.Write(a.buf.Bytes()); err != nil {
		return fmt.Errorf("writing archive: %w", err)
	}
	if f, ok := a.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			return fmt.Errorf("flushing archive: %w", err)
		}
	}
	if s, ok := a.w.(interface{ Sync() error }); ok {
		if err := s.Sync(); err != nil {
			return fmt.Errorf("syncing archive: %w", err)
		}
	}
	a.lines += int64(len(a.pending))
	a.pending = a.pending[:0]
	a.buf.Reset()
	return nil
}

// close closes a file purge opened.
func (a *archive) close() error {
	if a == nil || a.file == nil {
		return nil
	}
	return a.file.Close()
}
