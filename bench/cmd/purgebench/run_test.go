package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/ondelete/ondelete/pgtemp/pgtest"
)

// TestRunSmall runs the whole benchmark at a tiny scale against the test
// server: load, clone per contender, writer, tracer, sampler, checks and
// report. The contenders here are the ones that need no other package.
func TestRunSmall(t *testing.T) {
	dsn := pgtest.NewDB(t) // the test server's role may create databases
	cfg, err := parseFlags([]string{"-rows", "6000", "-others", "10", "-idle", "200ms", "-contenders", "native,chunked", "-rounds", "2", "-dsn", dsn})
	if err != nil {
		t.Fatal(err)
	}
	cfg.prefix = "purgebench_test"
	var out bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := run(ctx, cfg, &out, io.Discard); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	report := out.String()
	for _, want := range []string{"native DELETE", "chunked by hand", "round by round", "verdict", "chunked by hand: total", "writer's worst latency"} {
		if !strings.Contains(report, want) {
			t.Errorf("the report lacks %q:\n%s", want, report)
		}
	}
	if t.Failed() || testing.Verbose() {
		t.Log("\n" + report)
	}
}

func TestParseFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-rows", "10"},
		{"-tables", "3"},
		{"-batch", "x"},
		{"-batch", "-5"},
		{"-contenders", "native,bogus"},
		{"-contenders", "native,native"},
		{"-dsn", "postgres://x", "-set", "work_mem=1MB"},
		{"-rounds", "0"},
	} {
		if _, err := parseFlags(args); err == nil {
			t.Errorf("parseFlags(%q) accepted", args)
		}
	}
	cfg, err := parseFlags([]string{"-batch", "500, 2000,500", "-tables", "30"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.batches) != 2 || cfg.batches[0] != 500 || cfg.batches[1] != 2000 || cfg.tables != 30 {
		t.Errorf("parsed %+v", cfg)
	}
}
