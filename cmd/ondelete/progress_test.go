package main

import (
	"strings"
	"testing"
	"time"
)

// TestRowProgressLog: without a terminal, a line at most every logEvery
// and a final one, with counts and rate.
func TestRowProgressLog(t *testing.T) {
	var b strings.Builder
	clock := time.Unix(0, 0)
	now := func() time.Time { return clock }
	p := newRowProgress(&b, 3000, false, now)
	p.add(1000, "public.posts")
	clock = clock.Add(2 * time.Second)
	p.add(1000, "public.posts")
	if b.Len() != 0 {
		t.Fatalf("line before %s: %q", logEvery, b.String())
	}
	clock = clock.Add(4 * time.Second)
	p.add(500, "public.comments")
	clock = clock.Add(time.Second)
	p.add(500, "public.users")
	p.finish()
	want := "purge: 2500/3000 rows (83.3%), 417 rows/s, 6s elapsed, now public.comments\n" +
		"purge: 3000/3000 rows (100.0%), 429 rows/s, 7s elapsed\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}
