package main

import (
	"fmt"
	"io"
	"slices"
	"time"
)

// stats summarises one side's timed runs.
type stats struct {
	min, median, max time.Duration
}

func summarise(ts []time.Duration) stats {
	s := slices.Clone(ts)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return stats{min: s[0], median: med, max: s[len(s)-1]}
}

// report prints a Markdown table, one row per side: total times, time and statements per
// migration, overhead per migration over the baseline (from the medians
// and from the minimums) and the ratio of totals to goose.
func report(w io.Writer, env *environment, cfg *config, ss []*side) {
	fmt.Fprintf(w, "\n%d migrations (CREATE TABLE + INSERT each), %d rounds; %s\n\n", cfg.migrations, cfg.rounds, env.header())
	base := summarise(ss[0].times)
	var goose stats
	for _, s := range ss {
		if s.history == "goose_db_version" {
			goose = summarise(s.times)
		}
	}
	n := time.Duration(cfg.migrations)
	fmt.Fprintln(w, "| side | min | median | max | per migration | statements/migration | overhead/migration (median) | overhead/migration (min) | median ÷ goose |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range ss {
		st := summarise(s.times)
		over, overMin := "-", "-"
		if s != ss[0] {
			over = us((st.median - base.median) / n)
			overMin = us((st.min - base.min) / n)
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %s | %.1f | %s | %s | %.2f |\n", s.name, ms(st.min), ms(st.median), ms(st.max),
			us(st.median/n), s.statements, over, overMin, float64(st.median)/float64(goose.median))
	}
	for _, s := range ss {
		if s.name == "ondelete Runner.Up" {
			st := summarise(s.times)
			verdict := "no slower than goose: met"
			if st.median > goose.median {
				verdict = "no slower than goose: NOT met"
			}
			fmt.Fprintf(w, "\nondelete ÷ goose, medians: total %.2f, overhead over the baseline %.2f (%s)\n",
				float64(st.median)/float64(goose.median),
				float64(st.median-base.median)/float64(goose.median-base.median), verdict)
		}
	}
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }

func us(d time.Duration) string { return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond)) }
