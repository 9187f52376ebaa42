package explain

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/graph"
)

// nullText stands for SQL NULL among row values read as text: PostgreSQL
// text cannot contain a NUL byte, so no real value collides with it.
const nullText = "\x00"

// keySep joins the parts of a composite identity into one map key, for
// the same reason.
const keySep = "\x00"

// collector is the state of one Collect: the tables and foreign keys of
// the graph, the rows read so far, and counters.
type collector struct {
	q       queryer
	opts    Options
	tables  []*tableState
	byName  map[catalog.TableName]*tableState
	edges   []*edgeState
	rows    int64
	queries int
	// Simulation results.
	queue    []event
	checks   []pendingCheck
	atCommit []pendingCheck
	blockers []*rawBlocker
	blocked  map[blockKey]bool
	deferred []deferredCheck
	lookups  int64
}

// tableState is one table of the graph and the rows read from it.
type tableState struct {
	// idx is the table's position in collector.tables.
	idx  int32
	name catalog.TableName
	cat  *catalog.Table
	// only is "ONLY " for a regular table: foreign keys never reach into
	// inheritance children, and PostgreSQL's own queries say ONLY too. A
	// partitioned table is read whole.
	only string
	// keyCols names the identity columns (the primary key, else ctid, and
	// tableoid first for a partitioned table); keyIdx are their exprs.
	keyCols []string
	keyIdx  []int
	// exprs are the SQL expressions read per row, over alias c, each
	// yielding text; exprs[0] is the ctid, which orders rows the way
	// PostgreSQL's scans delete them.
	exprs  []string
	exprOf map[string]int
	// ownIdx is the expr telling whether the row version was written by
	// the collecting transaction itself, 0 when it has written nothing.
	ownIdx int
	// out lists the foreign keys into this table, in the order
	// PostgreSQL fires their triggers for one deleted row; self lists the
	// ON DELETE CASCADE ones that are self-references, followed by one
	// recursive query instead of one query per level.
	out  []*edgeState
	self []*edgeState
	// in lists the foreign keys of this table into deleted tables.
	in []*edgeState
	// rows are every row read; byKey finds one by identity.
	rows  []row
	byKey map[string]int32
	// frontier holds rows newly known to be deleted by some cascade whose
	// foreign keys have not been followed yet.
	frontier []int32
	// changes records the rows SET NULL / SET DEFAULT updated.
	changes map[int32]*rowChange
}

// row is one row read from a table.
type row struct {
	// data holds the text of each of the table's exprs, encoded by
	// encodeRow: one string per row keeps a million rows to one
	// allocation each.
	data string
	// tid is the ctid as block<<16 | offset, for ordering.
	tid uint64
	// cand is true when some cascade chain from the root reaches the row,
	// so PostgreSQL may delete it.
	cand bool
	// round is the trigger round in which the simulation deleted the row,
	// -1 while it is not deleted.
	round int32
}

// rowChange is what SET NULL / SET DEFAULT did to one row.
type rowChange struct {
	// cols maps each changed column to its change.
	cols map[string]colChange
	// nulled and defaulted are the rounds of the first SET NULL / SET
	// DEFAULT, -1 when none.
	nulled, defaulted int32
}

// colChange is one column SET NULL / SET DEFAULT wrote.
type colChange struct {
	// null is true when the column is now NULL (SET NULL, or a default of
	// NULL).
	null bool
	// by is the foreign key whose SET DEFAULT wrote the column.
	by *edgeState
}

