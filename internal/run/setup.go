package run

import (
	"errors"
	"fmt"
	"strconv"

	"micsync/internal/jsonout"
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
	doc := checkDoc{Header: jsonout.NewHeader("check"), ConfigFile: jsonout.Name(f.Path), Configurations: []checkedConfig{}}
	e.Reach.ProbeAll(f)
	for _, cfg := range f.Configs {
		e.Out.Printf("\n")
		c := showConfig(e, cfg)
		doc.Configurations = append(doc.Configurations, c)
		doc.Locations += len(c.Locations)
		for _, l := range c.Locations {
			if l.Reachable {
				doc.Reachable++
			}
		}
	}
	e.Out.Printf("\n%d of %d locations reachable now\n", doc.Reachable, doc.Locations)
	return e.Document(doc)
}

// checkDoc is the document of micsync check (schema "check" in docs/JSON.md).
type checkDoc struct {
	jsonout.Header
	ConfigFile     jsonout.Name    `json:"config_file"`
	Configurations []checkedConfig `json:"configurations"`
	Locations      int             `json:"locations"`
	Reachable      int             `json:"reachable"`
}

type checkedConfig struct {
	Name      string            `json:"name"`
	Locations []checkedLocation `json:"locations"`
}

type checkedLocation struct {
	locationDoc
	Reachable bool    `json:"reachable"`
	Why       *string `json:"why"`    // why not; null when reachable
	Create    *string `json:"create"` // the command that creates it when it is not created yet
}

// showConfig prints one configuration and its locations with their state, and returns them.
func showConfig(e *Env, cfg *locations.Config) checkedConfig {
	e.Out.Printf("configuration %q\n", cfg.Name)
	c := checkedConfig{Name: cfg.Name, Locations: []checkedLocation{}}
	for _, l := range cfg.All() {
		cl := checkedLocation{locationDoc: locationOf(l), Reachable: true}
		state := "reachable"
		if why := e.Reach.Unreachable(l); why != "" {
			cl.Reachable, cl.Why = false, &why
			state = "unreachable: " + why
			if why == locations.NotCreatedYet {
				mkdir := reach.MkdirCommand(l)
				cl.Create = &mkdir
				state += ": create it with " + mkdir
			}
		}
		c.Locations = append(c.Locations, cl)
		e.Out.Printf("  %-7s  %s  %s\n", l.Role, ui.Show(l.Path), state)
	}
	return c
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
