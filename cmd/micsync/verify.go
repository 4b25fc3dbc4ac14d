package main

import "micsync/internal/run"

// verifyCmd compares the copies of the locations by content and names the bad ones.
type verifyCmd struct {
	Repair        bool     `xor:"repair" help:"Replace each bad copy from a good one, after asking; the bad copy is kept in the trash."`
	Budget        string   `xor:"budget" placeholder:"TIME|SIZE" help:"Verify the files verified longest ago until this much time (20m, 1h) or data (50GB) is spent; remembered per location, so that repeated runs cover everything."`
	Status        bool     `xor:"repair,budget" help:"Say how much of each location was verified in the last 30, 90 and 365 days; verifies nothing."`
	Yes           bool     `help:"Answer yes to the question of --repair."`
	Configuration string   `placeholder:"NAME" help:"Only this configuration."`
	Wait          bool     `help:"Wait for another micsync run that uses one of the locations, instead of stopping."`
	Quiet         bool     `short:"q" help:"Print nothing but errors and questions (for scripts)."`
	Paths         []string `arg:"" optional:"" name:"path" help:"Files or directories inside a location, all in the same directory; every location of every configuration when none is given."`
	JSONOut       jsonFlag `embed:""`
}

func (c *verifyCmd) Run(a *app) error {
	req := run.VerifyRequest{Paths: c.Paths, Repair: c.Repair, Budget: c.Budget,
		Options: run.Options{Yes: c.Yes, Configuration: c.Configuration, Wait: c.Wait, Quiet: c.Quiet || c.JSONOut.JSON}}
	e := a.envFor(c.Quiet, c.JSONOut.JSON)
	if c.Status {
		return run.VerifyStatus(e, req)
	}
	return run.Verify(e, req)
}
