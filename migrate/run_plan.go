package migrate

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"time"
)

// How a migration file is run.
type runMode int

const (
	// modeTransaction: the whole file in one transaction with its history
	// row, so it is applied completely or not at all.
	modeTransaction runMode = iota
	// modeAutocommit: statements one by one outside a transaction (the
	// file asks for it, or holds a statement PostgreSQL refuses in one,
	// or manages its own transactions). The history row is written dirty
	// first and cleaned after the last statement.
	modeAutocommit
)

// filePlan is how one section will run: its statements (a file's own
// leading BEGIN and trailing COMMIT removed when they wrap everything,
// since the runner's transaction does that job) and settings.
type filePlan struct {
	mode       runMode
	statements []Statement
	// why explains modeAutocommit for progress output.
	why string
	// statementTimeout is the file's `-- ondelete:statement_timeout=`
	// annotation, nil when absent.
	statementTimeout *time.Duration
}

// annotationRE matches the runner's per-file annotations.
var annotationRE = regexp.MustCompile(`(?m)^\s*--\s*ondelete:([a-z_-]+)(?:\s*=\s*(\S+))?\s*$`)

// planSection decides how a section runs.
func planSection(s *Section) (*filePlan, error) {
	p := &filePlan{statements: s.Statements}
	if data, err := os.ReadFile(s.File); err == nil {
		for _, m := range annotationRE.FindAllStringSubmatch(string(data), -1) {
			switch m[1] {
			case "no-transaction", "no_transaction":
				p.mode, p.why = modeAutocommit, "annotated -- ondelete:no-transaction"
			case "statement_timeout", "statement-timeout":
				d, err := parseTimeout(m[2])
				if err != nil {
					return nil, &FileError{File: s.File, Msg: fmt.Sprintf("-- ondelete:statement_timeout=%s: %v (write e.g. 0, 30s, 500ms)", m[2], err)}
				}
				p.statementTimeout = &d
			default:
				return nil, &FileError{File: s.File, Msg: fmt.Sprintf("unknown annotation -- ondelete:%s (known: no-transaction, statement_timeout=DURATION)", m[1])}
			}
		}
	}
	if s.NoTransaction && p.mode == modeTransaction {
		p.mode, p.why = modeAutocommit, "the migration asks to run without a transaction"
	}
	stmts := s.Statements
	if n := len(stmts); n >= 2 && isBegin(&stmts[0]) && isCommit(&stmts[n-1]) && !anyTxControl(stmts[1:n-1]) {
		p.statements = stmts[1 : n-1]
	} else if anyTxControl(stmts) && p.mode == modeTransaction {
		p.mode, p.why = modeAutocommit, "the file manages its own transactions"
	}
	for i := range p.statements {
		if st := &p.statements[i]; st.NoTransaction && p.mode == modeTransaction {
			p.mode, p.why = modeAutocommit, fmt.Sprintf("%s cannot run in a transaction", st.Pos())
		}
	}
	return p, nil
}

func parseTimeout(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		err = fmt.Errorf("negative")
	}
	return d, err
}

// txWord is a statement's first word, upper-cased.
func txWord(st *Statement) string {
	if st.Kind != KindTransaction {
		return ""
	}
	f := strings.Fields(strings.ToUpper(st.SQL))
	if len(f) == 0 {
		return ""
	}
	if f[0] == "ROLLBACK" && len(f) > 1 && (f[1] == "TO" || f[1] == "PREPARED") {
		return "ROLLBACK " + f[1]
	}
	if f[0] == "START" {
		return "BEGIN"
	}
	return f[0]
}

func isBegin(st *Statement) bool { return txWord(st) == "BEGIN" }

func isCommit(st *Statement) bool { w := txWord(st); return w == "COMMIT" || w == "END" }

// anyTxControl reports whether statements open or end transactions
// (savepoints inside the runner's transaction are fine).
func anyTxControl(stmts []Statement) bool {
	for i := range stmts {
		switch txWord(&stmts[i]) {
		case "BEGIN", "COMMIT", "END", "ROLLBACK", "ABORT", "PREPARE", "COMMIT PREPARED", "ROLLBACK PREPARED":
			return true
		}
	}
	return false
}
