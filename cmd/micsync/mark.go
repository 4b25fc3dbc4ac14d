package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
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
	mark := locations.Mark
	if loc.Remote() {
		mark = a.markRemote
	}
	m, adopted, err := mark(cfg, loc)
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
		for _, l := range c.All() {
			// A location on another host is named as written, or as rsync's address.
			if l.Path == abs || (l.Remote() && (l.Path == dir || l.Raw == dir)) {
				return c, l, nil
			}
			roots = append(roots, show(l.Path))
		}
	}
	return nil, locations.Location{}, usage(fmt.Errorf("%s is not the root of a location in %s", show(dir), file.Path),
		"the locations are: "+strings.Join(roots, ", "))
}

// markRemote marks a location on another host as locations.Mark does one here: the marker is
// read and written with rsync over ssh.
func (a *app) markRemote(c *locations.Config, l locations.Location) (locations.Marker, bool, error) {
	unmarked := l
	unmarked.MarkerID = ""
	why, m, err := a.remoteState(unmarked)
	switch {
	case why != "":
		return m, false, fmt.Errorf("%s %s is %s", l.Role, l.Path, why)
	case err == nil:
		return m, true, locations.Remember(l, m)
	case !errors.Is(err, fs.ErrNotExist):
		return m, false, err
	}
	m, data, err := locations.NewMarker(c, l)
	if err != nil {
		return m, false, err
	}
	tmp, err := os.MkdirTemp("", "micsync-marker-")
	if err != nil {
		return m, false, err
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, locations.MarkerName)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return m, false, err
	}
	args := []string{"--chmod=F644", "--ignore-existing", "--", file, l.Path + "/"}
	if err := a.runnerFor(l).Do(a.ctx, "writing the marker", args); err != nil {
		return m, false, fmt.Errorf("write marker: %w", err)
	}
	return m, false, locations.Remember(l, m)
}
