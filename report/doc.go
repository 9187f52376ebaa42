// Package report renders ondelete's results for people and machines:
// inspect tables, deletion graphs as a text tree, versioned JSON, Graphviz
// DOT and Mermaid. Renderers only present; every decision (what blocks,
// what is a problem) is made upstream, so every format shows the same
// result. Colour is a Style chosen by the caller, never read from the
// environment by a renderer, which keeps golden files reproducible.
package report
