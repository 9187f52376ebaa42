package purge

import (
	"github.com/ondelete/ondelete/catalog"
)

// throughSnapshot returns snap with every constraint in through turned
// into ON DELETE CASCADE, the model purge plans with: collecting with it
// puts the rows those constraints would block among the rows to delete,
// children first like every other. snap itself is not changed; without
// constraints it is returned as is.
func throughSnapshot(snap *catalog.Snapshot, through []catalog.ConstraintKey) (*catalog.Snapshot, error) {
	if len(through) == 0 {
		return snap, nil
	}
	want := make(map[catalog.ConstraintKey]bool, len(through))
	for _, k := range through {
		want[k] = true
	}
	out := *snap
	out.ForeignKeys = append([]catalog.ForeignKey(nil), snap.ForeignKeys...)
	for i := range out.ForeignKeys {
		fk := &out.ForeignKeys[i]
		if !want[fk.Key()] {
			continue
		}
		delete(want, fk.Key())
		if !fk.OnDelete.Blocks() {
			return nil, &ThroughError{Constraint: fk.Key().String(), Reason: "it is ON DELETE " + fk.OnDelete.SQL() + ", not NO ACTION or RESTRICT"}
		}
		fk.OnDelete = catalog.Cascade
	}
	for _, k := range through {
		if want[k] {
			return nil, &ThroughError{Constraint: k.String(), Reason: "no such foreign key"}
		}
	}
	return &out, nil
}
