package report

import (
	"io"
	"strings"
	"unicode/utf8"
)

// cell is one table cell: its text, and the ANSI SGR code to paint it
// with when colour is on ("" for none).
type cell struct {
	text string
	sgr  string
}

// writeTable writes rows as left-aligned columns separated by two spaces.
// Widths are measured on the plain text and colour is applied after
// padding, so colour never disturbs alignment (text/tabwriter counts the
// escape bytes).
func writeTable(w io.Writer, header []string, rows [][]cell, st Style) error {
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = utf8.RuneCountInString(h)
	}
	for _, r := range rows {
		for i, c := range r {
			if n := utf8.RuneCountInString(c.text); n > widths[i] {
				widths[i] = n
			}
		}
	}
	var b strings.Builder
	line := func(cells []cell) {
		for i, c := range cells {
			b.WriteString(st.Paint(c.sgr, c.text))
			if i < len(cells)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(c.text)+2))
			}
		}
		b.WriteByte('\n')
	}
	hc := make([]cell, len(header))
	for i, h := range header {
		hc[i] = cell{text: h, sgr: sgrBold}
	}
	line(hc)
	for _, r := range rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
