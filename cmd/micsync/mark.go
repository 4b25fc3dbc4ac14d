package main

import (
	"fmt"
	"path/filepath"
	"strings"

	"micsync/locations"
)

type markCmd struct {
	Path string `arg:"" help:"The root directory of a WORKING or BACKUP location."`
}

// Run marks a location so that a disc that is not mounted is never taken as an empty one.
func (c *markCmd) Run(a *app) error {
	file, err := a.loadConfig()
	if err != nil {
		return err
	}
	cfg, loc, err := a.findRoot(file, c.Path)
	if err != nil {
		return err
	}
	m, adopted, err := locations.Mark(cfg, loc)
	if err != nil {
		return failure(err)
	}
	verb := "marked"
	if adopted {
		verb = "found the marker of"
	}
	fmt.Fprintf(a.stdout, "%s %s %s (configuration %q, id %s)\n", verb, loc.Role, show(loc.Path), m.Config, m.ID)
	fmt.Fprintf(a.stdout, "from now on micsync skips it when %s is missing there\n", locations.MarkerName)
	return nil
}

// findRoot finds the location whose root is dir.
func (a *app) findRoot(file *locations.File, dir string) (*locations.Config, locations.Location, error) {
	abs := dir
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(a.cwd, abs)
	}
	abs = filepath.Clean(abs)
	if p, err := filepath.EvalSymlinks(abs); err == nil {
		abs = p
	}
	var roots []string
	for _, c := range file.Configs {
		for _, l := range append(c.Locations(locations.Work), c.Locations(locations.Backup)...) {
			if l.Path == abs {
				return c, l, nil
			}
			roots = append(roots, show(l.Path))
		}
	}
	return nil, locations.Location{}, usage(fmt.Errorf("%s is not the root of a location in %s", show(dir), file.Path),
		"the locations are: "+strings.Join(roots, ", "))
}
