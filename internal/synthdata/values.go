package synthdata

import (
	"fmt"
	"strconv"

	"github.com/ondelete/ondelete/internal/synth"
)

// textKeyPrefixes make text primary keys that only survive correct
// quoting: quotes, backslashes, spaces, LIKE wildcards, non-ASCII letters.
var textKeyPrefixes = []string{
	"k", "O'Reilly", "with space", "Ünïcödé", `quo"te`, `back\slash`,
	"UPPER", "trailing ", "100%_like", "comma,semi;", "ünder_score",
}

// textValues are values of free text columns, chosen for the same reason.
var textValues = []string{
	"", "plain", "O'Brien", `back\slash`, "tab\there", "line\nbreak",
	"ünïcödé", "emoji 😀", "NULL", `"quoted"`, "  padded  ",
}

// jsonValues include a JSON null, which is not an SQL NULL.
var jsonValues = []string{
	`{"n": 1}`, `{"tags": ["a", "b"], "ok": true}`, `[1, 2, 3]`, `null`,
	`"text"`, `{"nested": {"quote": "it's"}}`, `{}`,
}

var statusValues = []string{"new", "active", "closed", "on hold", "ARCHIVED"}

// keyValue returns the key value of row r of table ti for a column of
// type typ. Integer keys are (ti+1)*keyStride + r + 1, so a key names its
// table and row at a glance and no two tables share one; UUIDs are random
// but seeded; text keys carry characters that need quoting.
func (g *generator) keyValue(typ string, ti, r int) string {
	switch typ {
	case "bigint", "integer", "smallint":
		return strconv.Itoa((ti+1)*keyStride + r + 1)
	case "uuid":
		return g.uuid()
	case "text", "character varying(64)":
		return textKeyPrefixes[r%len(textKeyPrefixes)] + "-" + strconv.Itoa(r)
	}
	panic(fmt.Sprintf("synthdata: no key values for type %q", typ))
}

// uuid returns a random (seeded) version-4 UUID.
func (g *generator) uuid() string {
	a, b := g.rnd.next(), g.rnd.next()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x",
		a>>32, (a>>16)&0xffff, 0x4000|a&0x0fff, 0x8000|(b>>48)&0x3fff, b&0xffffffffffff)
}

// extraValue returns a value for a non-key column: NULL now and then when
// the column is nullable, else a value of its type.
func (g *generator) extraValue(c synth.Column) *string {
	if !c.NotNull && g.rnd.chance(0.2) {
		return nil
	}
	var v string
	switch c.Type {
	case "text":
		if g.rnd.chance(0.5) {
			v = textValues[g.rnd.intn(len(textValues))]
		} else {
			v = "text " + strconv.Itoa(g.rnd.intn(1000))
		}
	case "timestamp with time zone":
		v = fmt.Sprintf("2024-%02d-%02d %02d:%02d:%02d+00", g.rnd.between(1, 12), g.rnd.between(1, 28),
			g.rnd.intn(24), g.rnd.intn(60), g.rnd.intn(60))
	case "numeric(12,2)":
		v = fmt.Sprintf("%d.%02d", g.rnd.intn(200000)-100000, g.rnd.intn(100))
	case "character varying(20)":
		v = statusValues[g.rnd.intn(len(statusValues))]
	case "character varying(64)":
		v = fmt.Sprintf("ref-%016x", g.rnd.next())
	case "jsonb":
		v = jsonValues[g.rnd.intn(len(jsonValues))]
	case "boolean":
		v = strconv.FormatBool(g.rnd.chance(0.5))
	case "integer", "bigint":
		v = strconv.Itoa(g.rnd.intn(20000) - 10000)
	case "smallint":
		v = strconv.Itoa(g.rnd.intn(100))
	case "uuid":
		v = g.uuid()
	default:
		if !c.NotNull {
			return nil
		}
		panic(fmt.Sprintf("synthdata: no values for type %q of NOT NULL column %q", c.Type, c.Name))
	}
	return &v
}
