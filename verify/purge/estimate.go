package purge

import (
	"math"
	"time"
)

// estimate learns, from the batches that committed, how many rows one
// addressed row changes (itself plus what PostgreSQL's ON DELETE actions
// change under it) and how long that takes, so that the next batch of the
// same table addresses as many rows as fit in the limits. Subtrees differ
// in size, so it follows recent batches (an exponential average) and
// grows the batch at most fourfold at a time.
type estimate struct {
	samples int
	// rowsPer and secsPer are per addressed row.
	rowsPer, secsPer float64
	// last is the size of the latest batch, committed or not.
	last int
}

// startBatch is the size of a table's first batch, before anything is
// known about its rows.
const startBatch = 16

// limits bound one batch: at most rows changed rows and, when time is
// positive, about time of work (a third of the statement timeout).
type limits struct {
	rows int
	time time.Duration
}

// size is how many rows the next batch should address, at most want.
func (e *estimate) size(l limits, want int) int {
	n := min(startBatch, l.rows)
	if e.samples > 0 {
		f := float64(l.rows) / math.Max(e.rowsPer, 1)
		if l.time > 0 && e.secsPer > 0 {
			f = math.Min(f, l.time.Seconds()/e.secsPer)
		}
		n = int(f * 0.9)
		if e.last > 0 {
			n = min(n, 4*e.last)
		}
	}
	n = max(1, min(n, want, l.rows))
	e.last = n
	return n
}

// learn records a committed batch of n addressed rows that changed
// changed rows in d.
func (e *estimate) learn(n, changed int, d time.Duration) {
	if n <= 0 {
		return
	}
	rows, secs := float64(max(changed, n))/float64(n), d.Seconds()/float64(n)
	if e.samples == 0 {
		e.rowsPer, e.secsPer = rows, secs
	} else {
		e.rowsPer = (e.rowsPer + rows) / 2
		e.secsPer = (e.secsPer + secs) / 2
	}
	e.samples++
}

// tooBig records that a batch of n rows went over the limits: the next
// one addresses at most a quarter as many.
func (e *estimate) tooBig(n int, l limits) {
	q := math.Max(float64(n)/4, 1)
	e.rowsPer = math.Max(e.rowsPer, float64(l.rows)/q/0.9)
	if l.time > 0 {
		e.secsPer = math.Max(e.secsPer, l.time.Seconds()/q/0.9)
	}
	e.samples = max(e.samples, 1)
	e.last = int(q)
}
