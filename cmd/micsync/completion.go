package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/alecthomas/kong"

	"micsync/internal/clidoc"
	"micsync/internal/hang"
	"micsync/internal/reach"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// completionCmd prints a completion script made from the grammar, so that it cannot miss an
// action, a command or an option. Configuration names, location roots and trash runs come from
// the config file in use at the time of completing: the scripts ask "micsync completion-words".
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

func (c *completionCmd) Run(a *app, k *kong.Kong) error {
	if err := grammarOf(k.Model).Completion(a.stdout, c.Shell); err != nil {
		return ui.Failure(fmt.Errorf("completion script: %w", err))
	}
	return nil
}

// completionWordsCmd prints the values the completion scripts offer for --configuration, for
// the options and arguments that take a location root, and for the trash run to restore.
type completionWordsCmd struct {
	Kind string `arg:"" enum:"configurations,roots,stamps" help:"configurations (their names), roots (the root directories of the locations) or stamps (the trash runs of the reachable locations on this machine)."`
}

func (c *completionWordsCmd) Run(a *app) error {
	f, err := a.env(false).LoadSetupConfig()
	if err != nil {
		return err
	}
	var words []string
	switch c.Kind {
	case "configurations":
		for _, cfg := range f.Configs {
			words = append(words, cfg.Name)
		}
	case "roots":
		for _, l := range placesOf(f, true) {
			words = append(words, l.Location.Path)
		}
	case "stamps":
		words = trashStamps(a.ctx, placesOf(f, false))
	}
	for _, w := range words {
		if !strings.ContainsAny(w, "\n\r") { // one a line
			fmt.Fprintln(a.stdout, w)
		}
	}
	return nil
}

// placesOf returns every location of f once, in the config file's order; with remote false,
// only those on this machine.
func placesOf(f *locations.File, remote bool) []trash.Place {
	var out []trash.Place
	seen := map[string]bool{}
	for _, cfg := range f.Configs {
		for _, l := range cfg.All() {
			if !seen[l.Path] && (remote || !l.Remote()) {
				seen[l.Path] = true
				out = append(out, trash.Place{Config: cfg, Location: l})
			}
		}
	}
	return out
}

// completionTimeout bounds the looks at the discs when completing: a disc that does not answer
// leaves its trash runs out rather than keep the shell waiting.
var completionTimeout = time.Second

// trashRunsOf lists the trash runs of a place on this machine, nil when it cannot be used now;
// tests replace it with one that hangs as a dead disc does.
var trashRunsOf = func(ctx context.Context, p trash.Place) []trash.Run {
	if p.Location.Unreachable() != "" { // not mounted: its mount point is no trash
		return nil
	}
	runs, err := trash.Runs(ctx, reach.New(ctx, rsyncplan.Runner{}, true), []trash.Place{p})
	if err != nil {
		return nil
	}
	return runs
}

// trashStamps returns the stamps of the trash runs of places, each once, sorted. The places are
// looked at all at once, each look bounded by package hang, and all of them by
// completionTimeout: a disc that does not answer in time is left out.
func trashStamps(ctx context.Context, places []trash.Place) []string {
	found := make(chan []trash.Run, len(places))
	for _, p := range places {
		go func() {
			runs, _ := hang.Call(p.Location.Path, func() []trash.Run { return trashRunsOf(ctx, p) })
			found <- runs
		}()
	}
	deadline := time.NewTimer(completionTimeout)
	defer deadline.Stop()
	var stamps []string
	for range places {
		select {
		case runs := <-found:
			for _, r := range runs {
				stamps = append(stamps, r.Stamp)
			}
		case <-deadline.C:
			slices.Sort(stamps)
			return slices.Compact(stamps)
		}
	}
	slices.Sort(stamps)
	return slices.Compact(stamps)
}

// grammarOf reads micsync's command line for the completion scripts and the manual page. The
// original form's action flags are rewritten before kong parses, so kong does not know them.
func grammarOf(app *kong.Application) clidoc.Grammar {
	actions := map[string]bool{}
	for flag := range actionFlags {
		actions[strings.TrimPrefix(flag, "--")] = true
	}
	return clidoc.Read(app, actions)
}
