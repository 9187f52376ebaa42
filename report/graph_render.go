package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ondelete/ondelete/graph"
)

// GraphFormats lists the formats RenderGraph accepts, for flag help and
// validation.
var GraphFormats = []string{"text", "json", "dot", "mermaid"}

// UnknownFormatError reports a format name no renderer handles.
type UnknownFormatError struct {
	Format string
	Known  []string
}

func (e *UnknownFormatError) Error() string {
	return fmt.Sprintf("unknown format %q (want one of %s)", e.Format, strings.Join(e.Known, ", "))
}

// RenderGraph writes g in the named format (one of GraphFormats), so the
// CLI maps its --format flag to a renderer in one call. st applies to the
// text format only: JSON, DOT and Mermaid are for machines and files and
// never carry escape codes.
func RenderGraph(w io.Writer, g *graph.Graph, format string, st Style) error {
	switch format {
	case "text":
		return GraphText(w, g, st)
	case "json":
		return GraphJSON(w, g)
	case "dot":
		return GraphDOT(w, g)
	case "mermaid":
		return GraphMermaid(w, g)
	}
	return &UnknownFormatError{Format: format, Known: GraphFormats}
}
