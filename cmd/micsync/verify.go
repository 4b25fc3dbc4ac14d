package main

import "micsync/internal/run"

// verifyCmd compares the copies of the locations by content and names the bad ones.
type verifyCmd struct {
	Repair        bool     `help:"Replace each bad copy from a good one, after asking; the bad copy is kept in the trash."`
	Yes           bool     `help:"Answer yes to the question of --repair."`
	Configuration string   `placeholder:"NAME" help:"Only this configuration."`
	Wait          bool     `help:"Wait for another micsync run that uses one of the locations, instead of stopping."`
	Quiet         bool     `short:"q" help:"Print nothing but errors and questions (for scripts)."`
	Paths         []string `arg:"" optional:"" name:"path" help:"Files or directories inside a location, all in the same directory; every location of every configuration when none is given."`
}

func (c *verifyCmd) Run(a *app) error {
	return run.Verify(a.env(c.Quiet), run.VerifyRequest{Paths: c.Paths, Repair: c.Repair,
		Options: run.Options{Yes: c.Yes, Configuration: c.Configuration, Wait: c.Wait, Quiet: c.Quiet}})
}
