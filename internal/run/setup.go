package run

import (
	"errors"
	"fmt"
	"strconv"

	"micsync/internal/reach"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// Check validates the config file with the rules of every run and shows each location and
// whether it is reachable now. An unreachable location is no error: its disc may be unplugged.
func Check(e *Env) error {
	f, err := e.LoadSetupConfig()
	if err != nil {
		return err
	}
	if err := checkPatterns(e, f); err != nil {
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
func showConfig(e *Env, cfg *locations.Config) (total, reachable int) {
	e.Out.Printf("configuration %q\n", cfg.Name)
	for _, l := range cfg.All() {
		total++
		state := "reachable"
		if why := e.Reach.Unreachable(l); why != "" {
			if why == locations.NotCreatedYet {
				why += ": create it with " + reach.MkdirCommand(l)
			}
			state = "unreachable: " + why
		} else {
			reachable++
		}
		e.Out.Printf("  %-7s  %s  %s\n", l.Role, ui.Show(l.Path), state)
	}
	return total, reachable
}

// Mark marks the location whose root is dir, so that a disc that is not mounted is never taken
// as an empty one.
func Mark(e *Env, dir string) error {
	file, err := e.LoadConfig()
	if err != nil {
		return err
	}
	cfg, loc, err := e.FindRoot(file, dir)
	if err != nil {
		return err
	}
	mark := locations.Mark
	if loc.Remote() {
		mark = e.Reach.Mark
	}
	m, adopted, err := mark(cfg, loc)
	if err != nil {
		return ui.Failure(err)
	}
	verb := "marked"
	if adopted {
		verb = "found the marker of"
	}
	e.Out.Printf("%s %s %s (configuration %q, id %s)\n", verb, loc.Role, ui.Show(loc.Path), m.Config, m.ID)
	e.Out.Printf("from now on micsync skips it when %s is missing there\n", locations.MarkerName)
	return nil
}

// checkPatterns asks rsync whether it takes the patterns of every configuration: loading the
// file refuses only those that rsync refuses for certain.
func checkPatterns(e *Env, f *locations.File) error {
	for _, cfg := range f.Configs {
		for _, k := range []struct {
			key, rule string
			patterns  []string
		}{{"exclude", "- ", cfg.Exclude}, {"only", "+ ", cfg.Only}} {
			for _, p := range k.patterns {
				err := e.Rsync.CheckRule(e.Ctx, k.rule+p)
				if errors.Is(err, rsyncplan.ErrNoRsync) {
					return ui.Failure(err, "install rsync, which checks the patterns")
				}
				if err != nil {
					ce := &locations.ConfigError{File: f.Path, Config: fmt.Sprintf("configuration %q", cfg.Name),
						Problem: fmt.Sprintf("%q holds the pattern %s, which rsync refuses: %v", k.key, strconv.Quote(p), err)}
					return ui.Usage(ce, "fix the file, then run micsync check again")
				}
			}
		}
	}
	return nil
}
