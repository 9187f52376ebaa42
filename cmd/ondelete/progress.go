package main

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// rowProgress reports a long row-by-row job (purge): a progress bar on a
// terminal, otherwise a log line at most every logEvery, so CI logs and
// journald get a heartbeat without a line per batch.
type rowProgress struct {
	bar   *progressbar.ProgressBar
	w     io.Writer
	total int64
	done  int64
	start time.Time
	last  time.Time
	now   func() time.Time
}

// logEvery is how often the non-terminal progress prints a line.
const logEvery = 5 * time.Second

func newRowProgress(w io.Writer, total int64, terminal bool, now func() time.Time) *rowProgress {
	p := &rowProgress{w: w, total: total, now: now, start: now()}
	p.last = p.start
	if terminal {
		p.bar = progressbar.NewOptions64(total,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription("purging"),
			progressbar.OptionShowCount(),
			progressbar.OptionShowIts(),
			progressbar.OptionSetItsString("rows"),
			progressbar.OptionThrottle(100*time.Millisecond),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionFullWidth(),
			progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
		)
	}
	return p
}

// add records n more rows done, the last of them in table (display form).
func (p *rowProgress) add(n int64, table string) {
	p.done += n
	if p.bar != nil {
		p.bar.Describe("purging " + table)
		p.bar.Add64(n)
		return
	}
	if t := p.now(); t.Sub(p.last) >= logEvery {
		p.last = t
		p.line(table)
	}
}

// finish prints the last line (or completes the bar).
func (p *rowProgress) finish() {
	if p.bar != nil {
		p.bar.Finish()
		return
	}
	p.line("")
}

func (p *rowProgress) line(table string) {
	elapsed := p.now().Sub(p.start)
	rate := 0.0
	if elapsed > 0 {
		rate = float64(p.done) / elapsed.Seconds()
	}
	pct := 100.0
	if p.total > 0 {
		pct = 100 * float64(p.done) / float64(p.total)
	}
	s := fmt.Sprintf("purge: %d/%d rows (%.1f%%), %.0f rows/s, %s elapsed", p.done, p.total, pct, rate, elapsed.Round(time.Second))
	if table != "" {
		s += ", now " + table
	}
	fmt.Fprintln(p.w, s)
}
