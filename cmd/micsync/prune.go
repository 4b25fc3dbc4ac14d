package main

import "micsync/internal/run"

// pruneCmd deletes, into the trash, what only the BACKUPs hold below the paths: what a backup
// tells and never deletes.
type pruneCmd struct {
	Guards guardFlags  `embed:""`
	Common commonFlags `embed:""`
	Args   pathsArg    `embed:""`
}

func (c *pruneCmd) Run(a *app) error {
	return a.sync(run.Prune, c.Common, c.Common.options(overwriteFlag{}, deleteFlags{Delete: true, Guards: c.Guards}), c.Args.Paths)
}
