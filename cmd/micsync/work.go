package main

import "micsync/internal/run"

type workCmd struct {
	deletingCmd `embed:""`
}

func (c *workCmd) Run(a *app) error { return a.sync(run.Work, c.Common, c.options(), c.Args.Paths) }

// deletingCmd is the grammar of the actions that may delete: work and transfer.
type deletingCmd struct {
	Overwrite overwriteFlag `embed:""`
	Deletion  deleteFlags   `embed:""`
	Common    commonFlags   `embed:""`
	Args      pathsArg      `embed:""`
}

func (c *deletingCmd) options() run.Options { return c.Common.options(c.Overwrite, c.Deletion) }
