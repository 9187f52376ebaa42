package report

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
)

// DefaultInformationURI is the project page SARIF logs point to when
// SARIFOptions.InformationURI is empty.
const DefaultInformationURI = "https://github.com/ondelete/ondelete"

// sarifFingerprintKey names ondelete's partial fingerprint; the version
// suffix lets the derivation change without silently matching old runs.
const sarifFingerprintKey = "ondeleteFinding/v1"

// SARIFOptions are the parts of a SARIF log the result does not know.
// The zero value is usable.
type SARIFOptions struct {
	// ToolVersion is tool.driver.version; empty means the main module's
	// version from the binary's build information.
	ToolVersion string
	// InformationURI is tool.driver.informationUri; empty means
	// DefaultInformationURI.
	InformationURI string
	// SrcRoot is the directory %SRCROOT% stands for (usually the
	// repository root, where CI runs). Absolute source paths below it are
	// written relative to it, and it is recorded in originalUriBaseIds.
	// Relative source paths are taken as relative to it already.
	SrcRoot string
	// Rules documents rules and lints by name (kebab-case lint name or
	// policy rule name) for the rules array that code scanning shows next
	// to each alert, overriding the defaults: a lint's summary from
	// policy.Lints, a policy rule's expectation.
	Rules map[string]RuleDoc
}

// RuleDoc describes one rule or lint for SARIF viewers.
type RuleDoc struct {
	// Summary is one sentence: what the rule requires.
	Summary string
	// Help explains why it matters and how to fix it, in plain text.
	Help string
	// HelpURI points to the rule's documentation.
	HelpURI string
}

// CheckSARIF writes the result as a SARIF 2.1.0 log with one run, for
// GitHub code scanning and other SARIF viewers. Every rule or lint that
// produced a finding is described in tool.driver.rules: a lint's ruleId
// is its stable code; policy rules, which all share one code, get
// "OD100/<rule name>" so each keeps its own alerts and help. A finding
// with a migration source is located at that file and line, relative to
// %SRCROOT% so the alert lands on the pull request's diff; every finding
// also names schema.table.constraint as a logical location. Partial
// fingerprints are derived from check.Finding.Key, so an alert survives
// edits that move the line or reword the message. Baselined findings have
// baselineState "unchanged", the others "new". Policy warnings become
// tool configuration notifications.
func CheckSARIF(w io.Writer, r *check.Result, opts SARIFOptions) error {
	log := buildSARIF(r, opts)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

func buildSARIF(r *check.Result, opts SARIFOptions) *sarifLog {
	infoURI := cmp.Or(opts.InformationURI, DefaultInformationURI)
	rules, index := sarifRules(r, opts, infoURI)
	results := make([]sarifResult, 0, len(r.Findings))
	for i := range r.Findings {
		f := &r.Findings[i]
		res := sarifResultOf(f, opts.SrcRoot)
		res.RuleIndex = index[res.RuleID]
		results = append(results, res)
	}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "ondelete",
			Version:        sarifToolVersion(opts.ToolVersion),
			InformationURI: infoURI,
			Rules:          rules,
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		Results:     results,
		Properties:  &sarifRunProperties{Summary: r.Summary, Fixed: r.Fixed},
	}
	for _, pw := range r.PolicyWarnings {
		inv := &run.Invocations[0]
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications,
			sarifNotification{Level: "warning", Message: sarifText{Text: pw}})
	}
	if base, ok := sarifRootURI(opts.SrcRoot); ok {
		run.OriginalURIBaseIDs = map[string]sarifArtifactLocation{sarifSrcRoot: {URI: base}}
	}
	return &sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
}

// sarifRuleID is the ruleId of f: its code, qualified by the rule name for
// policy rules.
func sarifRuleID(f *check.Finding) string {
	if f.Code == policy.RuleCode {
		return f.Code + "/" + f.Rule
	}
	return f.Code
}

// sarifRules describes every rule that produced a finding, sorted by id,
// and returns each id's index in that list. The default level is the
// most severe level the rule reported in this run; the help ends with the
// fix of the rule's first finding, as a worked example.
func sarifRules(r *check.Result, opts SARIFOptions, infoURI string) ([]sarifRule, map[string]int) {
	byID := map[string]*sarifRule{}
	rank := map[string]int{}
	for i := range r.Findings {
		f := &r.Findings[i]
		id := sarifRuleID(f)
		if rule, ok := byID[id]; ok {
			if f.Severity.Rank() > rank[id] {
				rank[id], rule.DefaultConfiguration.Level = f.Severity.Rank(), sarifLevel(f.Severity)
			}
			continue
		}
		byID[id], rank[id] = sarifRuleFor(id, f, opts.Rules[f.Rule], infoURI), f.Severity.Rank()
	}
	rules := make([]sarifRule, 0, len(byID))
	for _, rule := range byID {
		rules = append(rules, *rule)
	}
	sort.Slice(rules, func(i, j int) bool { return rules[i].ID < rules[j].ID })
	index := make(map[string]int, len(rules))
	for i, rule := range rules {
		index[rule.ID] = i
	}
	return rules, index
}

