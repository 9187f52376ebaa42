package runnerproof

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fileCount is the size of the generated migration set.
const fileCount = 20

// spec describes one generated migration file and what it leaves in the
// database, so a test can tell, from the catalog alone, whether the file
// is applied completely, not at all, or in part.
type spec struct {
	version, name string
	// file is the file's path; sum its SHA-256, as the history records it.
	file, sum string
	// tx is false for the files that run outside a transaction (CREATE
	// INDEX CONCURRENTLY).
	tx bool
	// absorbs is how many statements fail with 42710 (duplicate_object)
	// and are absorbed, because an earlier file created the object.
	absorbs int
	// probes are the objects the file creates, one per statement that
	// leaves something, in file order.
	probes []probe
}

// The objects a migration can leave, as probes look for them.
type probeKind int

const (
	probeTable      probeKind = iota // a table holding exactly rows rows
	probeLedger                      // the ledger row of a version
	probeType                        // a type
	probeConstraint                  // a constraint
	probeIndex                       // a valid index
	probeFunction                    // a function, by its signature
)

// probe is one object a migration leaves.
type probe struct {
	kind probeKind
	name string
	rows int
	// sql is the statement creating the object: what a person runs to
	// finish a dirty non-transactional file by hand.
	sql string
}

func (p probe) String() string {
	switch p.kind {
	case probeTable:
		return fmt.Sprintf("table %s (%d rows)", p.name, p.rows)
	case probeLedger:
		return "ledger row " + p.name
	case probeType:
		return "type " + p.name
	case probeConstraint:
		return "constraint " + p.name
	case probeFunction:
		return "function " + p.name
	}
	return "index " + p.name
}

// writeSet generates the migration set into a new directory:
//
//   - 001 creates the ledger, a table with no unique key that every file
//     inserts its version into: applying a file twice shows there; and
//     slow_key, an index expression that takes 2 ms a row, so that index
//     builds last long enough for kills to land inside them;
//   - 18 transactional files each create a table, fill it in two INSERTs
//     around a pause (pg_sleep of 5 to 35 ms times sleepScale, so kills
//     land inside files) and insert their ledger row;
//   - 004 creates a type and 007 a constraint that 011 and 015 create
//     again: 42710, absorbed inside their transactions;
//   - 008 and 016 run outside a transaction (CREATE INDEX CONCURRENTLY;
//     016 also says -- ondelete:no-transaction), with a pause between
//     their two indexes (each some 50 ms, on slow_key).
func writeSet(t *testing.T, sleepScale float64) (string, []spec) {
	t.Helper()
	dir := t.TempDir()
	var specs []spec
	for i := 1; i <= fileCount; i++ {
		s, text := makeFile(i, sleepScale)
		s.file = filepath.Join(dir, s.version+"_"+s.name+".sql")
		if err := os.WriteFile(s.file, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256([]byte(text))
		s.sum = hex.EncodeToString(sum[:])
		specs = append(specs, s)
	}
	return dir, specs
}

// makeFile returns file i's spec and text.
func makeFile(i int, sleepScale float64) (spec, string) {
	v := fmt.Sprintf("%03d", i)
	pause := time.Duration(float64(5+(i*7)%31) * sleepScale * float64(time.Millisecond))
	sleep := fmt.Sprintf("SELECT pg_sleep(%.4f);\n", pause.Seconds())
	ledger := probe{kind: probeLedger, name: v, sql: fmt.Sprintf("INSERT INTO ledger (version) VALUES ('%s');\n", v)}
	var b strings.Builder
	if i == 8 || i == 16 {
		// Indexes on tables of earlier files.
		a, c := fmt.Sprintf("t%03d", i-5), fmt.Sprintf("t%03d", i-3)
		s := spec{version: v, name: "concurrent_indexes", tx: false}
		if i == 16 {
			b.WriteString("-- ondelete:no-transaction\n")
		}
		ia := probe{kind: probeIndex, name: a + "_v_idx", sql: fmt.Sprintf("CREATE INDEX CONCURRENTLY %s_v_idx ON %s (slow_key(v));\n", a, a)}
		ic := probe{kind: probeIndex, name: c + "_v_idx", sql: fmt.Sprintf("CREATE INDEX CONCURRENTLY %s_v_idx ON %s (slow_key(v));\n", c, c)}
		b.WriteString(ia.sql + sleep + ic.sql + ledger.sql)
		s.probes = []probe{ia, ic, ledger}
		return s, b.String()
	}
	table := fmt.Sprintf("t%03d", i)
	rows := 10 + i
	s := spec{version: v, name: "table_" + table, tx: true}
	fmt.Fprintf(&b, "-- %s: a table filled in two halves around a pause, and a ledger row.\n", v)
	if i == 1 {
		b.WriteString("CREATE TABLE ledger (version text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp());\n")
		// Declared immutable so it may index; it is, but for the pause.
		b.WriteString("CREATE FUNCTION slow_key(v text) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT v FROM pg_sleep(0.002) $$;\n")
		s.probes = append(s.probes, probe{kind: probeFunction, name: "slow_key(text)"})
	}
	mood := probe{kind: probeType, name: "mood", sql: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');\n"}
	check := probe{kind: probeConstraint, name: "t004_id_positive", sql: "ALTER TABLE t004 ADD CONSTRAINT t004_id_positive CHECK (id > 0);\n"}
	switch i {
	case 4:
		b.WriteString(mood.sql)
		s.probes = append(s.probes, mood)
	case 11:
		b.WriteString(mood.sql)
		s.absorbs++
	}
	fmt.Fprintf(&b, "CREATE TABLE %s (id int PRIMARY KEY, v text NOT NULL);\n", table)
	fmt.Fprintf(&b, "INSERT INTO %s (id, v) SELECT g, 'row ' || g FROM generate_series(1, %d) g;\n", table, rows/2)
	b.WriteString(sleep)
	fmt.Fprintf(&b, "INSERT INTO %s (id, v) SELECT g, 'row ' || g FROM generate_series(%d, %d) g;\n", table, rows/2+1, rows)
	s.probes = append(s.probes, probe{kind: probeTable, name: table, rows: rows})
	switch i {
	case 7:
		b.WriteString(check.sql)
		s.probes = append(s.probes, check)
	case 15:
		b.WriteString(check.sql)
		s.absorbs++
	}
	b.WriteString(ledger.sql)
	s.probes = append(s.probes, ledger)
	return s, b.String()
}

// specByVersion indexes specs.
func specByVersion(specs []spec) map[string]*spec {
	out := map[string]*spec{}
	for i := range specs {
		out[specs[i].version] = &specs[i]
	}
	return out
}