// edgeState is one foreign key into a deleted table.
//
// Which rows reference which is decided by PostgreSQL, never by comparing
// text: the lookup queries pass each referenced row's index along with
// its key and return it with every referencing row, so keys that are
// equal but print differently (numeric 1.0 and 1.00, citext, case-
// insensitive collations) link as PostgreSQL links them.
type edgeState struct {
	g        *graph.Edge
	fk       *catalog.ForeignKey
	from, to *tableState
	// refIdx are the from-table exprs of the referenced columns.
	refIdx []int
	// fkIdx are the to-table exprs of the referencing columns, read only
	// for SET DEFAULT (which looks up the key a row gets).
	fkIdx []int
	// refTypes are the referenced columns' types without modifiers, for
	// casting text parameters.
	refTypes []string
	// setPos are the positions (in fk.Columns) of the columns SET NULL /
	// SET DEFAULT changes.
	setPos []int
	// trigger is the name of PostgreSQL's ON DELETE trigger for the
	// constraint on the referenced table, which orders it among the
	// table's triggers.
	trigger string
	// deferred: a DEFERRABLE INITIALLY DEFERRED NO ACTION key, checked at
	// COMMIT. checkDeferred: any INITIALLY DEFERRED key, whose checks of
	// updated referencing rows run at COMMIT too.
	deferred, checkDeferred bool
	recursive               bool
	// notNull lists the columns the action sets to NULL although they are
	// NOT NULL (for SET DEFAULT: once the defaults are known).
	notNull []string
	// pairs records (referenced, referencing) row pairs as the lookups
	// return them; link turns them into off/kids: per from-table row,
	// the to-table rows referencing it, in ctid order.
	pairs []linkPair
	off   []int32
	kids  []int32
	// parentOfKid maps a referencing row to the row it references, built
	// on first use (re-checks are rare).
	parentOfKid map[int32]int32
	// defaults holds, per setPos, the default as text in the referencing
	// column's type (nullText for NULL).
	defaults []string
	// defParent maps a referencing row to the row its defaulted key
	// references, -1 when none exists; rows whose defaulted key has a
	// NULL are absent.
	defParent map[int32]int32
	// dyn lists, per referenced row, the rows SET DEFAULT made reference
	// it.
	dyn map[int32][]int32
	// fired is true once a deleted row fired this edge's trigger.
	fired bool
}

// linkPair is one referenced row and one row referencing it.
type linkPair struct{ p, k int32 }

// own reports whether row i's current version was written by the
// collecting transaction.
func (t *tableState) own(i int32) bool {
	return t.ownIdx > 0 && t.rows[i].val(t.ownIdx) == "true"
}

// key returns the identity values of row i, for output.
func (t *tableState) key(i int32) []string {
	r := &t.rows[i]
	out := make([]string, len(t.keyIdx))
	for j, k := range t.keyIdx {
		out[j] = r.val(k)
	}
	return out
}

// encodeRow encodes text values (nil for NULL) into one string: per
// value a uvarint of its length plus one (0 for NULL), then its bytes.
func encodeRow(raw [][]byte) string {
	size := 0
	for _, v := range raw {
		size += binary.MaxVarintLen32 + len(v)
	}
	buf := make([]byte, 0, size)
	for _, v := range raw {
		if v == nil {
			buf = append(buf, 0)
			continue
		}
		buf = binary.AppendUvarint(buf, uint64(len(v))+1)
		buf = append(buf, v...)
	}
	return string(buf)
}

// val returns value k of the row (nullText for NULL), without copying.
func (r *row) val(k int) string {
	s := r.data
	for {
		var n uint64
		var shift uint
		i := 0
		for {
			b := s[i]
			i++
			n |= uint64(b&0x7f) << shift
			if b < 0x80 {
				break
			}
			shift += 7
		}
		s = s[i:]
		if k == 0 {
			if n == 0 {
				return nullText
			}
			return s[:n-1]
		}
		if n > 0 {
			s = s[n-1:]
		}
		k--
	}
}

// hasNull reports whether one of the values at idx is NULL: a key with
// a NULL references nothing (MATCH SIMPLE or FULL).
func (r *row) hasNull(idx []int) bool {
	for _, k := range idx {
		if r.val(k) == nullText {
			return true
		}
	}
	return false
}

// parseTID turns "(block,offset)" into block<<16 | offset; 0 when the text
// is not a ctid.
func parseTID(s string) uint64 {
	if len(s) < 5 || s[0] != '(' || s[len(s)-1] != ')' {
		return 0
	}
	b, o, ok := strings.Cut(s[1:len(s)-1], ",")
	if !ok {
		return 0
	}
	bn, err1 := strconv.ParseUint(b, 10, 32)
	on, err2 := strconv.ParseUint(o, 10, 16)
	if err1 != nil || err2 != nil {
		return 0
	}
	return bn<<16 | on
}
