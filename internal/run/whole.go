package run

import (
	"fmt"
	"os"
	"strings"

	"micsync/internal/ui"
	"micsync/locations"
)

// WholeWorking returns the root of the one WORKING of configuration name that is a directory on
// this machine: what "micsync backup --configuration NAME" backs up when it names no paths (the
// systemd timer's run). A configuration with none here, or with several, is the user's to sort
// out by naming the paths.
func (e *Env) WholeWorking(name string) (string, error) {
	f, err := e.LoadConfig()
	if err != nil {
		return "", err
	}
	c := f.Lookup(name)
	if c == nil {
		names := make([]string, len(f.Configs))
		for i, c := range f.Configs {
			names[i] = c.Name
		}
		return "", ui.Usage(fmt.Errorf("%s has no configuration called %q", ui.Show(f.Path), name),
			"its configurations: "+strings.Join(names, ", "))
	}
	var here []locations.Location
	for _, l := range c.Work {
		if st, err := os.Stat(l.Path); !l.Remote() && err == nil && st.IsDir() {
			here = append(here, l)
		}
	}
	switch len(here) {
	case 1:
		return here[0].Path, nil
	case 0:
		return "", ui.Usage(fmt.Errorf("configuration %q has no WORKING on this machine", name),
			"its WORKINGs: "+strings.Join(shown(c.Work), ", "))
	}
	return "", ui.Usage(fmt.Errorf("configuration %q has %d WORKINGs on this machine: %s", name, len(here), strings.Join(shown(here), ", ")),
		"name the paths to back up: micsync backup PATH...")
}

func shown(ls []locations.Location) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = ui.Show(l.Path)
	}
	return out
}
