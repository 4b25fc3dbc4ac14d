package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/alecthomas/kong"

	"micsync/internal/clidoc"
	"micsync/internal/ui"
)

// completionCmd prints a completion script made from the grammar, so that it cannot miss an
// action, a command or an option. Configuration names and location roots come from the config
// file in use at the time of completing: the scripts ask "micsync completion-words".
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

func (c *completionCmd) Run(a *app, k *kong.Kong) error {
	if err := grammarOf(k.Model).Completion(a.stdout, c.Shell); err != nil {
		return ui.Failure(fmt.Errorf("completion script: %w", err))
	}
	return nil
}

// completionWordsCmd prints the values the completion scripts offer for --configuration, and for
// the options and arguments that take a location root.
type completionWordsCmd struct {
	Kind string `arg:"" enum:"configurations,roots" help:"configurations (their names) or roots (the root directories of the locations)."`
}

func (c *completionWordsCmd) Run(a *app) error {
	f, err := a.env(false).LoadSetupConfig()
	if err != nil {
		return err
	}
	var words []string
	for _, cfg := range f.Configs {
		if c.Kind == "configurations" {
			words = append(words, cfg.Name)
			continue
		}
		for _, l := range cfg.All() {
			if !slices.Contains(words, l.Path) {
				words = append(words, l.Path)
			}
		}
	}
	for _, w := range words {
		if !strings.ContainsAny(w, "\n\r") { // one a line
			fmt.Fprintln(a.stdout, w)
		}
	}
	return nil
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
