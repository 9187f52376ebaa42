package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"text/tabwriter"
	"time"
)

// The targets for inspect plus graph on 5,000 tables and 10,000
// foreign keys.
const (
	targetTime  = time.Second
	targetRatio = 5.0
)

// report prints the setup, the side-by-side table, the ratios against the
// targets and the memory figures.
func report(w io.Writer, e *environment, sides []*side, mem *memory) error {
	p := &printer{w: w}
	p.f("ondelete: inspect + graph against information_schema drift queries\n\n")
	p.f("schema   %d tables, %d foreign keys (internal/synth, seed %d), loaded and ANALYZEd in %s\n",
		e.snapTables, e.snapFKs, e.cfg.seed, fmtDuration(e.loadTime))
	p.f("server   PostgreSQL %s, throwaway (pgtemp), jit = %s\n", e.serverVersion, e.jit)
	p.f("client   %s %s/%s, %d CPUs, GOMAXPROCS %d\n", runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.GOMAXPROCS(0))
	p.f("runs     %d per side (drift queries: %d), interleaved, each on a fresh connection\n", e.cfg.runs, e.cfg.driftRuns)
	p.f("root     %s (the biggest deletion graph: %d tables)\n\n", e.root, e.all.BiggestTables)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "side\truns\tmin\tmedian\tmax\tGo allocations (median)\t")
	for _, s := range sides {
		lo, med, hi := stats(s.times)
		if s.gaveUp {
			fmt.Fprintf(tw, "%s\t%d\t\t> %s\t\t(cancelled after %s)\t\n", s.name, len(s.times), fmtDuration(s.timeout), fmtDuration(s.timeout))
			continue
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t\n", s.name, len(s.times), fmtDuration(lo), fmtDuration(med), fmtDuration(hi), fmtBytes(medianU(s.allocs)))
		if len(s.inspect) > 0 {
			for _, half := range []struct {
				name string
				ds   []time.Duration
			}{{"  of which inspect", s.inspect}, {"  of which graph", s.build}} {
				lo, med, hi := stats(half.ds)
				fmt.Fprintf(tw, "%s\t\t%s\t%s\t%s\t\t\n", half.name, fmtDuration(lo), fmtDuration(med), fmtDuration(hi))
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}

	ig := sides[0]
	_, igMed, _ := stats(ig.times)
	p.f("\ninspect + graph, median %s: target ≤ %s %s\n", fmtDuration(igMed), targetTime, verdict(igMed <= targetTime))
	for _, s := range sides {
		if !s.drift {
			continue
		}
		_, med, _ := stats(s.times)
		if s.gaveUp {
			ratio := float64(s.timeout) / float64(igMed)
			p.f("%s: over %.0f× slower than inspect + graph (cancelled); target ≥ %.0f× %s\n", s.name, ratio, targetRatio, verdict(ratio >= targetRatio))
			continue
		}
		ratio := float64(med) / float64(igMed)
		p.f("%s: %.1f× slower than inspect + graph (medians); target ≥ %.0f× %s\n", s.name, ratio, targetRatio, verdict(ratio >= targetRatio))
	}
	p.f("\nmemory of one inspect + graph run (Go heap): %s allocated, peak heap %s, retained %s\n",
		fmtBytes(mem.allocated), fmtBytes(mem.peakHeap), fmtBytes(mem.retained))
	return p.err
}

// verdict spells out whether a target is met.
func verdict(met bool) string {
	if met {
		return "MET"
	}
	return "NOT MET"
}

// medianU returns the median of xs, 0 for none.
func medianU(xs []uint64) uint64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[len(s)/2]
}

// printer remembers the first write error so report can check once.
type printer struct {
	w   io.Writer
	err error
}

func (p *printer) f(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
