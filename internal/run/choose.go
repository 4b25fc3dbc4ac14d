package run

import (
	"fmt"
	"path/filepath"
	"strings"

	"micsync/internal/reach"
	"micsync/internal/ui"
	"micsync/locations"
)

// chooseConfig picks the configuration among those whose locations hold the paths.
func (e *Env) chooseConfig(targets []locations.Target, o Options) (locations.Target, error) {
	if o.Configuration != "" {
		for _, t := range targets {
			if t.Config.Name == o.Configuration {
				return t, nil
			}
		}
		return locations.Target{}, ui.Usage(fmt.Errorf("configuration %q has no location holding the paths", o.Configuration),
			"the paths are in: "+strings.Join(configNames(targets), ", "))
	}
	if len(targets) == 1 {
		e.Out.Printf("configuration %q (%s %s)\n", targets[0].Config.Name, targets[0].Location.Role, ui.Show(targets[0].Location.Path))
		return targets[0], nil
	}
	names := configNames(targets)
	i, err := e.Ask.Select("The paths are in several configurations. Which one?", names)
	if err != nil {
		return locations.Target{}, ui.Unanswered(err, "the paths are in several configurations", "--configuration NAME (one of: "+strings.Join(names, ", ")+")")
	}
	return targets[i], nil
}

func configNames(ts []locations.Target) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Config.Name
	}
	return names
}

// chooseLocations picks the source and the destinations. The direction comes from the action,
// never from the side the paths are on.
func (e *Env) chooseLocations(act Action, t locations.Target, o Options) (locations.Location, []locations.Location, error) {
	cfg := t.Config
	var src locations.Location
	switch {
	case o.From != "":
		l, err := e.pickRoot(cfg, act.From, o.From, "--from")
		if err != nil {
			return src, nil, err
		}
		src = l
	case t.Location.Role == act.From:
		src = t.Location
	default:
		l, err := e.chooseOne(cfg, act.From, nil, "Copy from which "+act.From.String()+"?", "--from ROOT")
		if err != nil {
			return src, nil, err
		}
		src = l
	}
	if err := e.usable(src); err != nil {
		return src, nil, err
	}

	if act.sameRole() {
		if n := len(e.Reach.Reachable(cfg.Locations(act.From))); n < 2 {
			return src, nil, ui.Failure(fmt.Errorf("%s needs two reachable %ss in configuration %q; %d reachable", act.Name, act.From, cfg.Name, n),
				"mount the discs of the "+act.From.String()+"s")
		}
	}

	others := without(cfg.Locations(act.To), src)
	if len(o.To) > 0 {
		var dsts []locations.Location
		for _, root := range o.To {
			l, err := e.pickRoot(cfg, act.To, root, "--to")
			if err != nil {
				return src, nil, err
			}
			if l.Path == src.Path {
				return src, nil, ui.Usage(fmt.Errorf("--to %s is the source", root))
			}
			if err := e.usable(l); err != nil {
				return src, nil, err
			}
			dsts = append(dsts, l)
		}
		if act.Dests == OneDest && len(dsts) > 1 {
			return src, nil, ui.Usage(fmt.Errorf("%s has one destination; --to was given %d times", act.Name, len(dsts)))
		}
		return src, dsts, nil
	}

	switch act.Dests {
	case AllDests:
		dsts := e.reachable(others)
		if len(dsts) == 0 {
			return src, nil, noneReachable(act.To, cfg)
		}
		return src, dsts, nil
	case OneDest:
		if t.Location.Role == act.To && t.Location.Path != src.Path {
			return src, []locations.Location{t.Location}, nil
		}
		l, err := e.chooseOne(cfg, act.To, &src, "Copy to which "+act.To.String()+"?", "--to ROOT")
		return src, []locations.Location{l}, err
	default:
		dsts := e.reachable(others)
		if len(dsts) <= 1 {
			return src, dsts, nil
		}
		labels := roots(dsts)
		picked, err := e.Ask.MultiSelect("Copy to which "+act.To.String()+"s?", labels)
		if err != nil {
			return src, nil, ui.Unanswered(err, "there are several "+act.To.String()+"s to copy to", "--to ROOT (repeatable)")
		}
		var chosen []locations.Location
		for _, i := range picked {
			chosen = append(chosen, dsts[i])
		}
		return src, chosen, nil
	}
}

