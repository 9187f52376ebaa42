package report

import (
	"encoding/json"
	"io"

	"github.com/ondelete/ondelete/catalog"
)

// InspectJSONVersion is the version of the inspect JSON contract
// (docs/json.md). It changes only when a field is removed or changes
// meaning; new fields may appear within a version.
const InspectJSONVersion = 1

// inspectDoc is the top-level inspect JSON document.
type inspectDoc struct {
	Version     int                  `json:"version"`
	ForeignKeys []catalog.ForeignKey `json:"foreign_keys"`
}

// InspectJSON writes the snapshot's foreign keys as the versioned inspect
// JSON document. An empty schema yields "foreign_keys": [], never null, so
// consumers need no special case.
func InspectJSON(w io.Writer, s *catalog.Snapshot) error {
	fks := s.ForeignKeys
	if fks == nil {
		fks = []catalog.ForeignKey{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(inspectDoc{Version: InspectJSONVersion, ForeignKeys: fks})
}
