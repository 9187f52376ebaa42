package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gotest.tools/v3/golden"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// Run `go test ./report -run Graph -update` to rewrite the golden files
// after an intended change, then review the diff.

// graphFixture builds snapshots by hand: tables get an id column, and
// each foreign key adds its referencing column.
type graphFixture struct{ s catalog.Snapshot }

func (f *graphFixture) table(schema, name string) *catalog.Table {
	if t := f.s.Table(catalog.TableName{Schema: schema, Name: name}); t != nil {
		return t
	}
	f.s.Tables = append(f.s.Tables, catalog.Table{Schema: schema, Name: name,
		Columns: []catalog.Column{{Name: "id", Type: "bigint", NotNull: true}}, PrimaryKey: []string{"id"}})
	return &f.s.Tables[len(f.s.Tables)-1]
}

// fk adds child.col → parent(id) named name with ON DELETE a; notNull
// makes the column NOT NULL.
func (f *graphFixture) fk(child, parent catalog.TableName, col, name string, a catalog.Action, notNull bool) *graphFixture {
	f.table(parent.Schema, parent.Name)
	t := f.table(child.Schema, child.Name)
	t.Columns = append(t.Columns, catalog.Column{Name: col, Type: "bigint", NotNull: notNull})
	f.s.ForeignKeys = append(f.s.ForeignKeys, catalog.ForeignKey{
		Schema: child.Schema, Table: child.Name, Name: name, Columns: []string{col},
		RefSchema: parent.Schema, RefTable: parent.Name, RefColumns: []string{"id"},
		OnDelete: a, OnUpdate: catalog.NoAction, Validated: true, Match: "simple", NotNull: notNull,
	})
	return f
}

func pub(name string) catalog.TableName { return catalog.TableName{Schema: "public", Name: name} }

// appGraph is a small application: every outcome, both blocker kinds,
// a self-reference, a cycle and a multi-path table.
func appGraph(t *testing.T) *graph.Graph {
	f := &graphFixture{}
	f.fk(pub("documents"), pub("users"), "owner_id", "documents_owner_id_fkey", catalog.Cascade, true).
		fk(pub("comments"), pub("users"), "author_id", "comments_author_id_fkey", catalog.Cascade, true).
		fk(pub("comments"), pub("documents"), "document_id", "comments_document_id_fkey", catalog.NoAction, true).
		fk(pub("sessions"), pub("users"), "user_id", "sessions_user_id_fkey", catalog.SetNull, false).
		fk(pub("memberships"), pub("users"), "user_id", "memberships_user_id_fkey", catalog.SetNull, true).
		fk(pub("audit_log"), pub("documents"), "document_id", "audit_log_document_id_fkey", catalog.Restrict, false).
		fk(pub("folders"), pub("users"), "owner_id", "folders_owner_id_fkey", catalog.Cascade, true).
		fk(pub("folders"), pub("folders"), "parent_id", "folders_parent_id_fkey", catalog.Cascade, false).
		fk(pub("documents"), pub("folders"), "folder_id", "documents_folder_id_fkey", catalog.Cascade, false).
		fk(pub("users"), pub("documents"), "avatar_document_id", "users_avatar_document_id_fkey", catalog.SetNull, false).
		fk(pub("users"), pub("teams"), "team_id", "users_team_id_fkey", catalog.Cascade, false)
	return buildGraph(t, f, pub("users"))
}

// long63 is a 63-byte identifier, PostgreSQL's longest.
const long63 = "an_identifier_that_uses_every_one_of_the_sixty_three_bytes_xyz1"

// weirdGraph uses every kind of name that needs quoting or escaping.
func weirdGraph(t *testing.T) *graph.Graph {
	if len(long63) != 63 {
		t.Fatalf("long63 is %d bytes", len(long63))
	}
	root := catalog.TableName{Schema: "My Schema", Name: "User"}
	f := &graphFixture{}
	f.fk(pub("order"), root, "user id", `order_"user"_fkey`, catalog.Cascade, true).
		fk(catalog.TableName{Schema: "My Schema", Name: "données"}, root, "propriétaire", "données_fk", catalog.SetNull, false).
		fk(pub(long63), pub("order"), "order_id", long63, catalog.NoAction, false).
		fk(pub(`back\slash "and" quotes`), pub("order"), "Order", `x|y#<z>&'w'`, catalog.SetDefault, false).
		fk(pub("select"), pub("order"), "ref", "line\nbreak", catalog.Cascade, false).
		fk(pub("esc\x1b[31mred"), root, "bell\a", "esc_fk", catalog.SetNull, false)
	return buildGraph(t, f, root)
}

