package main

import (
	"fmt"
	"os"
	"path/filepath"
)

// migrationFile is one generated migration: its up statements, kept so the
// baseline runs them without reading or splitting the file.
type migrationFile struct {
	name string
	up   []string
}

// writeMigrations writes n goose-format migrations into dir: each creates
// a table and inserts a row, and its Down section drops the table.
func writeMigrations(dir string, n int) ([]migrationFile, error) {
	files := make([]migrationFile, 0, n)
	for i := 1; i <= n; i++ {
		table := fmt.Sprintf("bench_%05d", i)
		f := migrationFile{
			name: fmt.Sprintf("%05d_create_%s.sql", i, table),
			up: []string{
				fmt.Sprintf("CREATE TABLE %s (\n\tid bigint PRIMARY KEY,\n\tname text NOT NULL,\n\tcreated_at timestamptz NOT NULL DEFAULT now()\n)", table),
				fmt.Sprintf("INSERT INTO %s (id, name) VALUES (%d, 'row %d')", table, i, i),
			},
		}
		content := "-- +goose Up\n" + f.up[0] + ";\n" + f.up[1] + ";\n\n-- +goose Down\nDROP TABLE " + table + ";\n"
		if err := os.WriteFile(filepath.Join(dir, f.name), []byte(content), 0o644); err != nil {
			return nil, fmt.Errorf("writing migrations: %w", err)
		}
		files = append(files, f)
	}
	return files, nil
}
