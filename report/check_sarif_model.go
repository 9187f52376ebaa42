package report

import "github.com/ondelete/ondelete/check"

// The subset of the SARIF 2.1.0 object model that CheckSARIF writes. Field
// names and JSON spellings follow the OASIS standard
// (https://docs.oasis-open.org/sarif/sarif/v2.1.0/) so the output
// validates against its schema (see report/testdata/sarif-schema-2.1.0.json
// and the test that checks it).

// sarifSchemaURI is the $schema every log names, so editors and
// validators know what they read.
const sarifSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// sarifSrcRoot is the uriBaseId relative source paths are resolved
// against: GitHub code scanning and most viewers map it to the checkout.
const sarifSrcRoot = "%SRCROOT%"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	// OriginalURIBaseIDs says where %SRCROOT% was on this machine, when
	// the caller told us.
	OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds,omitempty"`
	Results            []sarifResult                    `json:"results"`
	Properties         *sarifRunProperties              `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version,omitempty"`
	InformationURI string      `json:"informationUri"`
	Rules          []sarifRule `json:"rules"`
}

// sarifRule is a reportingDescriptor: one rule or lint.
type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     sarifText          `json:"shortDescription"`
	FullDescription      *sarifText         `json:"fullDescription,omitempty"`
	Help                 sarifText          `json:"help"`
	HelpURI              string             `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
}

// sarifText is both a message and a multiformatMessageString: only text
// is written, which both accept.
type sarifText struct {
	Text string `json:"text"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool `json:"executionSuccessful"`
	// ToolConfigurationNotifications carry the policy warnings: problems
	// with the tool's configuration (the policy file), not with the code.
	ToolConfigurationNotifications []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
}

type sarifNotification struct {
	Level   string    `json:"level"`
	Message sarifText `json:"message"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations"`
	// PartialFingerprints let code scanning recognise the same finding in
	// the next run even when its line or message changes.
	PartialFingerprints map[string]string `json:"partialFingerprints"`
	BaselineState       string            `json:"baselineState"`
	Properties          sarifFinding      `json:"properties"`
}

// sarifFinding is the result's property bag: the finding's fields as in
// the JSON contract, so a SARIF consumer loses nothing.
type sarifFinding struct {
	Rule       string   `json:"rule"`
	Schema     string   `json:"schema"`
	Table      string   `json:"table"`
	Constraint string   `json:"constraint,omitempty"`
	Columns    []string `json:"columns,omitempty"`
	Found      string   `json:"found,omitempty"`
	Expected   string   `json:"expected,omitempty"`
	Fix        string   `json:"fix,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
	Region           *sarifRegion          `json:"region,omitempty"`
}

type sarifArtifactLocation struct {
	URI       string `json:"uri"`
	URIBaseID string `json:"uriBaseId,omitempty"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

// sarifLogicalLocation names the database object a finding is about:
// kind "member" for a constraint (a member of its table), "type" for a
// table.
type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

// sarifRunProperties carries what SARIF has no place for: the summary
// counts and the baseline entries that no longer occur.
type sarifRunProperties struct {
	Summary check.Summary         `json:"summary"`
	Fixed   []check.BaselineEntry `json:"fixed,omitempty"`
}
