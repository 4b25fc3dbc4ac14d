package main

import (
	"os"

	"micsync/internal/run"
	"micsync/internal/ui"
	"micsync/locations"
)

// checkCmd validates the config file with the rules of every run and shows each location and
// whether it is reachable now. An unreachable location is no error: its disc may be unplugged.
type checkCmd struct{}

func (c *checkCmd) Run(a *app) error {
	e := a.env(false)
	f, err := e.LoadSetupConfig()
	if err != nil {
		return err
	}
	n := "configurations"
	if len(f.Configs) == 1 {
		n = "configuration"
	}
	e.Out.Printf("config %s is valid: %d %s\n", ui.Show(f.Path), len(f.Configs), n)
	total, up := 0, 0
	e.Reach.ProbeAll(f)
	for _, cfg := range f.Configs {
		e.Out.Printf("\n")
		t, u := showConfig(e, cfg)
		total += t
		up += u
	}
	e.Out.Printf("\n%d of %d locations reachable now\n", up, total)
	return nil
}

// showConfig prints one configuration and its locations with their state, and returns how many
// locations it has and how many of them are reachable.
func showConfig(e *run.Env, cfg *locations.Config) (total, reachable int) {
	e.Out.Printf("configuration %q\n", cfg.Name)
	for _, l := range cfg.All() {
		total++
		state := "reachable"
		if why := e.Reach.Unreachable(l); why != "" {
			if _, err := os.Stat(l.Path); err != nil && !l.Remote() {
				why = "does not exist (disc not mounted?)"
			}
			state = "unreachable: " + why
		} else {
			reachable++
		}
		e.Out.Printf("  %-7s  %s  %s\n", l.Role, ui.Show(l.Path), state)
	}
	return total, reachable
}
