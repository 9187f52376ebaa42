// Command ondelete puts foreign-key delete semantics under control in
// PostgreSQL: it inspects every foreign key, draws the deletion graph from a
// root table, and (in later commands) checks policy, plans migrations and
// proves cascades. This file only wires the process: signals, the root
// command, one-line errors and exit codes.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the process exit code. Deferred
// cleanup (a throwaway server, open connections) runs before it returns,
// also on Ctrl-C: the signal cancels the context instead of killing us.
func run(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if ctx.Err() != nil {
		// Ctrl-C or SIGTERM: cleanup has run (deferred Close calls stop a
		// throwaway server); say so plainly instead of "context canceled".
		fmt.Fprintln(stderr, "ondelete: interrupted")
		return exitInterrupted
	}
	fmt.Fprintln(stderr, "ondelete: "+oneLine(redactErr(err)))
	return exitCodeOf(err)
}
