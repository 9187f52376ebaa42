package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ondelete/ondelete/bench/internal/benchfmt"
	"github.com/ondelete/ondelete/verify/purge"
)

// The targets for purge.
const (
	targetRatio = 2.0
	targetTx    = 200 * time.Millisecond
	targetStall = 200 * time.Millisecond
)

// report prints the setup, one line per contender (medians over rounds,
// worst cases over rounds), the ratio to native round by round, the
// phases and the verdict.
func report(out io.Writer, b *bench, cs []*contender, rs []*result) error {
	w := &benchfmt.ErrWriter{W: out}
	ds, cfg := b.ds, b.cfg
	var deleted int64
	tables := 0
	if len(rs) > 0 {
		deleted, tables = rs[0].deletedTotal, len(rs[0].deleted)
	}
	w.Printf("\npurgebench: one user owning %s rows in %d tables (of %d), %s rows in all (%s); %d writer(s); %d round(s)\n",
		benchfmt.Thousands(deleted), tables, len(ds.tables), benchfmt.Thousands(ds.totalRows), ds.size, cfg.writers, cfg.rounds)
	w.Printf("%s\n\n", b.env.header())

	byC := map[*contender][]*result{}
	for _, r := range rs {
		byC[r.c] = append(byC[r.c], r)
	}
	var native *contender
	for _, c := range cs {
		if c.id == contNative {
			native = c
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "contender\ttotal\t÷ native\tlongest tx\tlongest write tx\tlongest tx (server)\ttransactions\twriter idle tx/s\tidle p99\tidle max\twriter tx/s\twriter p99\twriter max\tlongest lock wait\trows deleted\t")
	for _, c := range cs {
		s := summarizeContender(byC[c], byC[native])
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", c.name, dur(s.total), s.ratioText(),
			dur(s.longest), dur(s.longestWrite), dur(s.longestServer), benchfmt.Thousands(int64(s.transactions)),
			benchfmt.Thousands(int64(s.idleRate+0.5)), dur(s.idleP99), dur(s.idleMax), benchfmt.Thousands(int64(s.rate+0.5)), dur(s.p99), dur(s.writerMax), dur(s.lockWait), benchfmt.Thousands(s.deleted))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	w.Printf("%s", "\ntotal: median over rounds, from the first statement to the last commit (purge: from inspecting the catalog);\n"+
		"÷ native: the median of the per-round ratios, each contender against native in the same round;\n"+
		"longest tx: the longest over rounds of any transaction as the client timed it (BEGIN or first statement to\n"+
		"COMMIT), longest write tx the longest of those that wrote; longest tx (server): pg_stat_activity's\n"+
		"now() - xact_start, polled every "+cfg.sampleEvery.String()+" (a lower bound, short by less than one poll);\n"+
		"writer: latency of the writer's transactions, alone for "+cfg.idle.String()+" before (idle p99, median over rounds;\n"+
		"idle max, worst over rounds: what the machine does without a contender) and in flight while the contender\n"+
		"ran (p99, median over rounds; max, worst over rounds); tx/s: the writer's committed transactions per second\n"+
		"(medians): a contender that blocks the writer also frees the CPU it would use; longest lock wait: the longest run of polls that found\n"+
		"one writer waiting on a lock (worst over rounds), the part of its latency the contender's locks caused.\n")

	if cfg.rounds > 1 && native != nil {
		w.Printf("\nround by round, total (÷ native):\n")
		for _, c := range cs {
			var parts []string
			for i, r := range byC[c] {
				parts = append(parts, fmt.Sprintf("%s (%.2f×)", dur(r.total), r.total.Seconds()/byC[native][i].total.Seconds()))
			}
			w.Printf("  %-22s %s\n", c.name, strings.Join(parts, ", "))
		}
	}
	for _, c := range cs {
		r := byC[c][0]
		if len(r.out.phases) > 0 {
			var parts []string
			for _, p := range r.out.phases {
				parts = append(parts, p.name+" "+dur(p.took))
			}
			w.Printf("\n%s, round 1: %s\n", c.name, strings.Join(parts, ", "))
		}
		if r.out.longestReported > 0 {
			w.Printf("%s, round 1: longest batch by its own account %s over %d transactions\n", c.name, dur(r.out.longestReported), r.out.transactions)
		}
		w.Printf("%s, round 1, this process (the client): %s\n", c.name, r.client)
		if len(r.out.batches) > 0 {
			longestBatches(w, r.out.batches, r.out.batchEnds)
		}
	}
	w.Printf("\nwriter lock waits seen by the sampler (polls in which a writer waited on a lock, of all polls):\n")
	for _, c := range cs {
		var parts []string
		for _, r := range byC[c] {
			parts = append(parts, fmt.Sprintf("%d of %d", r.server.lockWaits, r.server.polls))
		}
		w.Printf("  %-22s %s\n", c.name, strings.Join(parts, ", "))
	}
	w.Printf("\nthe writer's slowest transaction and its wait events (×polls), round by round, with the machine's load average\n" +
		"(2 CPUs) at the contender's start and end:\n")
	for _, r := range rs {
		w.Printf("  %s, round %d, load %s → %s: %s\n    waits: %s\n", r.c.name, r.round, r.load[0], r.load[1], r.worst, topWaits(r.server.waitEvents, 5))
	}
	for _, c := range cs {
		if ss := byC[c][0].statements; len(ss) > 0 {
			printStatements(w, c.name, ss)
		}
	}
	for _, r := range rs {
		for _, err := range r.writerErrs {
			w.Printf("%s, round %d: first failed writer transaction: %v\n", r.c.name, r.round, err)
		}
	}

	w.Printf("\nverdict (targets: total ≤ %.0f× native, no transaction longer than %s, writer never stalls longer than %s):\n",
		targetRatio, dur(targetTx), dur(targetStall))
	for _, c := range cs {
		if c.id == contNative {
			continue
		}
		verdict(w, c, summarizeContender(byC[c], byC[native]))
	}
	if native != nil {
		s := summarizeContender(byC[native], byC[native])
		w.Printf("  %s, for reference: one transaction of %s; the writer's worst wait %s\n", native.name, dur(s.longest), dur(s.writerMax))
	}
	return w.Err
}

// longestBatches prints purge's five longest batches and the closed one.
func longestBatches(w *benchfmt.ErrWriter, bs []purge.BatchStats, ends []time.Duration) {
	s := slices.Clone(bs)
	slices.SortStableFunc(s, func(a, b purge.BatchStats) int { return cmp.Compare(b.Duration, a.Duration) })
	line := func(b purge.BatchStats) {
		kind := string(b.Op)
		if b.Closed {
			kind = "closed"
		}
		w.Printf("    #%d %s %s: %d rows (%d skipped), %s, %d retries, ended %s into the purge\n",
			b.Seq, kind, b.Table, b.Rows, b.Skipped, dur(b.Duration), b.Retries, dur(ends[b.Seq-1]))
	}
	w.Printf("  longest batches:\n")
	for _, b := range s[:min(5, len(s))] {
		line(b)
	}
	if last := bs[len(bs)-1]; last.Closed && !slices.ContainsFunc(s[:min(5, len(s))], func(b purge.BatchStats) bool { return b.Seq == last.Seq }) {
		w.Printf("  the closed batch:\n")
		line(last)
	}
}

// contenderSummary is one contender over all rounds.
type contenderSummary struct {
	total, longest, longestWrite, longestServer time.Duration
	longestServerWrite                          time.Duration
	idleP99, idleMax, p99, writerMax, lockWait  time.Duration
	ratio                                       float64 // 0 without native
	idleRate, rate                              float64 // writer transactions per second, medians
	transactions                                int
	deleted                                     int64
	longestIsRead                               bool
}

func (s contenderSummary) ratioText() string {
	if s.ratio == 0 {
		return "-"
	}
	return strconv.FormatFloat(s.ratio, 'f', 2, 64) + "×"
}

// summarizeContender takes medians of totals, per-round ratios and p99s,
// and the worst of the longest transactions and of the writer's maxima.
// native lists native's results in the same rounds, or is nil.
func summarizeContender(rs, native []*result) contenderSummary {
	var s contenderSummary
	var totals, idle, p99 []time.Duration
	var ratios, idleRates, rates []float64
	for i, r := range rs {
		idleRates = append(idleRates, r.idle.PerSecond)
		rates = append(rates, r.during.PerSecond)
		totals = append(totals, r.total)
		idle = append(idle, r.idle.P99)
		p99 = append(p99, r.during.P99)
		if l := r.longestClient(); l.length() > s.longest {
			s.longest = l.length()
			s.longestIsRead = !l.wrote
		}
		s.longestWrite = max(s.longestWrite, r.longestClientWrite().length())
		s.longestServer = max(s.longestServer, r.server.longest)
		s.longestServerWrite = max(s.longestServerWrite, r.server.longestWrite)
		s.writerMax = max(s.writerMax, r.during.Max)
		s.idleMax = max(s.idleMax, r.idle.Max)
		s.lockWait = max(s.lockWait, r.server.longestLockWait)
		s.transactions = max(s.transactions, len(r.clientTxs))
		s.deleted = r.deletedTotal
		if i < len(native) {
			ratios = append(ratios, r.total.Seconds()/native[i].total.Seconds())
		}
	}
	s.total, s.idleP99, s.p99 = median(totals), median(idle), median(p99)
	s.ratio, s.idleRate, s.rate = medianFloat(ratios), medianFloat(idleRates), medianFloat(rates)
	return s
}

// medianFloat is the median of fs, 0 for none.
func medianFloat(fs []float64) float64 {
	if len(fs) == 0 {
		return 0
	}
	s := slices.Clone(fs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// verdict prints PASS or MISS for each target.
func verdict(w *benchfmt.ErrWriter, c *contender, s contenderSummary) {
	if s.ratio > 0 {
		w.Printf("  %s: total %.2f× native: %s\n", c.name, s.ratio, pass(s.ratio <= targetRatio))
	}
	what := "a write"
	if s.longestIsRead {
		what = "read-only"
	}
	w.Printf("  %s: longest transaction %s (%s; server %s): %s\n", c.name,
		dur(s.longest), what, dur(s.longestServer), pass(max(s.longest, s.longestServer) <= targetTx))
	w.Printf("  %s: longest transaction that wrote %s (server %s): %s\n", c.name,
		dur(s.longestWrite), dur(s.longestServerWrite), pass(max(s.longestWrite, s.longestServerWrite) <= targetTx))
	w.Printf("  %s: writer's worst latency %s (idle: p99 %s, max %s): %s\n", c.name, dur(s.writerMax), dur(s.idleP99), dur(s.idleMax), pass(s.writerMax <= targetStall))
	w.Printf("  %s: writer's longest lock wait %s (polled): %s\n", c.name, dur(s.lockWait), pass(s.lockWait <= targetStall))
}

func pass(ok bool) string {
	if ok {
		return "PASS"
	}
	return "MISS"
}

// dur renders a duration with three significant figures.
func dur(d time.Duration) string {
	switch {
	case d >= time.Second:
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + " s"
	case d >= 10*time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 1, 64) + " ms"
	default:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + " ms"
	}
}
