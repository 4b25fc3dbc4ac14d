package main

import "micsync/internal/run"

// checkCmd validates the config file with the rules of every run and shows each location and
// whether it is reachable now. An unreachable location is no error: its disc may be unplugged.
type checkCmd struct {
	JSONOut jsonFlag `embed:""`
}

func (c *checkCmd) Run(a *app) error { return run.Check(a.envFor(false, c.JSONOut.JSON)) }
