package main

import "micsync/internal/run"

// statusCmd shows, from the records, which BACKUP holds a copy of which folder and how old it
// is. It reads; it never writes.
type statusCmd struct {
	Path    string   `arg:"" optional:"" name:"path" placeholder:"PATH" help:"Only the folders that hold this path or are inside it."`
	JSONOut jsonFlag `embed:""`
}

func (c *statusCmd) Run(a *app) error { return run.Status(a.envFor(false, c.JSONOut.JSON), c.Path) }
