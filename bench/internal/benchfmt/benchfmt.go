// Package benchfmt holds the small pieces every benchmark program under
// bench/cmd shares: its -set flag for server settings and the helpers
// that print its report, so each program keeps only what it measures.
package benchfmt

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Settings collects -set name=value pairs: PostgreSQL settings a
// benchmark's throwaway server starts with.
type Settings map[string]string

// String lists the settings sorted by name, as flag.Value requires.
func (s Settings) String() string {
	names := slices.Sorted(maps.Keys(s))
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + "=" + s[n]
	}
	return strings.Join(parts, " ")
}

// Set adds one name=value pair.
func (s Settings) Set(v string) error {
	name, value, ok := strings.Cut(v, "=")
	if !ok || strings.TrimSpace(name) == "" {
		return fmt.Errorf("want name=value, got %q", v)
	}
	s[strings.TrimSpace(name)] = value
	return nil
}

// Thousands renders n with comma separators (1,022,847), as the figures
// in docs/benchmarks.md are written.
func Thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// ErrWriter keeps the first write error, so a report writes freely and
// checks Err once at the end.
type ErrWriter struct {
	W   io.Writer
	Err error
}

// Write writes to W unless an earlier write failed.
func (e *ErrWriter) Write(p []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(p)
	e.Err = err
	return n, err
}

// Printf formats to the writer.
func (e *ErrWriter) Printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
