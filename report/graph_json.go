package report

import (
	"encoding/json"
	"io"

	"github.com/ondelete/ondelete/graph"
)

// GraphJSON writes the graph as the versioned JSON contract of
// `ondelete graph --format json` (see graph.Graph and graph.Version):
// indented by two spaces, ending in a newline, with <, > and & left
// unescaped so identifiers read as they are.
func GraphJSON(w io.Writer, g *graph.Graph) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(g)
}
