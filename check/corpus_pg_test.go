package check

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/internal/testenv"
	"github.com/ondelete/ondelete/migrate"
	"github.com/ondelete/ondelete/policy"
)

// corpusSet is a public schema from the shared corpus, cut at a version.
type corpusSet struct {
	name string
	path []string // inside the corpus
	upTo string
	root string // the root table, as a policy writes it
	// rootRegclass names the root for the catalog queries.
	rootRegclass string
}

var corpusSets = []corpusSet{
	{name: "skytwin-060", path: []string{"skytwin", "postgres"}, upTo: "060", root: "users", rootRegclass: "public.users"},
	{name: "skytwin-061", path: []string{"skytwin", "postgres"}, root: "users", rootRegclass: "public.users"},
	{name: "documenso", path: []string{"documenso", "migrations"}, root: "User", rootRegclass: `public."User"`},
	{name: "pagila", path: []string{"pagila", "pagila-schema.sql"}, root: "customer", rootRegclass: "public.customer"},
}

// applyCorpus applies a set's migrations to a fresh database and inspects
// it, with each foreign key's migration source attached.
func applyCorpus(t *testing.T, set corpusSet) (*pgx.Conn, *catalog.Snapshot) {
	t.Helper()
	dir, err := migrate.Load(testenv.CorpusPath(t, set.path...), migrate.LayoutAuto)
	if err != nil {
		t.Fatal(err)
	}
	migs := dir.Migrations
	if set.upTo != "" {
		if migs, err = dir.Through(set.upTo); err != nil {
			t.Fatal(err)
		}
	}
	conn := connect(t)
	res, err := migrate.Apply(context.Background(), conn, migs)
	if err != nil {
		t.Fatalf("applying %s: %v", set.name, err)
	}
	s := inspect(t, conn)
	s.AttachSources(res.Sources)
	return conn, s
}

// cascadeRule is the hand-written end-to-end test the issue replaces:
// every foreign key to users must cascade.
const cascadeRule = `version: 1
roots: [users]
rules:
  - name: user-data-cascades
    match: {references: users}
    expect: {on_delete: cascade}
` + allOff

// qualified lists findings of one rule as schema.table.constraint, sorted.
func qualified(r *Result, rule string) []string {
	out := []string{}
	for _, f := range r.Findings {
		if f.Rule == rule {
			name := f.Constraint
			if name == "" {
				name = strings.Join(f.Columns, ",")
			}
			out = append(out, f.Schema+"."+f.Table+"."+name)
		}
	}
	sort.Strings(out)
	return out
}

// fkKey is the select list and joins that name a foreign key
// schema.table.constraint in the catalog queries below.
const fkFrom = `
FROM pg_constraint k
JOIN pg_class c ON c.oid = k.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE k.contype = 'f' AND k.conparentid = 0`

const fkKey = `format('%s.%s.%s', n.nspname, c.relname, k.conname)`

