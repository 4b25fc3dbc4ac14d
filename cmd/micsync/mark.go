package main

import (
	"micsync/internal/ui"
	"micsync/locations"
)

type markCmd struct {
	Path string `arg:"" help:"The root directory of a WORKING or BACKUP location."`
}

// Run marks a location so that a disc that is not mounted is never taken as an empty one.
func (c *markCmd) Run(a *app) error {
	e := a.env(false)
	file, err := e.LoadConfig()
	if err != nil {
		return err
	}
	cfg, loc, err := e.FindRoot(file, c.Path)
	if err != nil {
		return err
	}
	mark := locations.Mark
	if loc.Remote() {
		mark = e.Reach.Mark
	}
	m, adopted, err := mark(cfg, loc)
	if err != nil {
		return failure(err)
	}
	verb := "marked"
	if adopted {
		verb = "found the marker of"
	}
	e.Out.Printf("%s %s %s (configuration %q, id %s)\n", verb, loc.Role, ui.Show(loc.Path), m.Config, m.ID)
	e.Out.Printf("from now on micsync skips it when %s is missing there\n", locations.MarkerName)
	return nil
}
