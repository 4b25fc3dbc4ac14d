package run

import (
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// showAndAsk shows the plans of the destinations that were planned, those that are the same
// once for all of them, and asks each destination's questions after its plan. It returns the
// destinations that have something to do, in their order; none for a dry run, and none that
// the user's answers stopped.
func (e *Env) showAndAsk(src locations.Location, dests []*dest, o Options) ([]*dest, error) {
	var shown []ui.Listed
	of := map[*rsyncplan.Plan]*dest{}
	for _, d := range dests {
		if d.err == nil && d.plan != nil {
			shown = append(shown, ui.Listed{Role: d.loc.Role.String(), Dir: d.job.DstDir, Plan: d.plan})
			of[d.plan] = d
		}
	}
	asked := map[*dest]bool{}
	for _, g := range ui.Alike(shown) {
		e.Out.Plans(g, o.lists())
		for _, l := range g {
			d := of[l.Plan]
			where := ""
			if len(g) > 1 {
				where = d.loc.Path
			}
			e.Out.NewerList(src.Role.String(), d.loc.Role.String(), where, d.newer, o.lists())
		}
		for _, l := range g {
			d := of[l.Plan]
			if o.DryRun || d.plan.Empty() {
				continue
			}
			var err error
			if d.approval, err = e.approve(d, o); err != nil {
				return nil, err
			}
			asked[d] = d.skipped == ""
		}
	}
	var todo []*dest
	for _, d := range dests {
		if asked[d] {
			todo = append(todo, d)
		}
	}
	return todo, nil
}
