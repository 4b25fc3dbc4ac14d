package main

import "micsync/internal/run"

type treeCmd struct {
	Common commonFlags `embed:""`
	Args   pathsArg    `embed:""`
}

func (c *treeCmd) Run(a *app) error {
	return a.sync(run.Tree, c.Common, c.Common.options(overwriteFlag{}, deleteFlags{}), c.Args.Paths)
}