func TestSkytwinEveryForeignKeyToUsersMustCascade(t *testing.T) {
	const toUsers = `SELECT ` + fkKey + fkFrom + ` AND k.confrelid = 'public.users'::regclass AND k.confdeltype <> 'c' ORDER BY 1`
	p := parsePolicy(t, cascadeRule)

	t.Run("through 060", func(t *testing.T) {
		conn, s := applyCorpus(t, corpusSets[0])
		want := querySet(t, conn, toUsers)
		// The corpus documents 32 NO ACTION keys to users at 060; the
		// catalog must agree before the comparison means anything.
		if len(want) != 32 {
			t.Fatalf("catalog lists %d non-cascading keys to users, the corpus documents 32", len(want))
		}
		if other := querySet(t, conn, `SELECT `+fkKey+fkFrom+` AND k.confrelid = 'public.users'::regclass AND k.confdeltype NOT IN ('a', 'c')`); len(other) != 0 {
			t.Fatalf("keys to users neither NO ACTION nor CASCADE: %v", other)
		}
		r := evaluate(t, s, p)
		if diff := cmp.Diff(want, qualified(r, "user-data-cascades")); diff != "" {
			t.Fatalf("rule findings differ from the catalog (-catalog +check):\n%s", diff)
		}
		for _, f := range r.Findings {
			if f.Source == nil || !strings.HasSuffix(f.Source.File, ".sql") || f.Source.Line < 1 {
				t.Errorf("%s.%s: no migration source: %+v", f.Table, f.Constraint, f.Source)
			}
		}
		if r.Summary.Errors != 32 || !r.Failed(policy.Error) {
			t.Errorf("summary %+v", r.Summary)
		}
		// The fixes, applied as written, satisfy the rule.
		for _, f := range r.Findings {
			execScript(t, conn, f.Constraint+"-fix.sql", f.Fix)
		}
		if after := evaluate(t, inspect(t, conn), p); len(after.Findings) != 0 {
			t.Errorf("after the fixes: %v", subjects(after))
		}
		if left := querySet(t, conn, toUsers); len(left) != 0 {
			t.Errorf("after the fixes the catalog still lists %v", left)
		}
	})
	t.Run("through 061", func(t *testing.T) {
		conn, s := applyCorpus(t, corpusSets[1])
		if want := querySet(t, conn, toUsers); len(want) != 0 {
			t.Fatalf("catalog lists non-cascading keys to users after 061: %v", want)
		}
		r := evaluate(t, s, p)
		if len(r.Findings) != 0 || r.Failed(policy.Warning) {
			t.Errorf("findings after 061: %v", subjects(r))
		}
		if n := querySet(t, conn, `SELECT count(*)::text`+fkFrom+` AND k.confrelid = 'public.users'::regclass`); n[0] != "61" {
			t.Errorf("%s keys to users, the corpus documents 61", n[0])
		}
	})
}

// TestCorpusLintsMatchCatalogQueries runs every lint with its default
// severity on each corpus schema and compares what it reports with a set
// derived by an independent query of PostgreSQL's catalog.
func TestCorpusLintsMatchCatalogQueries(t *testing.T) {
	for _, set := range corpusSets {
		t.Run(set.name, func(t *testing.T) {
			conn, s := applyCorpus(t, set)
			p := parsePolicy(t, fmt.Sprintf("version: 1\nroots: [%q]\n", set.root))
			r := evaluate(t, s, p)
			if len(r.PolicyWarnings) != 0 {
				t.Fatalf("policy warnings: %v", r.PolicyWarnings)
			}
			total := 0
			for _, q := range lintQueries(set) {
				want := querySet(t, conn, q.sql, q.args...)
				got := qualified(r, q.lint)
				if q.lint == policy.LintBlockedRootDelete {
					got = withSeverity(r, q.lint)
				}
				if q.exclude != "" {
					skip := querySet(t, conn, q.exclude)
					got = without(got, skip)
					if len(skip) > 0 {
						t.Logf("%s: %d names longer than 63 bytes left to the unit tests", q.lint, len(skip))
					}
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s differs from the catalog (-catalog +check):\n%s", q.lint, diff)
				}
				t.Logf("%s: %d", q.lint, len(want))
				total += len(want)
			}
			checkOverlaps(t, conn, r)
			if total == 0 {
				t.Error("no lint fired on the whole schema: nothing was compared")
			}
			applyFixesUntilClean(t, conn, p, r)
		})
	}
}

// applyFixesUntilClean applies every finding's fix as written, in the
// order reported, and checks again, until nothing is left. A fix may
// surface new findings: a key made to cascade is then checked for its
// index, and the tables it now deletes bring their own blocking keys into
// the root's graph, one level deeper per round. So a bounded number of
// rounds is allowed: fixes must converge, never conflict or fail.
func applyFixesUntilClean(t *testing.T, conn *pgx.Conn, p *policy.Policy, r *Result) {
	t.Helper()
	const rounds = 10
	for round := 1; len(r.Findings) > 0; round++ {
		if round > rounds {
			t.Fatalf("findings left after applying fixes %d times: %v", rounds, subjects(r))
		}
		for _, f := range r.Findings {
			execScript(t, conn, f.Rule+"-fix.sql", f.Fix)
		}
		r = evaluate(t, inspect(t, conn), p)
		t.Logf("after fix round %d: %d findings", round, len(r.Findings))
	}
}

