package main

import "micsync/internal/run"

// logCmd lists the runs that micsync recorded, on this machine and on the reachable discs.
type logCmd struct {
	Since   string   `placeholder:"DURATION" help:"Only runs of the last DURATION, e.g. 30d, 12h."`
	Which   string   `arg:"" optional:"" name:"run-or-path" placeholder:"RUN|PATH" help:"A run's id, as the list shows it: its record whole. Or a path inside a location: only the runs that synced it."`
	JSONOut jsonFlag `embed:""`
}

func (c *logCmd) Run(a *app) error {
	return run.Log(a.envFor(false, c.JSONOut.JSON), run.LogRequest{Since: c.Since, Which: c.Which})
}
