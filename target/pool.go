package target

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Pool opens a pool of up to size connections to the database t.Conn is
// connected to, with the same settings (user, password, application
// name), for work that runs on several connections at once, such as a
// purge with parallel batches. The caller closes it before t.
func (t *Target) Pool(ctx context.Context, size int) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig("")
	if err != nil {
		return nil, fmt.Errorf("configuring a connection pool: %w", err)
	}
	cfg.ConnConfig = t.Conn.Config().Copy()
	cfg.MaxConns = int32(max(size, 1))
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("opening a pool of %d connections to %s: %s", size, describe(cfg.ConnConfig), Redact(err.Error(), t.opts.DSN))
	}
	return pool, nil
}
