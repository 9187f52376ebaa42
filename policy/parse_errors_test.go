package policy

import (
	"errors"
	"strings"
	"testing"
)

// TestParseErrors pins every error message: where it points and what it
// says. A message that changes must be reviewed here.
func TestParseErrors(t *testing.T) {
	const v = "version: 1\n"
	rule := func(body string) string {
		return v + "rules:\n  - name: r\n" + body
	}
	cases := []struct {
		name, in, want string
	}{
		// The document.
		{"empty", "", `ondelete.yaml:1:1: policy file is empty (want at least version: 1)`},
		{"comment only", "# nothing\n", `ondelete.yaml:1:1: policy file is empty (want at least version: 1)`},
		{"null document", "~\n", `ondelete.yaml:1:1: policy file is empty (want at least version: 1)`},
		{"list document", "- version: 1\n", `ondelete.yaml:1:1: want a mapping with keys version, roots, rules, exceptions, lints or purge, found a list`},
		{"scalar document", "hello\n", `ondelete.yaml:1:1: want a mapping with keys version, roots, rules, exceptions, lints or purge, found the string "hello"`},
		{"two documents", v + "---\nversion: 1\n", `ondelete.yaml:2:1: a second YAML document (---) starts here; a policy file holds one`},
		{"syntax: flow", v + "roots: [users,\n", `ondelete.yaml:3:1: invalid YAML: did not find expected node content (while parsing a flow node)`},
		{"syntax: indentation", v + "roots: []\n rules: []\n", `ondelete.yaml:3:2: invalid YAML: did not find expected key (while parsing a block mapping)`},
		{"syntax: tab", v + "\troots: []\n", `ondelete.yaml:2:1: invalid YAML: found a tab character that violates indentation (while scanning a plain scalar)`},
		{"syntax: unknown anchor", v + "roots: *a\n", `ondelete.yaml:2:8: invalid YAML: unknown anchor 'a' referenced`},
		{"merge key", v + "<<: {roots: []}\n", `ondelete.yaml:2:1: merge keys (<<) are not supported; write the keys out`},
		{"non-scalar key", v + "? [a]\n: 1\n", `ondelete.yaml:2:3: want a key name, found a list`},

		// version.
		{"missing version", "roots: [users]\n", `ondelete.yaml:1:1: missing version (want version: 1)`},
		{"version 2", "version: 2\n", `ondelete.yaml:1:10: version: unsupported version 2 (this ondelete reads version 1)`},
		{"version string", "version: \"1\"\n", `ondelete.yaml:1:10: version: want the integer 1, found the string "1"`},
		{"version float", "version: 1.0\n", `ondelete.yaml:1:10: version: want the integer 1, found the number 1.0`},
		{"version first", "version: 2\nrots: []\n", `ondelete.yaml:2:1: unknown key "rots" (want version, roots, rules, exceptions, lints or purge; did you mean "roots"?)`},

		// Top-level keys.
		{"unknown key", v + "rule: []\n", `ondelete.yaml:2:1: unknown key "rule" (want version, roots, rules, exceptions, lints or purge; did you mean "rules"?)`},
		{"unknown key far", v + "severity: error\n", `ondelete.yaml:2:1: unknown key "severity" (want version, roots, rules, exceptions, lints or purge)`},
		{"duplicate key", v + "roots: [a]\nroots: [b]\n", `ondelete.yaml:3:1: duplicate key "roots" (first at line 2)`},

		// purge.
		{"purge list", v + "purge: [a]\n", `ondelete.yaml:2:8: purge: want a mapping, found a list`},
		{"purge unknown key", v + "purge: {thru: []}\n", `ondelete.yaml:2:9: purge: unknown key "thru" (want through)`},
		{"purge through scalar", v + "purge: {through: x}\n", `ondelete.yaml:2:18: purge.through: want a list of {constraint, reason}, found the string "x"`},
		{"purge through no reason", v + "purge:\n  through:\n    - constraint: public.a.a_fkey\n", `ondelete.yaml:4:7: purge.through[0]: missing reason (say why purge may delete the rows this constraint protects)`},
		{"purge through empty reason", v + "purge:\n  through:\n    - {constraint: public.a.a_fkey, reason: ' '}\n", `ondelete.yaml:4:45: purge.through[0].reason: empty reason (say why purge may delete these rows)`},
		{"purge through bad constraint", v + "purge:\n  through:\n    - {constraint: a_fkey, reason: r}\n", `ondelete.yaml:4:20: purge.through[0].constraint: invalid constraint "a_fkey": want schema.table.constraint, found 1 part (quote parts that contain dots); e.g. public.audit_log.audit_log_user_id_fkey`},
		{"purge through duplicate", v + "purge:\n  through:\n    - {constraint: public.a.a_fkey, reason: r}\n    - {constraint: public.a.a_fkey, reason: s}\n", `ondelete.yaml:5:7: purge.through[1]: duplicate entry for public.a.a_fkey (first at line 4)`},

		// roots.
		{"roots mapping", v + "roots: {users: 1}\n", `ondelete.yaml:2:8: roots: want a list of table names, found a mapping`},
		{"root integer", v + "roots: [users, 42]\n", `ondelete.yaml:2:16: roots[1]: want a string, found the integer 42 (quote it if you mean the text)`},
		{"root null", v + "roots: [users, ~]\n", `ondelete.yaml:2:16: roots[1]: want a string, found nothing (null)`},
		{"root three parts", v + "roots: [db.public.users]\n", `ondelete.yaml:2:9: roots[0]: invalid table name "db.public.users": want table or schema.table, found 3 parts (quote parts that contain dots)`},
		{"root bad quote", v + "roots: ['\"users']\n", `ondelete.yaml:2:9: roots[0]: invalid table name "\"users": unterminated quoted identifier`},
		{"root empty", v + "roots: ['']\n", `ondelete.yaml:2:9: roots[0]: invalid table name "": empty name`},
		{"root dot", v + "roots: [public.]\n", `ondelete.yaml:2:9: roots[0]: invalid table name "public.": name ends with a dot`},
		{"root pattern", v + "roots: [user*]\n", `ondelete.yaml:2:9: roots[0]: "user*" is a pattern; a root is one table (name it, or quote it if the name really contains *, ? or [)`},
		{"root duplicate", v + "roots:\n  - users\n  - USERS\n", `ondelete.yaml:4:5: roots[1]: duplicate root "USERS" (first at line 3)`},
		{"root duplicate quoted", v + "roots: [public.users, '\"public\".\"users\"']\n", `ondelete.yaml:2:23: roots[1]: duplicate root "\"public\".\"users\"" (first at line 2)`},

		// rules.
		{"rules mapping", v + "rules: {name: r}\n", `ondelete.yaml:2:8: rules: want a list of rules, found a mapping`},
		{"rule scalar", v + "rules: [r]\n", `ondelete.yaml:2:9: rules[0]: want a mapping, found the string "r"`},
		{"rule unknown key", rule("    match: {table: t}\n    expect: {indexed: true}\n    expct: {}\n"),
			`ondelete.yaml:6:5: rules[0]: unknown key "expct" (want name, match or expect; did you mean "expect"?)`},
		{"rule missing name", v + "rules:\n  - match: {table: t}\n    expect: {indexed: true}\n",
			`ondelete.yaml:3:5: rules[0]: missing name (each rule needs a unique name; findings carry it)`},
		{"rule missing match", rule("    expect: {indexed: true}\n"),
			`ondelete.yaml:3:5: rules[0]: missing match (want a mapping with any of references, table, columns or schema)`},
		{"rule missing expect", rule("    match: {table: t}\n"),
			`ondelete.yaml:3:5: rules[0]: missing expect (want a mapping with any of on_delete, on_update, validated, indexed or name)`},
		{"rule empty name", v + "rules:\n  - name: ' '\n    match: {table: t}\n    expect: {indexed: true}\n",
			`ondelete.yaml:3:11: rules[0].name: empty rule name (findings and exceptions refer to the rule by it)`},
		{"rule name is a lint", v + "rules:\n  - name: not-valid\n    match: {table: t}\n    expect: {indexed: true}\n",
			`ondelete.yaml:3:11: rules[0].name: rule name "not-valid" is a built-in lint's name; pick another so findings and exceptions stay unambiguous`},
		{"rule duplicate name", v + "rules:\n  - {name: r, match: {table: t}, expect: {indexed: true}}\n  - {name: r, match: {table: u}, expect: {indexed: true}}\n",
			`ondelete.yaml:4:12: rules[1].name: duplicate rule name "r" (first at line 3)`},
		{"empty match", rule("    match: {}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:12: rules[0].match: empty match selects nothing (want any of references, table, columns or schema; table: "*" selects every foreign key)`},
		{"null match", rule("    match:\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:11: rules[0].match: empty match selects nothing (want any of references, table, columns or schema; table: "*" selects every foreign key)`},
		{"match list", rule("    match: [users]\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:12: rules[0].match: want a mapping, found a list`},
		{"match unknown key", rule("    match: {refrences: users}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:13: rules[0].match: unknown key "refrences" (want references, table, columns or schema; did you mean "references"?)`},
		{"match table list", rule("    match: {table: [a, b]}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:20: rules[0].match.table: want a string, found a list`},
		{"match bad glob", rule("    match: {references: 'user[s'}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:25: rules[0].match.references: invalid table pattern "user[s": malformed pattern (want *, ?, [class] or \ escapes; close every [ )`},
		{"match bad schema glob", rule("    match: {references: users, schema: 'a\\'}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:40: rules[0].match.schema: invalid schema pattern "a\\": malformed pattern (want *, ?, [class] or \ escapes; close every [ )`},
		{"match three parts", rule("    match: {table: a.b.c}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:20: rules[0].match.table: invalid table pattern "a.b.c": want table or schema.table, found 3 parts (quote parts that contain dots)`},
		{"match schema qualified", rule("    match: {schema: '\"a\".\"b\"'}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:21: rules[0].match.schema: invalid schema pattern "\"a\".\"b\"": expected one name, found a qualified name`},
		{"match columns empty", rule("    match: {columns: []}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:22: rules[0].match.columns: empty list (want the foreign key's columns in order, e.g. [user_id])`},
		{"match columns bad glob", rule("    match: {columns: [a, 'b[']}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:26: rules[0].match.columns[1]: invalid column pattern "b[": malformed pattern (want *, ?, [class] or \ escapes; close every [ )`},
		{"match columns mapping", rule("    match: {columns: {a: 1}}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:22: rules[0].match.columns: want a list of column names or patterns, found a mapping`},
		{"match duplicate key", rule("    match: {table: a, table: b}\n    expect: {indexed: true}\n"),
			`ondelete.yaml:4:23: rules[0].match: duplicate key "table" (first at line 4)`},
		{"empty expect", rule("    match: {table: t}\n    expect: {}\n"),
			`ondelete.yaml:5:13: rules[0].expect: empty expect checks nothing (want any of on_delete, on_update, validated, indexed or name)`},
		{"null expect", rule("    match: {table: t}\n    expect:\n"),
			`ondelete.yaml:5:12: rules[0].expect: empty expect checks nothing (want any of on_delete, on_update, validated, indexed or name)`},
		{"expect unknown key", rule("    match: {table: t}\n    expect: {ondelete: cascade}\n"),
			`ondelete.yaml:5:14: rules[0].expect: unknown key "ondelete" (want on_delete, on_update, validated, indexed or name; did you mean "on_delete"?)`},
		{"unknown action", rule("    match: {table: t}\n    expect: {on_delete: casacde}\n"),
			`ondelete.yaml:5:25: rules[0].expect.on_delete: unknown action "casacde" (want cascade, set null, set default, restrict or no action; did you mean "cascade"?)`},
		{"unknown action in list", rule("    match: {table: t}\n    expect:\n      on_update: [cascade, SET_NUL]\n"),
			`ondelete.yaml:6:28: rules[0].expect.on_update[1]: unknown action "SET_NUL" (want cascade, set null, set default, restrict or no action; did you mean "set null"?)`},
		{"unknown action far", rule("    match: {table: t}\n    expect: {on_delete: delete}\n"),
			`ondelete.yaml:5:25: rules[0].expect.on_delete: unknown action "delete" (want cascade, set null, set default, restrict or no action)`},
		{"null action", rule("    match: {table: t}\n    expect: {on_delete: null}\n"),
			`ondelete.yaml:5:25: rules[0].expect.on_delete: want an action or a list of actions, found nothing (null)`},
		{"empty action list", rule("    match: {table: t}\n    expect: {on_delete: []}\n"),
			`ondelete.yaml:5:25: rules[0].expect.on_delete: empty list (want one or more of cascade, set null, set default, restrict or no action)`},
		{"action integer", rule("    match: {table: t}\n    expect: {on_delete: [1]}\n"),
			`ondelete.yaml:5:26: rules[0].expect.on_delete[0]: want a string, found the integer 1 (quote it if you mean the text)`},
		{"validated string", rule("    match: {table: t}\n    expect: {validated: yes}\n"),
			`ondelete.yaml:5:25: rules[0].expect.validated: want true or false, found the string "yes"`},
		{"indexed list", rule("    match: {table: t}\n    expect: {indexed: [true]}\n"),
			`ondelete.yaml:5:23: rules[0].expect.indexed: want true or false, found a list`},
		{"name not conventional", rule("    match: {table: t}\n    expect: {name: conventinal}\n"),
			`ondelete.yaml:5:20: rules[0].expect.name: unknown name expectation "conventinal" (want conventional; did you mean "conventional"?)`},
		{"name boolean", rule("    match: {table: t}\n    expect: {name: true}\n"),
			`ondelete.yaml:5:20: rules[0].expect.name: want a string, found the boolean true (quote it if you mean the text)`},

		// exceptions.
		{"exceptions mapping", v + "exceptions: {constraint: a.b.c}\n", `ondelete.yaml:2:13: exceptions: want a list of exceptions, found a mapping`},
		{"exception unknown key", v + "exceptions:\n  - {constraint: a.b.c, rule: not-valid, reason: x, why: y}\n",
			`ondelete.yaml:3:53: exceptions[0]: unknown key "why" (want constraint, rule or reason)`},
		{"exception no reason", v + "exceptions:\n  - constraint: a.b.c\n    rule: not-valid\n",
			`ondelete.yaml:3:5: exceptions[0]: missing reason (an exception must say why; reviewers read it)`},
		{"exception empty reason", v + "exceptions:\n  - {constraint: a.b.c, rule: not-valid, reason: ''}\n",
			`ondelete.yaml:3:50: exceptions[0].reason: empty reason (say why this constraint may break the rule)`},
		{"exception no rule", v + "exceptions:\n  - {constraint: a.b.c, reason: legacy}\n",
			`ondelete.yaml:3:5: exceptions[0]: missing rule (want the name of a rule or built-in lint)`},
		{"exception no constraint", v + "exceptions:\n  - {rule: not-valid, reason: legacy}\n",
			`ondelete.yaml:3:5: exceptions[0]: missing constraint (want schema.table.constraint)`},
		{"exception unknown rule", v + "rules:\n  - {name: user-data-cascades, match: {references: users}, expect: {on_delete: cascade}}\n" +
			"exceptions:\n  - {constraint: a.b.c, rule: user-data-cascade, reason: legacy}\n",
			`ondelete.yaml:5:31: exceptions[0].rule: no rule or lint named "user-data-cascade"; did you mean "user-data-cascades"?`},
		{"exception unknown lint", v + "exceptions:\n  - {constraint: a.b.c, rule: not-valdated, reason: legacy}\n",
			`ondelete.yaml:3:31: exceptions[0].rule: no rule or lint named "not-valdated"; did you mean "not-valid"?`},
		{"exception rule before rules", "exceptions:\n  - {constraint: a.b.c, rule: later, reason: legacy}\nversion: 1\nrules:\n  - {name: latr, match: {table: t}, expect: {indexed: true}}\n",
			`ondelete.yaml:2:31: exceptions[0].rule: no rule or lint named "later"; did you mean "latr"?`},
		{"exception two parts", v + "exceptions:\n  - {constraint: audit_log.fk, rule: not-valid, reason: legacy}\n",
			`ondelete.yaml:3:18: exceptions[0].constraint: invalid constraint "audit_log.fk": want schema.table.constraint, found 2 parts (quote parts that contain dots); e.g. public.audit_log.audit_log_user_id_fkey or public."User"."User_teamId_fkey"`},
		{"exception bad quoting", v + "exceptions:\n  - {constraint: 'public.\"User.x', rule: not-valid, reason: legacy}\n",
			`ondelete.yaml:3:18: exceptions[0].constraint: invalid constraint "public.\"User.x": unterminated quoted identifier; e.g. public.audit_log.audit_log_user_id_fkey or public."User"."User_teamId_fkey"`},
		{"exception integer reason", v + "exceptions:\n  - {constraint: a.b.c, rule: not-valid, reason: 42}\n",
			`ondelete.yaml:3:50: exceptions[0].reason: want a string, found the integer 42 (quote it if you mean the text)`},
		{"exception duplicate", v + "exceptions:\n  - {constraint: a.b.c, rule: not-valid, reason: x}\n  - {constraint: A.\"b\".C, rule: not-valid, reason: y}\n",
			`ondelete.yaml:4:5: exceptions[1]: duplicate exception for a.b.c and not-valid (first at line 3)`},

		// lints.
		{"lints list", v + "lints: [not-valid]\n", `ondelete.yaml:2:8: lints: want a mapping, found a list`},
		{"unknown lint", v + "lints:\n  unindexed-cascades: error\n",
			`ondelete.yaml:3:3: lints: unknown lint "unindexed-cascades" (want one of blocked-root-delete, set-null-not-null, cascading-self-reference, unindexed-cascade, not-valid, nonconventional-name, orphan-owner-column, overlapping-fks; did you mean "unindexed-cascade"?)`},
		{"bad severity", v + "lints:\n  not-valid: warn\n",
			`ondelete.yaml:3:14: lints.not-valid: unknown severity "warn" (want off, warning or error; did you mean "warning"?)`},
		{"bad severity far", v + "lints:\n  not-valid: fatal\n",
			`ondelete.yaml:3:14: lints.not-valid: unknown severity "fatal" (want off, warning or error)`},
		{"boolean severity", v + "lints:\n  not-valid: false\n",
			`ondelete.yaml:3:14: lints.not-valid: want off, warning or error, found the boolean false (write off to disable a lint)`},
		{"null severity", v + "lints:\n  not-valid:\n",
			`ondelete.yaml:3:13: lints.not-valid: want off, warning or error, or a mapping with severity, found nothing (null)`},
		{"list severity", v + "lints:\n  orphan-owner-column: [user_id]\n",
			`ondelete.yaml:3:24: lints.orphan-owner-column: want off, warning or error, or a mapping with severity and columns, found a list`},
		{"lint option unknown", v + "lints:\n  not-valid: {severty: error}\n",
			`ondelete.yaml:3:15: lints.not-valid: unknown key "severty" (want severity; did you mean "severity"?)`},
		{"columns on other lint", v + "lints:\n  unindexed-cascade: {severity: error, columns: [a]}\n",
			`ondelete.yaml:3:40: lints.unindexed-cascade: columns applies only to orphan-owner-column (want severity)`},
		{"columns empty", v + "lints:\n  orphan-owner-column: {columns: []}\n",
			`ondelete.yaml:3:34: lints.orphan-owner-column.columns: empty list (omit columns for the default derived from roots, or set the lint off)`},
		{"columns bad glob", v + "lints:\n  orphan-owner-column:\n    columns: [user_id, '[']\n",
			`ondelete.yaml:4:24: lints.orphan-owner-column.columns[1]: invalid column pattern "[": malformed pattern (want *, ?, [class] or \ escapes; close every [ )`},
		{"lint mapping severity", v + "lints:\n  not-valid: {severity: eror}\n",
			`ondelete.yaml:3:25: lints.not-valid.severity: unknown severity "eror" (want off, warning or error; did you mean "error"?)`},
		{"duplicate lint", v + "lints:\n  not-valid: off\n  not-valid: error\n",
			`ondelete.yaml:4:3: lints: duplicate key "not-valid" (first at line 3)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse([]byte(c.in), "ondelete.yaml")
			if err == nil {
				t.Fatalf("Parse succeeded (%+v), want error %q", p, c.want)
			}
			if got := err.Error(); got != c.want {
				t.Errorf("error:\n got %s\nwant %s", got, c.want)
			}
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Errorf("error is %T, want *ParseError", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
		})
	}
}