func buildGraph(t *testing.T, f *graphFixture, root catalog.TableName) *graph.Graph {
	t.Helper()
	g, err := graph.Build(&f.s, root)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGraphGolden(t *testing.T) {
	graphs := map[string]*graph.Graph{"app": appGraph(t), "weird": weirdGraph(t)}
	render := map[string]func(*bytes.Buffer, *graph.Graph) error{
		"txt":       func(b *bytes.Buffer, g *graph.Graph) error { return GraphText(b, g, Style{}) },
		"color.txt": func(b *bytes.Buffer, g *graph.Graph) error { return GraphText(b, g, Style{Color: true}) },
		"json":      func(b *bytes.Buffer, g *graph.Graph) error { return GraphJSON(b, g) },
		"dot":       func(b *bytes.Buffer, g *graph.Graph) error { return GraphDOT(b, g) },
		"mmd":       func(b *bytes.Buffer, g *graph.Graph) error { return GraphMermaid(b, g) },
	}
	for name, g := range graphs {
		for ext, fn := range render {
			t.Run(name+"."+ext, func(t *testing.T) {
				var b bytes.Buffer
				if err := fn(&b, g); err != nil {
					t.Fatal(err)
				}
				golden.Assert(t, b.String(), "graph_"+name+"."+ext)
			})
		}
	}
}

func TestGraphTextHasNoEscapesWithoutColor(t *testing.T) {
	var b bytes.Buffer
	if err := GraphText(&b, appGraph(t), Style{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "\x1b") {
		t.Error("plain text output contains an escape sequence")
	}
}

func TestGraphJSONContract(t *testing.T) {
	var b bytes.Buffer
	if err := GraphJSON(&b, weirdGraph(t)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(b.String(), "}\n") {
		t.Error("JSON must end with a newline")
	}
	var doc struct {
		Version int               `json:"version"`
		Root    map[string]string `json:"root"`
		Tables  []struct {
			Schema, Table, Outcome *string
			Paths                  *[][]string
		} `json:"tables"`
		Blockers []map[string]any `json:"blockers"`
		Cycles   *[]any           `json:"cycles"`
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != graph.Version || doc.Root["schema"] != "My Schema" || doc.Root["table"] != "User" {
		t.Errorf("version/root = %d %v", doc.Version, doc.Root)
	}
	for _, tb := range doc.Tables {
		if tb.Schema == nil || tb.Table == nil || tb.Outcome == nil || tb.Paths == nil {
			t.Errorf("table entry lacks a contract field: %+v", tb)
		}
	}
	if len(doc.Blockers) == 0 {
		t.Fatal("fixture should have a blocker")
	}
	for _, bl := range doc.Blockers {
		for _, k := range []string{"schema", "table", "constraint", "ref_schema", "ref_table", "kind"} {
			if _, ok := bl[k].(string); !ok {
				t.Errorf("blocker lacks %q: %v", k, bl)
			}
		}
	}
	if doc.Cycles == nil {
		t.Error(`"cycles" missing or null`)
	}
}

// TestGraphDOTIsValid runs Graphviz over the DOT output when it is
// installed, so escaping mistakes show up as syntax errors.
func TestGraphDOTIsValid(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("Graphviz dot not installed: .ci/run installs the graphviz package")
		}
		t.Skip("Graphviz dot not installed")
	}
	for name, g := range map[string]*graph.Graph{"app": appGraph(t), "weird": weirdGraph(t)} {
		var b bytes.Buffer
		if err := GraphDOT(&b, g); err != nil {
			t.Fatal(err)
		}
		in := filepath.Join(t.TempDir(), name+".dot")
		if err := os.WriteFile(in, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(dot, "-Tsvg", in).CombinedOutput()
		if err != nil {
			t.Errorf("dot -Tsvg %s: %v\n%s", name, err, out)
			continue
		}
		if !bytes.Contains(out, []byte("<svg")) {
			t.Errorf("dot output for %s is not SVG", name)
		}
	}
}

func TestRenderGraphFormats(t *testing.T) {
	g := appGraph(t)
	for _, f := range GraphFormats {
		var b bytes.Buffer
		if err := RenderGraph(&b, g, f, Style{}); err != nil || b.Len() == 0 {
			t.Errorf("%s: err=%v, %d bytes", f, err, b.Len())
		}
	}
	var unknown *UnknownFormatError
	if err := RenderGraph(&bytes.Buffer{}, g, "svg", Style{}); !errors.As(err, &unknown) {
		t.Errorf("err = %v, want *UnknownFormatError", err)
	}
}

func TestColorEnabledOnlyOnTerminals(t *testing.T) {
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm")
	if ColorEnabled(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
	f, err := os.Create(filepath.Join(t.TempDir(), "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if ColorEnabled(f) {
		t.Error("a regular file is not a terminal")
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		defer tty.Close()
		if !ColorEnabled(tty) {
			t.Error("/dev/tty is a terminal and NO_COLOR is empty")
		}
		t.Setenv("NO_COLOR", "1")
		if ColorEnabled(tty) {
			t.Error("NO_COLOR=1 must disable colour")
		}
	}
}

func TestTermTextEscapesControlCharacters(t *testing.T) {
	for in, want := range map[string]string{
		"users":         "users",
		"données":       "données",
		"a\nb":          `a\nb`,
		"\x1b[2Jgone":   `\x1b[2Jgone`,
		"tab\there\x7f": `tab\there\x7f`,
		"c1\u0085":      `c1\u0085`,
	} {
		if got := termText(in); got != want {
			t.Errorf("termText(%q) = %q, want %q", in, got, want)
		}
	}
}
