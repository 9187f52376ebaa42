package synth

import (
	"strconv"
	"unicode/utf8"
)

// maxIdentBytes is PostgreSQL's NAMEDATALEN-1. Every generated name fits,
// so PostgreSQL never truncates one and the model's names are exact.
const maxIdentBytes = 63

// schemaNames are the schemas tables are spread over, public first. One
// needs quoting, so schema-qualified names are exercised with quotes too.
var schemaNames = []string{
	"public", "billing", "Audit Trail", "inventory", "crm", "support",
	"analytics", "hr", "logistics", "marketing", "legacy", "integrations",
}

// nouns and suffixes combine into ordinary table names ("invoices",
// "invoice_lines"). No combination ends in _pkey, _key, _idx or _seq, so a
// table can never collide with an index or sequence PostgreSQL names after
// another table.
var nouns = []string{
	"account", "address", "approval", "asset", "attachment", "budget",
	"campaign", "category", "comment", "contact", "contract", "coupon",
	"customer", "department", "device", "discount", "document", "employee",
	"event", "expense", "invoice", "lead", "license", "location", "message",
	"milestone", "order", "organization", "payment", "permission", "plan",
	"price", "product", "project", "purchase", "quote", "refund", "region",
	"report", "review", "role", "schedule", "shipment", "sprint", "store",
	"subscription", "supplier", "survey", "task", "team", "ticket",
	"timesheet", "transfer", "vendor", "warehouse", "webhook", "workflow",
}

var suffixes = []string{
	"", "", "", "items", "lines", "events", "notes", "history", "settings",
	"links", "versions", "tags", "audits", "members", "snapshots",
}

// weirdTableNames must be quoted to keep their spelling: mixed case,
// spaces, reserved words, an embedded double quote, non-ASCII letters and a
// leading digit. None starts with an underscore (array type names) or ends
// like an index or sequence name.
var weirdTableNames = []string{
	"Order", "UserAccounts", "line items", "order", "user", "group",
	"select", `we"ird`, "café_menüs", "Mixed Case Table", "from",
	"1099_forms", "table", "Ünïcode Ledger", "default", "check",
}

// extraColumn is a non-key column a table may carry, for realistic rows.
type extraColumn struct {
	name, typ, def string
	notNull        bool
}

var plainColumns = []extraColumn{
	{"name", "text", "''", true},
	{"created_at", "timestamp with time zone", "now()", true},
	{"updated_at", "timestamp with time zone", "", false},
	{"amount", "numeric(12,2)", "", false},
	{"status", "character varying(20)", "'new'", true},
	{"payload", "jsonb", "", false},
	{"is_active", "boolean", "true", true},
	{"note", "text", "", false},
	{"quantity", "integer", "", false},
	{"external_ref", "character varying(64)", "", false},
	{"sort_order", "smallint", "0", true},
}

var weirdColumns = []extraColumn{
	{"createdAt", "timestamp with time zone", "now()", true},
	{"desc", "text", "", false},
	{"user", "text", "", false},
	{"full name", "text", "", false},
	{"Ünit Price", "numeric(12,2)", "", false},
	{`say "hi"`, "text", "", false},
	{"order", "integer", "", false},
}

// plural returns a rough English plural, good enough for table names.
func plural(noun string) string {
	switch {
	case len(noun) > 1 && noun[len(noun)-1] == 'y' && !isVowel(noun[len(noun)-2]):
		return noun[:len(noun)-1] + "ies"
	case noun[len(noun)-1] == 's', noun[len(noun)-1] == 'x', hasSuffix(noun, "ch"), hasSuffix(noun, "sh"):
		return noun + "es"
	}
	return noun + "s"
}

func isVowel(b byte) bool {
	switch b {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

func hasSuffix(s, suf string) bool {
	return len(s) >= len(suf) && s[len(s)-len(suf):] == suf
}

// fit returns base+suffix, cutting base (on a character boundary) so the
// result fits in an identifier.
func fit(base, suffix string) string {
	room := maxIdentBytes - len(suffix)
	if len(base) > room {
		base = clip(base, room)
	}
	return base + suffix
}

// clip cuts s to at most n bytes without splitting a UTF-8 character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// unique returns the first of name, name_2, name_3, ... (each fitted to an
// identifier) that used does not hold, and records it in used.
func unique(used map[string]bool, name string) string {
	cand := fit(name, "")
	for n := 2; used[cand]; n++ {
		cand = fit(name, "_"+strconv.Itoa(n))
	}
	used[cand] = true
	return cand
}
