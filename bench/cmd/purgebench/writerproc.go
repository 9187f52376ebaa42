package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// writerEnv, set to "1", makes the executable run as the writer process.
//
// The writer runs in a process of its own, as an application does: in
// the benchmark's process it would share a Go scheduler and a garbage
// collector with purge, whose collection is CPU-heavy on the client, and
// its latency would measure that sharing instead of the database.
const writerEnv = "PURGEBENCH_WRITER"

// writerSpec is what the benchmark sends the writer process, one JSON
// line on its standard input; closing the input stops the writers.
type writerSpec struct {
	DSN                                            string
	Writers                                        int
	Seed                                           uint64
	Users, Projects, Documents, Tasks, Invitations []int64
}

// writerProc is a running writer process.
type writerProc struct {
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   *bufio.Scanner
	pids  []uint32
	// origin is the benchmark's origin on the wall clock, in Unix
	// nanoseconds: the process reports times on the wall clock, and the
	// benchmark measures from its origin.
	origin int64
}

// startWriterProc starts the writer process on dsn and waits until its
// connections are open.
func startWriterProc(ctx context.Context, dsn string, n int, pick *pickList, seed uint64, origin time.Time) (*writerProc, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("finding the executable for the writer process: %w", err)
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Env = append(os.Environ(), writerEnv+"=1")
	cmd.Stderr = os.Stderr
	p := &writerProc{cmd: cmd, origin: origin.UnixNano()}
	if p.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p.out = bufio.NewScanner(stdout)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting the writer process: %w", err)
	}
	spec := writerSpec{DSN: dsn, Writers: n, Seed: seed, Users: pick.users, Projects: pick.projects,
		Documents: pick.documents, Tasks: pick.tasks, Invitations: pick.invitations}
	if err := json.NewEncoder(p.stdin).Encode(spec); err != nil {
		return nil, errors.Join(fmt.Errorf("sending the writer process its work: %w", err), p.kill())
	}
	if !p.out.Scan() {
		return nil, errors.Join(fmt.Errorf("the writer process exited before it was ready: %w", p.out.Err()), p.kill())
	}
	f := strings.Fields(p.out.Text())
	if len(f) != n+1 || f[0] != "ready" {
		return nil, errors.Join(fmt.Errorf("the writer process said %q, want ready and %d backend pids", p.out.Text(), n), p.kill())
	}
	for _, s := range f[1:] {
		pid, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("the writer process said %q: %w", p.out.Text(), err), p.kill())
		}
		p.pids = append(p.pids, uint32(pid))
	}
	return p, nil
}

func (p *writerProc) kill() error {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	return nil
}

// stop closes the process's input, which stops its writers, and reads
// back every transaction, the rows inserted per table and each writer's
// first error.
func (p *writerProc) stop() ([]sample, map[string]int64, []error, error) {
	if err := p.stdin.Close(); err != nil {
		return nil, nil, nil, errors.Join(fmt.Errorf("stopping the writer process: %w", err), p.kill())
	}
	var samples []sample
	inserted := map[string]int64{}
	var errs []error
	for p.out.Scan() {
		line := p.out.Text()
		kind, rest, _ := strings.Cut(line, " ")
		switch kind {
		case "tx":
			var s sample
			var start, end int64
			var failed int
			if _, err := fmt.Sscan(rest, &s.writer, &s.kind, &start, &end, &failed); err != nil {
				return nil, nil, nil, errors.Join(fmt.Errorf("reading the writer process: %q: %w", line, err), p.kill())
			}
			s.start, s.end, s.failed = time.Duration(start-p.origin), time.Duration(end-p.origin), failed == 1
			samples = append(samples, s)
		case "inserted":
			var table string
			var n int64
			if _, err := fmt.Sscan(rest, &table, &n); err != nil {
				return nil, nil, nil, errors.Join(fmt.Errorf("reading the writer process: %q: %w", line, err), p.kill())
			}
			inserted[table] = n
		case "error":
			errs = append(errs, errors.New(rest))
		}
	}
	if err := p.out.Err(); err != nil {
		return nil, nil, nil, errors.Join(fmt.Errorf("reading the writer process: %w", err), p.kill())
	}
	if err := p.cmd.Wait(); err != nil {
		return nil, nil, nil, fmt.Errorf("the writer process: %w", err)
	}
	return samples, inserted, errs, nil
}

// writerMain is the writer process: it reads its spec, opens one
// connection per writer, says ready with their backend pids, writes until
// its input closes, then prints every transaction (times in Unix
// nanoseconds), the rows inserted per table and the writers' errors.
func writerMain(in io.Reader, out io.Writer) error {
	ctx := context.Background()
	r := bufio.NewReader(in)
	var spec writerSpec
	line, err := r.ReadBytes('\n')
	if err != nil {
		return fmt.Errorf("reading the spec: %w", err)
	}
	if err := json.Unmarshal(line, &spec); err != nil {
		return fmt.Errorf("reading the spec: %w", err)
	}
	cc, err := pgx.ParseConfig(spec.DSN)
	if err != nil {
		return fmt.Errorf("parsing the DSN: %w", err)
	}
	cc.RuntimeParams["application_name"] = "purgebench writer"
	var conns []*pgx.Conn
	defer func() {
		for _, c := range conns {
			c.Close(context.WithoutCancel(ctx))
		}
	}()
	pids := []string{"ready"}
	for range spec.Writers {
		c, err := pgx.ConnectConfig(ctx, cc)
		if err != nil {
			return fmt.Errorf("connecting: %w", err)
		}
		conns = append(conns, c)
		pids = append(pids, strconv.FormatUint(uint64(c.PgConn().PID()), 10))
	}
	w := bufio.NewWriter(out)
	fmt.Fprintln(w, strings.Join(pids, " "))
	if err := w.Flush(); err != nil {
		return err
	}
	pick := &pickList{users: spec.Users, projects: spec.Projects, documents: spec.Documents, tasks: spec.Tasks, invitations: spec.Invitations}
	wall := func() time.Duration { return time.Duration(time.Now().UnixNano()) }
	load := startWriters(ctx, conns, pick, spec.Seed, wall)
	_, _ = io.Copy(io.Discard, r) // until the benchmark closes our input
	samples, inserted, errs := load.stop()
	for _, s := range samples {
		failed := 0
		if s.failed {
			failed = 1
		}
		fmt.Fprintf(w, "tx %d %d %d %d %d\n", s.writer, s.kind, int64(s.start), int64(s.end), failed)
	}
	for t, n := range inserted {
		fmt.Fprintf(w, "inserted %s %d\n", t, n)
	}
	for _, err := range errs {
		fmt.Fprintf(w, "error %s\n", strings.ReplaceAll(err.Error(), "\n", " "))
	}
	return w.Flush()
}