// lintQuery derives one lint's expected findings from the catalog.
type lintQuery struct {
	lint string
	sql  string
	args []any
	// exclude lists names the query cannot judge (left out of both sides).
	exclude string
}

func lintQueries(set corpusSet) []lintQuery {
	root := set.rootRegclass
	return []lintQuery{
		{lint: policy.LintNotValid, sql: `SELECT ` + fkKey + fkFrom + ` AND NOT k.convalidated ORDER BY 1`},
		{lint: policy.LintCascadingSelfReference, sql: `SELECT ` + fkKey + fkFrom + ` AND k.conrelid = k.confrelid AND k.confdeltype = 'c' ORDER BY 1`},
		{lint: policy.LintUnindexedCascade, sql: `SELECT ` + fkKey + fkFrom + ` AND k.confdeltype IN ('c', 'n', 'd')
AND NOT EXISTS (
  SELECT 1 FROM pg_index i
  WHERE i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL
    AND (SELECT array_agg(a ORDER BY a) FROM unnest(i.indkey::int2[]) WITH ORDINALITY u(a, o) WHERE o <= cardinality(k.conkey))
      = (SELECT array_agg(a ORDER BY a) FROM unnest(k.conkey) a))
ORDER BY 1`},
		{lint: policy.LintSetNullNotNull, sql: `SELECT ` + fkKey + fkFrom + ` AND k.confdeltype IN ('n', 'd')
AND EXISTS (
  SELECT 1 FROM pg_attribute a
  WHERE a.attrelid = k.conrelid
    AND a.attnum = ANY (CASE WHEN cardinality(k.confdelsetcols) > 0 THEN k.confdelsetcols ELSE k.conkey END)
    AND a.attnotnull AND (k.confdeltype = 'n' OR (NOT a.atthasdef AND a.attidentity = '')))
ORDER BY 1`},
		{lint: policy.LintNonconventionalName, sql: `SELECT key FROM (SELECT ` + fkKey + ` AS key, k.conname, ` + defaultName + ` AS def` + fkFrom + `) x
WHERE conname <> def AND octet_length(def) <= 63 ORDER BY 1`,
			exclude: `SELECT key FROM (SELECT ` + fkKey + ` AS key, ` + defaultName + ` AS def` + fkFrom + `) x WHERE octet_length(def) > 63`},
		{lint: policy.LintBlockedRootDelete, sql: `WITH RECURSIVE deleted(rel) AS (
  SELECT $1::regclass::oid
  UNION
  SELECT k.conrelid FROM pg_constraint k JOIN deleted d ON k.confrelid = d.rel
  WHERE k.contype = 'f' AND k.conparentid = 0 AND k.confdeltype = 'c'
)
SELECT CASE WHEN k.conrelid IN (SELECT rel FROM deleted) THEN 'warning ' ELSE 'error ' END || ` + fkKey + fkFrom + `
AND k.confdeltype IN ('a', 'r') AND k.confrelid IN (SELECT rel FROM deleted)
ORDER BY 1`, args: []any{root}},
		{lint: policy.LintOrphanOwnerColumn, sql: `WITH root AS (
  SELECT c.oid, ` + family(`format_type(a.atttypid, a.atttypmod)`) + ` AS family
  FROM pg_class c JOIN pg_index i ON i.indrelid = c.oid AND i.indisprimary AND i.indnatts = 1
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
  WHERE c.oid = $1::regclass
)
SELECT format('%s.%s.%s', n.nspname, c.relname, a.attname)
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
CROSS JOIN root
WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND a.attnum > 0 AND NOT a.attisdropped
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND c.oid <> root.oid
  AND (a.attname = ANY ($2) OR a.attname LIKE ANY ($3))
  AND ` + family(`format_type(a.atttypid, a.atttypmod)`) + ` = root.family
  AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.contype = 'f' AND k.conrelid = c.oid AND a.attnum = ANY (k.conkey))
  AND NOT (c.relkind = 'p'
    AND EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid)
    AND NOT EXISTS (
      SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid AND NOT EXISTS (
        SELECT 1 FROM pg_constraint k JOIN pg_attribute pa ON pa.attrelid = k.conrelid AND pa.attnum = ANY (k.conkey)
        WHERE k.contype = 'f' AND k.conrelid = i.inhrelid AND pa.attname = a.attname)))
ORDER BY 1`, args: append([]any{root}, ownerPatterns(set.root)...)},
	}
}

