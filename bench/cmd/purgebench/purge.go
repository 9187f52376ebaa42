package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// purgeContender is package purge with batch size batch (0: its default).
func purgeContender(batch int) *contender {
	name, id := "purge", contPurge
	if batch > 0 {
		name, id = fmt.Sprintf("purge, batch %d", batch), fmt.Sprintf("%s_%d", contPurge, batch)
	}
	return &contender{name: name, id: id, run: func(ctx context.Context, conn *pgx.Conn) (*outcome, error) {
		return nil, errors.New("package purge is not available yet")
	}}
}
