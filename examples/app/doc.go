// Package app holds the bundled example schema: the migrations of a
// made-up project-management product in migrations/, described in
// README.md. The package has no code; its tests apply the migrations to a
// throwaway PostgreSQL with the migrate package and check that the schema
// still shows every case the README promises (blockers, cascades, odd
// names, partitions), so the example cannot drift from its description.
package app
