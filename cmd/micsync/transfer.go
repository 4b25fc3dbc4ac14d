package main

import "micsync/internal/run"

type transferCmd struct {
	deletingCmd `embed:""`
}

func (c *transferCmd) Run(a *app) error {
	return a.sync(run.Transfer, c.Common, c.options(), c.Args.Paths)
}
