package main

import (
	"errors"

	"micsync/internal/run"
	"micsync/internal/ui"
)

type backupCmd struct {
	Overwrite overwriteFlag `embed:""`
	Common    commonFlags   `embed:""`
	Paths     []string      `arg:"" optional:"" name:"path" help:"Files or directories inside one WORKING location, all in the same directory. None: the whole WORKING of --configuration on this machine (for timers)."`
}

func (c *backupCmd) Run(a *app) error {
	o := c.Common.options(c.Overwrite, deleteFlags{})
	paths := c.Paths
	if len(paths) == 0 {
		if o.Configuration == "" {
			return ui.Usage(errors.New("backup needs the paths to copy"),
				"name them: micsync backup PATH...", "or back up a configuration's whole WORKING: micsync backup --configuration NAME")
		}
		root, err := a.envFor(o.Quiet, c.Common.JSONOut.JSON).WholeWorking(o.Configuration)
		if err != nil {
			return err
		}
		paths = []string{root}
	}
	return a.sync(run.Backup, c.Common, o, paths)
}