// defaultName spells PostgreSQL's default foreign-key name, untruncated.
const defaultName = `(SELECT c.relname || '_' || string_agg(a.attname, '_' ORDER BY u.o) || '_fkey'
  FROM unnest(k.conkey) WITH ORDINALITY u(attnum, o)
  JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum)`

// family groups types in SQL the way the orphan lint is documented to.
func family(expr string) string {
	return `(CASE WHEN ` + expr + ` IN ('smallint', 'integer', 'bigint') THEN 'integer'
  WHEN ` + expr + ` = 'text' OR ` + expr + ` LIKE 'character%' THEN 'text'
  WHEN ` + expr + ` LIKE 'numeric%' THEN 'numeric' ELSE ` + expr + ` END)`
}

// ownerPatterns writes the documented default owner-column patterns of a
// root (singular_id, *_singular_id, singularId, *SingularId; unquoted, so
// also lowercased) as exact names and LIKE patterns, independently of
// policy.DefaultOwnerColumns.
func ownerPatterns(root string) []any {
	singular := map[string]string{"users": "user", "User": "user", "customer": "customer"}[root]
	camel := strings.ToUpper(singular[:1]) + singular[1:]
	exact := []string{singular + "_id", singular + "Id", strings.ToLower(singular + "Id")}
	like := []string{`%\_` + singular + `\_id`, "%" + camel + "Id", "%" + strings.ToLower(camel+"Id")}
	return []any{exact, like}
}

// withSeverity lists findings of one rule as "severity key".
func withSeverity(r *Result, rule string) []string {
	out := []string{}
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, string(f.Severity)+" "+f.Schema+"."+f.Table+"."+f.Constraint)
		}
	}
	sort.Strings(out)
	return out
}

func without(list, drop []string) []string {
	skip := map[string]bool{}
	for _, d := range drop {
		skip[d] = true
	}
	out := []string{}
	for _, s := range list {
		if !skip[s] {
			out = append(out, s)
		}
	}
	return out
}

// checkOverlaps compares overlapping-fks with the catalog's groups of keys
// over one column set to one table: every group of n keys gets n-1
// findings, each on a member, and no finding falls outside a group.
func checkOverlaps(t *testing.T, conn *pgx.Conn, r *Result) {
	t.Helper()
	groups := querySet(t, conn, `SELECT string_agg(`+fkKey+`, ',' ORDER BY k.conname)`+fkFrom+`
GROUP BY k.conrelid, k.confrelid, (SELECT array_agg(a ORDER BY a) FROM unnest(k.conkey) a)
HAVING count(*) > 1 ORDER BY 1`)
	groupOf := map[string]string{}
	for _, g := range groups {
		for _, m := range strings.Split(g, ",") {
			groupOf[m] = g
		}
	}
	reported := map[string]int{}
	for _, key := range qualified(r, policy.LintOverlappingFKs) {
		g, ok := groupOf[key]
		if !ok {
			t.Errorf("overlapping-fks reports %s, which overlaps nothing in the catalog", key)
			continue
		}
		reported[g]++
	}
	for _, g := range groups {
		if n := strings.Count(g, ",") + 1; reported[g] != n-1 {
			t.Errorf("overlapping group %s: %d findings, want %d", g, reported[g], n-1)
		}
	}
	t.Logf("%s: %d groups", policy.LintOverlappingFKs, len(groups))
}
