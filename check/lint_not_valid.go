package check

import (
	"fmt"

	"github.com/ondelete/ondelete/policy"
)

// notValid reports foreign keys added NOT VALID and never validated:
// PostgreSQL checks new rows, but existing ones may reference rows that do
// not exist, and the planner cannot rely on the constraint. Adding NOT
// VALID and validating later is the right way to add a key to a big table;
// leaving it there is the mistake.
type notValid struct{}

func (notValid) Info() policy.LintInfo { return lintInfo(policy.LintNotValid) }

func (notValid) Analyze(p *pass) []Finding {
	var out []Finding
	for i := range p.snap.ForeignKeys {
		fk := &p.snap.ForeignKeys[i]
		if fk.Validated {
			continue
		}
		f := p.finding(fk)
		f.Found = "NOT VALID"
		f.Expected = "validated"
		f.Message = fmt.Sprintf("%s was added NOT VALID and never validated: rows of %s written before it may reference rows of %s that do not exist.",
			fk.Key(), fk.TableName(), fk.RefTableName())
		f.Fix = validateSQL(fk.TableName(), fk.Name) +
			"\n-- VALIDATE takes only a SHARE UPDATE EXCLUSIVE lock; it fails on rows that break the key, found by:\n" +
			comment(orphanRowsSQL(fk))
		out = append(out, f)
	}
	return out
}
