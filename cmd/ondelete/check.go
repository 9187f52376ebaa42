package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/ondelete/ondelete/catalog"
	"github.com/ondelete/ondelete/check"
	"github.com/ondelete/ondelete/policy"
	"github.com/ondelete/ondelete/report"
	"github.com/ondelete/ondelete/target"
)

func newCheckCmd() *cobra.Command {
	var (
		db             dbFlags
		policyPath     string
		format         string
		failOn         string
		baselinePath   string
		updateBaseline bool
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check foreign keys against the policy in ondelete.yaml (a CI gate)",
		Long: `check evaluates the policy file (rules and built-in lints) against the database
and reports every finding with its code, what was found versus expected, a concrete
fix and, with --migrations, the migration file and line to edit.

Exit status: 0 clean, 1 findings at or above --fail-on, 2 bad input.`,
		Example: `  ondelete check --migrations ./db/migrations
  ondelete check --dsn "$DATABASE_URL" --policy ondelete.yaml --format sarif > ondelete.sarif
  ondelete check --migrations ./db/migrations --format github`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := checkFormat(format, report.CheckFormats...); err != nil {
				return err
			}
			threshold := policy.Severity(failOn)
			if threshold != policy.Error && threshold != policy.Warning {
				return fmt.Errorf("unknown --fail-on %q: use error or warning", failOn)
			}
			ev, err := evaluate(cmd, &db, policyPath, baselinePath, updateBaseline)
			if err != nil {
				return err
			}
			res := ev.result
			if err := report.RenderCheck(cmd.OutOrStdout(), res, format, styleFor(cmd)); err != nil {
				return err
			}
			if res.Failed(threshold) {
				return &exitError{code: exitFindings, err: errors.New(findingsLine(res))}
			}
			return nil
		},
	}
	db.register(cmd)
	fs := cmd.Flags()
	fs.StringVar(&policyPath, "policy", "ondelete.yaml", "policy file")
	fs.StringVarP(&format, "format", "f", "text", "output format: text, json, sarif, github or junit")
	fs.StringVar(&failOn, "fail-on", "error", "lowest severity that fails the check: error or warning")
	fs.StringVar(&baselinePath, "baseline", "", "baseline file: findings recorded there do not fail; created with today's findings when missing")
	fs.BoolVar(&updateBaseline, "update-baseline", false, "rewrite the --baseline file with today's findings")
	return cmd
}

// findingsLine is the one-line verdict on stderr when the check fails.
func findingsLine(r *check.Result) string {
	return fmt.Sprintf("check failed: %d errors, %d warnings", r.Summary.Errors, r.Summary.Warnings)
}

// evaluate runs the check both check and plan are built on: it loads the
// policy and baseline, inspects the target and evaluates. With
// updateBaseline (or a --baseline file that does not exist yet) it
// records today's findings in the baseline file.
func evaluate(cmd *cobra.Command, db *dbFlags, policyPath, baselinePath string, updateBaseline bool) (*evaluated, error) {
	pol, err := policy.Load(policyPath)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("no policy at %s: write one with `ondelete init > %[1]s` or pass --policy", policyPath)
		}
		return nil, err
	}
	var baseline *baselineFile
	if baselinePath != "" && !updateBaseline {
		if baseline, err = readBaseline(baselinePath); err != nil {
			return nil, err
		}
	}
	snap, err := target.Snapshot(cmd.Context(), db.options(cmd))
	if err != nil {
		return nil, err
	}
	res, err := check.Evaluate(snap, pol, check.Options{})
	if err != nil {
		return nil, err
	}
	for _, w := range res.PolicyWarnings {
		fmt.Fprintln(cmd.ErrOrStderr(), "ondelete: warning: "+w)
	}
	ev := &evaluated{snap: snap, result: res, policy: pol}
	if baselinePath != "" && (updateBaseline || baseline == nil) {
		ev.baseline = check.BaselineOf(res)
		if err := writeBaseline(baselinePath, ev.baseline); err != nil {
			return nil, err
		}
		fmt.Fprintf(cmd.ErrOrStderr(), "ondelete: recorded %d findings in %s; from now on only new ones fail\n",
			len(res.Findings), baselinePath)
	} else if baseline != nil {
		ev.baseline = baseline.Findings
	}
	if ev.baseline != nil {
		check.ApplyBaseline(res, ev.baseline)
	}
	return ev, nil
}

// evaluated is a check run: the snapshot, what check found in it, and
// what it needs to check another snapshot the same way.
type evaluated struct {
	snap     *catalog.Snapshot
	result   *check.Result
	policy   *policy.Policy
	baseline []check.BaselineEntry
}

// recheck evaluates s exactly as the run did (policy and baseline), for
// plan.Converge.
func (ev *evaluated) recheck(s *catalog.Snapshot) ([]check.Finding, error) {
	res, err := check.Evaluate(s, ev.policy, check.Options{})
	if err != nil {
		return nil, err
	}
	if ev.baseline != nil {
		check.ApplyBaseline(res, ev.baseline)
	}
	return res.Findings, nil
}
