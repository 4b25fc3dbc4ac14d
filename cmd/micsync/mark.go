package main

import "micsync/internal/run"

type markCmd struct {
	Path string `arg:"" placeholder:"ROOT" help:"The root directory of a WORKING or BACKUP location."`
}

// Run marks a location so that a disc that is not mounted is never taken as an empty one.
func (c *markCmd) Run(a *app) error { return run.Mark(a.env(false), c.Path) }
