package main

import (
	"fmt"
	"io"
	"os"

	"micsync/locations"
)

// checkCmd validates the config file with the rules of every run and shows each location and
// whether it is reachable now. An unreachable location is no error: its disc may be unplugged.
type checkCmd struct{}

func (c *checkCmd) Run(a *app) error {
	f, err := a.loadSetupConfig()
	if err != nil {
		return err
	}
	n := "configurations"
	if len(f.Configs) == 1 {
		n = "configuration"
	}
	fmt.Fprintf(a.stdout, "config %s is valid: %d %s\n", show(f.Path), len(f.Configs), n)
	total, up := 0, 0
	a.probeAll(f)
	for _, cfg := range f.Configs {
		fmt.Fprintln(a.stdout)
		t, u := a.showConfig(a.stdout, cfg)
		total += t
		up += u
	}
	fmt.Fprintf(a.stdout, "\n%d of %d locations reachable now\n", up, total)
	return nil
}

// loadSetupConfig loads the config file for the setup commands. A missing file is answered with
// micsync init.
func (a *app) loadSetupConfig() (*locations.File, error) {
	return a.readConfig(func(p string) []string {
		return []string{"create it: micsync init (it asks for the locations), or copy micsync.json.example to " + p}
	}, "fix the file, then run micsync check again")
}

// showConfig prints one configuration and its locations with their state, and returns how many
// locations it has and how many of them are reachable.
func (a *app) showConfig(w io.Writer, cfg *locations.Config) (total, reachable int) {
	fmt.Fprintf(w, "configuration %q\n", cfg.Name)
	for _, l := range cfg.All() {
		total++
		state := "reachable"
		if why := a.unreachable(l); why != "" {
			if _, err := os.Stat(l.Path); err != nil && !l.Remote() {
				why = "does not exist (disc not mounted?)"
			}
			state = "unreachable: " + why
		} else {
			reachable++
		}
		fmt.Fprintf(w, "  %-7s  %s  %s\n", l.Role, show(l.Path), state)
	}
	return total, reachable
}
