package pgtemp

import (
	"io"
	"os"
	"strings"
)

// logTailBytes bounds how much of a log goes into an error message: enough
// for PostgreSQL's FATAL line and its context, not a wall of text.
const logTailBytes = 4096

// logTail returns the last lines of the log at path written after offset,
// indented for inclusion in an error, or a note when it cannot be read.
func logTail(path string, offset int64) string {
	f, err := os.Open(path)
	if err != nil {
		return "  (no log: " + err.Error() + ")"
	}
	defer f.Close()
	end, err := f.Seek(0, io.SeekEnd)
	if err != nil {
		return "  (log unreadable: " + err.Error() + ")"
	}
	start := max(offset, end-logTailBytes)
	buf := make([]byte, end-start)
	if _, err := f.ReadAt(buf, start); err != nil && err != io.EOF {
		return "  (log unreadable: " + err.Error() + ")"
	}
	text := strings.TrimSpace(string(buf))
	if start > offset {
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			text = text[i+1:] // drop the partial first line
		}
	}
	if text == "" {
		return "  (log empty: " + path + ")"
	}
	return "  log " + path + ":\n  " + strings.ReplaceAll(text, "\n", "\n  ")
}
