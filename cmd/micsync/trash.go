package main

import "micsync/internal/run"

// trashCmd works on the trash that every run keeps in each destination location:
// .micsync-trash/<UTC time of the run>/<path below the location's root> (package trash).
type trashCmd struct {
	List    trashListCmd    `cmd:"" help:"List the trash runs of every reachable location, or of one, or the files of one run."`
	Restore trashRestoreCmd `cmd:"" help:"Copy files back from a trash run into its location, asking before overwriting; never deletes."`
	Empty   trashEmptyCmd   `cmd:"" help:"Delete trash runs, after asking."`
}

type trashListCmd struct {
	// ROOT is what completion offers: the roots of the locations.
	Which   string   `arg:"" optional:"" name:"run-or-location" placeholder:"ROOT" help:"A trash run, as the list shows it: the files it holds, with their sizes. Or a location's root directory: only its runs."`
	JSONOut jsonFlag `embed:""`
}

func (c *trashListCmd) Run(a *app) error {
	return run.ListTrash(a.envFor(false, c.JSONOut.JSON), c.Which)
}

type trashRestoreCmd struct {
	Timestamp string   `arg:"" placeholder:"STAMP" help:"The trash run, as micsync trash list shows it."`
	Paths     []string `arg:"" optional:"" name:"path" help:"Paths to restore, relative to the location's root or inside it; all when none is given."`
	Location  string   `placeholder:"ROOT" help:"The location whose trash run to restore, when several have it."`
	Modified  bool     `short:"m" help:"Overwrite files that differ without asking."`
	DryRun    bool     `short:"n" name:"dry-run" help:"Show the plan and change nothing."`
	Yes       bool     `xor:"answer" help:"Answer yes to every yes/no question."`
	No        bool     `xor:"answer" help:"Answer no to every yes/no question."`
	Verbose   bool     `short:"v" help:"Print each rsync command and ask before running it."`
	Full      bool     `help:"List every change of the plan."`
	JSONOut   jsonFlag `embed:""`
}

func (c *trashRestoreCmd) Run(a *app) error {
	json := c.JSONOut.JSON
	return run.Restore(a.envFor(json, json), run.RestoreRequest{Stamp: c.Timestamp, Paths: c.Paths, Location: c.Location,
		Options: run.Options{DryRun: c.DryRun, Yes: c.Yes, No: c.No, Verbose: c.Verbose, Full: c.Full, Overwrite: c.Modified, Quiet: json}})
}

type trashEmptyCmd struct {
	Location  string `arg:"" optional:"" placeholder:"ROOT" help:"Only this location (its root directory)."`
	OlderThan string `name:"older-than" placeholder:"DURATION" help:"Only runs older than this, e.g. 30d, 12h."`
	Yes       bool   `help:"Delete without asking."`
}

func (c *trashEmptyCmd) Run(a *app) error {
	return run.EmptyTrash(a.env(false), run.EmptyRequest{Location: c.Location, OlderThan: c.OlderThan, Yes: c.Yes})
}
