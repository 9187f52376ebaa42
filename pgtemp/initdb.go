package pgtemp

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
)

// runInitdb creates the cluster in dataDir. Trust authentication because
// only local, throwaway use is possible; UTF8 with the C locale so text
// sorts the same on every machine; --no-sync because the cluster is
// discarded anyway and fsync dominates initdb's run time.
func runInitdb(ctx context.Context, binDir, dataDir, dir string, own *owner) error {
	logPath := filepath.Join(dir, "initdb.log")
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("creating initdb log: %w", err)
	}
	defer logf.Close()
	if err := own.chown(logPath); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"),
		"--pgdata="+dataDir,
		"--auth=trust",
		"--username="+superuser,
		"--encoding=UTF8",
		"--locale=C",
		"--no-sync",
	)
	cmd.Dir = dir
	cmd.Env = serverEnv()
	cmd.Stdout = logf
	cmd.Stderr = logf
	cmd.SysProcAttr = own.sysProcAttr(syscall.SIGKILL)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("running initdb: %w", ctx.Err())
		}
		return fmt.Errorf("running initdb: %w\n%s", err, logTail(logPath, 0))
	}
	return nil
}

// serverEnv is the environment of initdb and postgres: ours without the
// libpq/server PG* variables (PGDATA, PGPORT, ...), which could point them
// at another cluster, and with messages in the C locale so logs are
// predictable.
func serverEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") || strings.HasPrefix(kv, "LC_ALL=") || strings.HasPrefix(kv, "LANG=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C")
}