// sarifRuleFor describes the rule of f: from doc where given, else from
// the lint registry (policy.Lints) or, for a policy rule, from what it
// expects. helpUri defaults to the page of docs/ that documents the rule
// (docs/rules.md for lints, docs/policy.md for policy rules).
func sarifRuleFor(id string, f *check.Finding, doc RuleDoc, infoURI string) *sarifRule {
	summary, page := "policy rule "+f.Rule, "docs/policy.md"
	if f.Code == policy.RuleCode {
		if f.Expected != "" {
			summary += ": expected " + f.Expected
		}
	} else {
		summary, page = "ondelete lint "+f.Rule, "docs/rules.md"
		if l, ok := policy.LintByName(f.Rule); ok {
			summary = l.Summary
		}
	}
	summary = cmp.Or(doc.Summary, summary)
	help := cmp.Or(doc.Help, summary)
	if f.Fix != "" {
		help += "\n\nExample fix, for " + checkSubject(f) + ":\n" + strings.TrimRight(f.Fix, "\n")
	}
	rule := &sarifRule{
		ID:                   id,
		Name:                 f.Rule,
		ShortDescription:     sarifText{Text: summary},
		Help:                 sarifText{Text: help},
		HelpURI:              cmp.Or(doc.HelpURI, strings.TrimSuffix(infoURI, "/")+"/blob/main/"+page),
		DefaultConfiguration: sarifConfiguration{Level: sarifLevel(f.Severity)},
	}
	if doc.Help != "" {
		rule.FullDescription = &sarifText{Text: doc.Help}
	}
	return rule
}

// sarifResultOf converts one finding; RuleIndex is left for the caller.
func sarifResultOf(f *check.Finding, srcRoot string) sarifResult {
	res := sarifResult{
		RuleID:              sarifRuleID(f),
		Level:               sarifLevel(f.Severity),
		Message:             sarifText{Text: checkLongMessage(f, checkSubject(f))},
		PartialFingerprints: map[string]string{sarifFingerprintKey: sarifFingerprint(f)},
		BaselineState:       "new",
		Properties: sarifFinding{Rule: f.Rule, Schema: f.Schema, Table: f.Table, Constraint: f.Constraint,
			Columns: f.Columns, Found: f.Found, Expected: f.Expected, Fix: f.Fix},
	}
	if f.Baselined {
		res.BaselineState = "unchanged"
	}
	loc := sarifLocation{LogicalLocations: []sarifLogicalLocation{sarifLogical(f)}}
	if f.Source != nil && f.Source.File != "" {
		uri, base := sarifFileURI(f.Source.File, srcRoot)
		loc.PhysicalLocation = &sarifPhysicalLocation{ArtifactLocation: sarifArtifactLocation{URI: uri, URIBaseID: base}}
		if f.Source.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Source.Line}
		}
	}
	res.Locations = []sarifLocation{loc}
	return res
}

// sarifLogical names the constraint (or, without one, the table) a
// finding is about.
func sarifLogical(f *check.Finding) sarifLogicalLocation {
	if f.Constraint != "" {
		return sarifLogicalLocation{Name: f.Constraint, FullyQualifiedName: checkSubject(f), Kind: "member"}
	}
	return sarifLogicalLocation{Name: f.Table, FullyQualifiedName: checkSubject(f), Kind: "type"}
}

// sarifFingerprint hashes the finding's key: stable across runs, of fixed
// length, and free of characters a consumer might mangle.
func sarifFingerprint(f *check.Finding) string {
	sum := sha256.Sum256([]byte(f.Key()))
	return hex.EncodeToString(sum[:])
}

// sarifLevel maps a severity to a SARIF level; anything that is neither
// an error nor a warning is a note.
func sarifLevel(s policy.Severity) string {
	switch s {
	case policy.Error:
		return "error"
	case policy.Warning:
		return "warning"
	}
	return "note"
}

// sarifToolVersion is v, or the main module's version from the build
// information (a tagged version when installed with go install, "(devel)"
// for a local build), or empty when there is none.
func sarifToolVersion(v string) string {
	if v != "" {
		return v
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		return bi.Main.Version
	}
	return ""
}