// usable fails when l cannot be used now, saying why and what to do.
func (e *Env) usable(l locations.Location) error {
	if why := e.Reach.Unreachable(l); why != "" {
		return ui.Failure(fmt.Errorf("%s %s is unreachable: %s", l.Role, ui.Show(l.Path), why), reach.Hint(l, why))
	}
	return nil
}

// noneReachable says that no location of role r is reachable, and how to create those that are
// not created yet.
func noneReachable(r locations.Role, cfg *locations.Config) error {
	var hints []string
	for _, l := range cfg.Locations(r) {
		if reach.NotCreated(l) {
			hints = append(hints, fmt.Sprintf("%s %s is not created yet: %s", l.Role, ui.Show(l.Path), reach.MkdirCommand(l)))
		}
	}
	hints = append(hints, "mount the disc that holds one, or check the paths in the configuration")
	return ui.Failure(fmt.Errorf("no %s of configuration %q is reachable", r, cfg.Name), hints...)
}

// chooseOne picks one reachable location of role r, other than not; it asks only when there
// are several, and names the one it takes otherwise.
func (e *Env) chooseOne(cfg *locations.Config, r locations.Role, not *locations.Location, question, flag string) (locations.Location, error) {
	cands := cfg.Locations(r)
	if not != nil {
		cands = without(cands, *not)
	}
	cands = e.reachable(cands)
	switch len(cands) {
	case 0:
		return locations.Location{}, noneReachable(r, cfg)
	case 1:
		e.Out.Printf("%s: %s (the only one reachable)\n", r, ui.Show(cands[0].Path))
		return cands[0], nil
	}
	labels := roots(cands)
	i, err := e.Ask.Select(question, labels)
	if err != nil {
		return locations.Location{}, ui.Unanswered(err, "there are several "+r.String()+"s to choose from", flag+" (one of: "+strings.Join(labels, ", ")+")")
	}
	return cands[i], nil
}

// reachable returns the locations of ls that can be used now, and says which it skips.
func (e *Env) reachable(ls []locations.Location) []locations.Location {
	e.Reach.Probe(ls...)
	var out []locations.Location
	for _, l := range ls {
		if why := e.Reach.Unreachable(l); why != "" {
			e.Out.Printf("skipped %s %s: %s\n", l.Role, ui.Show(l.Path), why)
			e.skipped = append(e.skipped, unreachable{locationDoc: locationOf(l), Why: why})
			continue
		}
		out = append(out, l)
	}
	return out
}

func roots(ls []locations.Location) []string {
	labels := make([]string, len(ls))
	for i, l := range ls {
		labels[i] = ui.Show(l.Path)
	}
	return labels
}

// pickRoot finds the location of role r that root names.
func (e *Env) pickRoot(cfg *locations.Config, r locations.Role, root, flag string) (locations.Location, error) {
	abs := e.abs(root)
	resolved := abs
	if p, err := filepath.EvalSymlinks(abs); err == nil {
		resolved = p
	}
	var all []string
	for _, l := range cfg.Locations(r) {
		if l.Path == resolved || l.Path == abs || l.Raw == root || l.Path == root {
			return l, nil
		}
		all = append(all, ui.Show(l.Path))
	}
	return locations.Location{}, ui.Usage(fmt.Errorf("%s %s is not a %s of configuration %q", flag, ui.Show(root), r, cfg.Name),
		"its "+r.String()+"s are: "+strings.Join(all, ", "))
}

// FindRoot finds the location of the config file whose root is dir.
func (e *Env) FindRoot(file *locations.File, dir string) (*locations.Config, locations.Location, error) {
	abs := e.abs(dir)
	if p, err := filepath.EvalSymlinks(abs); err == nil {
		abs = p
	}
	var all []string
	for _, c := range file.Configs {
		for _, l := range c.All() {
			// A location on another host is named as written, or as rsync's address.
			if l.Path == abs || (l.Remote() && (l.Path == dir || l.Raw == dir)) {
				return c, l, nil
			}
			all = append(all, ui.Show(l.Path))
		}
	}
	return nil, locations.Location{}, ui.Usage(fmt.Errorf("%s is not the root of a location in %s", ui.Show(dir), file.Path),
		"the locations are: "+strings.Join(all, ", "))
}

// abs makes a path that the user typed absolute and clean.
func (e *Env) abs(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(e.Cwd, p)
	}
	return filepath.Clean(p)
}

func without(ls []locations.Location, not locations.Location) []locations.Location {
	var out []locations.Location
	for _, l := range ls {
		if l.Path != not.Path {
			out = append(out, l)
		}
	}
	return out
}
