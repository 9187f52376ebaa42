package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/ondelete/ondelete/check"
)

// baselineFile is the on-disk baseline: today's findings, so that only new
// ones fail CI. JSON, sorted, so it diffs well in review.
type baselineFile struct {
	Version  int                   `json:"version"`
	Findings []check.BaselineEntry `json:"findings"`
}

func readBaseline(path string) (*baselineFile, error) {
	data, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading baseline: %w", err)
	}
	var b baselineFile
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%s: not a baseline file (%v): delete it and run with --baseline again to record one", path, err)
	}
	if b.Version != 1 {
		return nil, fmt.Errorf("%s: baseline version %d is not supported (want 1)", path, b.Version)
	}
	return &b, nil
}

// writeBaseline writes atomically (temp file + rename) so an interrupted
// run never leaves half a baseline behind.
func writeBaseline(path string, entries []check.BaselineEntry) error {
	if entries == nil {
		entries = []check.BaselineEntry{}
	}
	data, err := json.MarshalIndent(baselineFile{Version: 1, Findings: entries}, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing baseline: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing baseline: %w", err)
	}
	return nil
}
