package migrate

import (
	"regexp"
	"strings"
)

// Annotation lines of goose and dbmate. Both tools require them at the
// start of a line.
var (
	gooseAnnotation  = regexp.MustCompile(`(?i)^--\s*\+goose\s+(.*?)\s*$`)
	dbmateAnnotation = regexp.MustCompile(`^--\s*migrate:(up|down)\b(.*?)\s*$`)
)

// line is one line of a source: [start, end) excludes the line break, next
// is where the following line starts.
type line struct {
	num              int
	start, end, next int
	text             string
}

// eachLine calls fn for every line of src in order, stopping at the first
// error.
func (s *source) eachLine(fn func(line) error) error {
	for i, start := range s.lines {
		next := len(s.text)
		if i+1 < len(s.lines) {
			next = s.lines[i+1]
		}
		end := next
		if end > start && s.text[end-1] == '\n' {
			end--
		}
		if end > start && s.text[end-1] == '\r' {
			end--
		}
		if err := fn(line{num: i + 1, start: start, end: end, next: next, text: s.text[start:end]}); err != nil {
			return err
		}
	}
	return nil
}

// sections accumulates the up and down sections of an annotated file while
// its annotations are read in order. Text between annotations is split into
// statements and added to the current section.
type sections struct {
	src      *source
	tool     string // the annotation's spelling for messages, e.g. "-- +goose Up"
	up, down Section
	cur      *Section // nil before the up annotation
	sawDown  bool
	pending  int // start of text not yet split
}

func newSections(src *source, tool string) *sections {
	return &sections{
		src:  src,
		tool: tool,
		up:   Section{File: src.file},
		down: Section{File: src.file},
	}
}

// flush splits the text from the last annotation up to end into the
// current section. SQL before the up annotation is an error: neither goose
// nor dbmate would run it.
func (p *sections) flush(end int) error {
	stmts, err := p.src.split(p.pending, end)
	if err != nil {
		return err
	}
	if p.cur == nil && len(stmts) > 0 {
		return p.src.errorAt(stmts[0].Offset, "SQL before the %s annotation", p.tool)
	}
	if p.cur != nil {
		p.cur.Statements = append(p.cur.Statements, stmts...)
	}
	return nil
}

// begin starts the up or down section at annotation line l.
func (p *sections) begin(l line, down bool) error {
	switch {
	case !down && p.cur != nil:
		return p.src.errorAt(l.start, "duplicate up annotation")
	case down && p.cur == nil:
		return p.src.errorAt(l.start, "down annotation before the %s annotation", p.tool)
	case down && p.sawDown:
		return p.src.errorAt(l.start, "duplicate down annotation")
	}
	if err := p.flush(l.start); err != nil {
		return err
	}
	p.pending = l.next
	if down {
		p.cur, p.sawDown = &p.down, true
	} else {
		p.cur = &p.up
	}
	return nil
}

// finish splits the rest of the file and returns the sections.
func (p *sections) finish() (Section, *Section, error) {
	if err := p.flush(len(p.src.text)); err != nil {
		return Section{}, nil, err
	}
	if p.cur == nil {
		return Section{}, nil, &FileError{File: p.src.file, Msg: "missing the " + p.tool + " annotation that starts the up migration"}
	}
	if !p.sawDown {
		return p.up, nil, nil
	}
	return p.up, &p.down, nil
}

// parseGoose splits a goose SQL migration into its Up and Down sections.
// A StatementBegin/StatementEnd block is one statement, sent as written;
// NO TRANSACTION marks both sections. ENVSUB is refused rather than
// silently ignored, since it would change the SQL that runs.
func parseGoose(src *source) (Section, *Section, error) {
	p := newSections(src, "'-- +goose Up'")
	noTx := false
	blockStart, blockLine := -1, 0
	err := src.eachLine(func(l line) error {
		m := gooseAnnotation.FindStringSubmatch(l.text)
		if m == nil {
			return nil
		}
		cmd := strings.ToUpper(strings.Join(strings.Fields(m[1]), " "))
		if blockStart >= 0 && cmd != "STATEMENTEND" {
			return src.errorAt(l.start, "goose annotation %q inside a StatementBegin block (opened on line %d)", m[1], blockLine)
		}
		switch cmd {
		case "UP", "DOWN":
			return p.begin(l, cmd == "DOWN")
		case "STATEMENTBEGIN":
			if p.cur == nil {
				return src.errorAt(l.start, "StatementBegin before the '-- +goose Up' annotation")
			}
			if err := p.flush(l.start); err != nil {
				return err
			}
			blockStart, blockLine = l.next, l.num
		case "STATEMENTEND":
			if blockStart < 0 {
				return src.errorAt(l.start, "StatementEnd without StatementBegin")
			}
			st, ok, err := src.block(blockStart, l.start)
			if err != nil {
				return err
			}
			if ok {
				p.cur.Statements = append(p.cur.Statements, st)
			}
			blockStart, p.pending = -1, l.next
		case "NO TRANSACTION":
			noTx = true
		case "ENVSUB ON", "ENVSUB OFF":
			return src.errorAt(l.start, "goose ENVSUB (environment variable substitution) is not supported")
		default:
			return src.errorAt(l.start, "unknown goose annotation %q: expected Up, Down, StatementBegin, StatementEnd or NO TRANSACTION", m[1])
		}
		return nil
	})
	if err != nil {
		return Section{}, nil, err
	}
	if blockStart >= 0 {
		return Section{}, nil, &FileError{File: src.file, Line: blockLine, Msg: "StatementBegin without StatementEnd"}
	}
	up, down, err := p.finish()
	if err != nil {
		return Section{}, nil, err
	}
	up.NoTransaction = noTx
	if down != nil {
		down.NoTransaction = noTx
	}
	return up, down, nil
}

// parseDbmate splits a dbmate migration into its migrate:up and
// migrate:down sections. Each annotation may carry transaction:false.
func parseDbmate(src *source) (Section, *Section, error) {
	p := newSections(src, "'-- migrate:up'")
	err := src.eachLine(func(l line) error {
		m := dbmateAnnotation.FindStringSubmatch(l.text)
		if m == nil {
			return nil
		}
		noTx := false
		for _, opt := range strings.Fields(m[2]) {
			switch opt {
			case "transaction:false":
				noTx = true
			case "transaction:true":
			default:
				return src.errorAt(l.start, "unknown dbmate option %q: expected transaction:false or transaction:true", opt)
			}
		}
		if err := p.begin(l, m[1] == "down"); err != nil {
			return err
		}
		p.cur.NoTransaction = noTx
		return nil
	})
	if err != nil {
		return Section{}, nil, err
	}
	return p.finish()
}
