package main

import "micsync/internal/run"

type backupCmd struct {
	Overwrite overwriteFlag `embed:""`
	Common    commonFlags   `embed:""`
	Args      pathsArg      `embed:""`
}

func (c *backupCmd) Run(a *app) error {
	return a.sync(run.Backup, c.Common, c.Common.options(c.Overwrite, deleteFlags{}), c.Args.Paths)
}
