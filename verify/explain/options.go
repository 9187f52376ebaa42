package explain

import (
	"errors"
	"fmt"
)

// DefaultBatchSize is how many parent keys one query looks up when
// Options.BatchSize is zero: large enough that a million-row graph takes
// a few hundred queries, small enough that one query's parameters stay a
// few hundred kilobytes.
const DefaultBatchSize = 10000

// Options tune a collection. The zero value is ready to use.
type Options struct {
	// BatchSize bounds how many keys one query passes; 0 means
	// DefaultBatchSize.
	BatchSize int
	// MaxRows stops the collection with ErrTooManyRows once more rows than
	// this have been read, so an accidental "delete the tenant" cannot
	// exhaust memory; 0 means no limit.
	MaxRows int64
}

// ErrInvalidOptions is wrapped by the error Collect returns for options
// out of range.
var ErrInvalidOptions = errors.New("invalid explain options")

// Validate reports the first option out of range.
func (o Options) Validate() error {
	switch {
	case o.BatchSize < 0:
		return fmt.Errorf("%w: BatchSize %d is negative", ErrInvalidOptions, o.BatchSize)
	case o.MaxRows < 0:
		return fmt.Errorf("%w: MaxRows %d is negative", ErrInvalidOptions, o.MaxRows)
	}
	return nil
}

// batch returns the effective batch size.
func (o Options) batch() int {
	if o.BatchSize == 0 {
		return DefaultBatchSize
	}
	return o.BatchSize
}
