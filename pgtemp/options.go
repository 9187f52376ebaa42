package pgtemp

import (
	"fmt"
	"time"
)

// defaultStartTimeout bounds initdb plus server start. A cold start is about
// a second; slow CI machines under load have been seen to need far more.
const defaultStartTimeout = 60 * time.Second

// Options configures Start. The zero value is ready to use.
type Options struct {
	// BinDir is the directory holding initdb and postgres. Empty means: $PG_BIN,
	// then PATH, then the newest /usr/lib/postgresql/<version>/bin.
	BinDir string
	// StartTimeout bounds initdb plus waiting for the server to accept
	// connections; zero means 60s. The context passed to Start can shorten it.
	StartTimeout time.Duration
	// Settings are extra server settings passed as -c name=value, after (and
	// so overriding) the defaults; e.g. {"max_connections": "200"}.
	Settings map[string]string
}

// withDefaults validates o and fills in defaults, so Start never has to
// check a field twice.
func (o Options) withDefaults() (Options, error) {
	if o.StartTimeout < 0 {
		return o, fmt.Errorf("pgtemp: negative StartTimeout %s", o.StartTimeout)
	}
	if o.StartTimeout == 0 {
		o.StartTimeout = defaultStartTimeout
	}
	for name := range o.Settings {
		if name == "" {
			return o, fmt.Errorf("pgtemp: empty setting name in Settings")
		}
	}
	return o, nil
}
