package migrate

import (
	"strings"

	pg_query "github.com/pganalyze/pg_query_go/v6"
)

// Kind is what a statement can do, as far as the parse tree tells. Apply
// uses it to skip the foreign-key catalog query after statements that only
// touch rows.
type Kind int

// The kinds of statement.
const (
	// KindUnparsed: pg_query could not parse the statement (newer or
	// foreign syntax); it is assumed to possibly change the schema.
	KindUnparsed Kind = iota
	// KindDML: SELECT, INSERT, UPDATE, DELETE, MERGE, COPY. These read or
	// write rows and do not change constraints (short of a SELECT calling a
	// function that runs DDL, which is not worth a catalog query each time).
	KindDML
	// KindTransaction: BEGIN, COMMIT, ROLLBACK, SAVEPOINT and friends.
	KindTransaction
	// KindSchema: everything else: DDL and other utility statements.
	KindSchema
)

// String returns the kind's lowercase name.
func (k Kind) String() string {
	switch k {
	case KindDML:
		return "dml"
	case KindTransaction:
		return "transaction"
	case KindSchema:
		return "schema"
	}
	return "unparsed"
}

// maxParseTokens bounds the statements classify hands to the parser.
// pg_query serialises the parse tree recursively in C, and a left-deep
// expression of some 30,000 operators (a+a+a+...) overflows the thread's
// stack and kills the process. A tree is never deeper than the statement
// has tokens, so below this bound it is safe; above it (in practice, only
// huge seed-data INSERTs) the token-based checks decide.
const maxParseTokens = 10000

// classify parses sql (of ntokens tokens) and returns its kind and whether
// it cannot run inside a transaction block. A goose StatementBegin block may
// hold several statements: the block is DML only if all of them are, and
// non-transactional if any is. When the parser rejects the text, a
// token-based check still catches the non-transactional statements.
func classify(sql string, ntokens int) (Kind, bool) {
	if ntokens > maxParseTokens {
		return KindUnparsed, noTransactionByTokens(sql)
	}
	tree, err := pg_query.Parse(sql)
	if err != nil || len(tree.Stmts) == 0 {
		return KindUnparsed, noTransactionByTokens(sql)
	}
	kind, noTx := Kind(-1), false
	for _, raw := range tree.Stmts {
		k, n := classifyNode(raw.Stmt)
		noTx = noTx || n
		switch {
		case kind == -1:
			kind = k
		case kind != k:
			kind = KindSchema
		}
	}
	return kind, noTx
}

// classifyNode classifies one parsed statement.
func classifyNode(n *pg_query.Node) (Kind, bool) {
	switch {
	case n.GetSelectStmt() != nil, n.GetInsertStmt() != nil, n.GetUpdateStmt() != nil,
		n.GetDeleteStmt() != nil, n.GetMergeStmt() != nil, n.GetCopyStmt() != nil:
		return KindDML, false
	case n.GetTransactionStmt() != nil:
		return KindTransaction, false
	case n.GetIndexStmt() != nil:
		return KindSchema, n.GetIndexStmt().Concurrent
	case n.GetDropStmt() != nil:
		d := n.GetDropStmt()
		return KindSchema, d.Concurrent && d.RemoveType == pg_query.ObjectType_OBJECT_INDEX
	case n.GetReindexStmt() != nil:
		return KindSchema, reindexNoTransaction(n.GetReindexStmt())
	case n.GetVacuumStmt() != nil:
		// ANALYZE alone may run in a transaction; VACUUM may not.
		return KindSchema, n.GetVacuumStmt().IsVacuumcmd
	case n.GetCreatedbStmt() != nil, n.GetDropdbStmt() != nil, n.GetAlterSystemStmt() != nil,
		n.GetCreateTableSpaceStmt() != nil, n.GetDropTableSpaceStmt() != nil:
		return KindSchema, true
	}
	return KindSchema, false
}

// reindexNoTransaction reports whether a REINDEX must run outside a
// transaction block: CONCURRENTLY, or a whole SYSTEM or DATABASE.
func reindexNoTransaction(r *pg_query.ReindexStmt) bool {
	if r.Kind == pg_query.ReindexObjectType_REINDEX_OBJECT_SYSTEM ||
		r.Kind == pg_query.ReindexObjectType_REINDEX_OBJECT_DATABASE {
		return true
	}
	for _, p := range r.Params {
		if d := p.GetDefElem(); d != nil && strings.EqualFold(d.Defname, "concurrently") {
			// REINDEX (CONCURRENTLY false) is allowed in a transaction.
			if b := d.Arg.GetBoolean(); b != nil && !b.Boolval {
				continue
			}
			if s := d.Arg.GetString_(); s != nil && strings.EqualFold(s.Sval, "false") {
				continue
			}
			return true
		}
	}
	return false
}

// noTransactionByTokens is the fallback for text the parser rejects: it
// recognises the non-transactional statements by their leading keywords.
func noTransactionByTokens(sql string) bool {
	res, err := pg_query.Scan(sql)
	if err != nil {
		return false
	}
	var words []pg_query.Token
	for _, t := range res.Tokens {
		if t.Token == pg_query.Token_SQL_COMMENT || t.Token == pg_query.Token_C_COMMENT {
			continue
		}
		words = append(words, t.Token)
		if len(words) == 5 {
			break
		}
	}
	at := func(i int, t pg_query.Token) bool { return i < len(words) && words[i] == t }
	switch {
	case at(0, pg_query.Token_VACUUM):
		return true
	case at(0, pg_query.Token_ALTER) && at(1, pg_query.Token_SYSTEM_P):
		return true
	case at(0, pg_query.Token_CREATE) && at(1, pg_query.Token_DATABASE),
		at(0, pg_query.Token_DROP) && at(1, pg_query.Token_DATABASE):
		return true
	case at(0, pg_query.Token_CREATE) && at(1, pg_query.Token_INDEX) && at(2, pg_query.Token_CONCURRENTLY),
		at(0, pg_query.Token_CREATE) && at(1, pg_query.Token_UNIQUE) && at(2, pg_query.Token_INDEX) && at(3, pg_query.Token_CONCURRENTLY),
		at(0, pg_query.Token_DROP) && at(1, pg_query.Token_INDEX) && at(2, pg_query.Token_CONCURRENTLY):
		return true
	case at(0, pg_query.Token_REINDEX):
		for _, w := range words[1:] {
			if w == pg_query.Token_CONCURRENTLY {
				return true
			}
		}
	}
	return false
}
