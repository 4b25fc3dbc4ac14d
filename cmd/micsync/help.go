package main

import (
	"fmt"
	"strings"

	"github.com/alecthomas/kong"

	"micsync/internal/ui"
)

// helpCmd prints the help of micsync or of one of its commands: micsync help backup prints what
// micsync backup --help prints.
type helpCmd struct {
	Topic []string `arg:"" optional:"" name:"command" help:"The action or command, e.g. backup or trash restore; micsync itself when none."`
}

func (c *helpCmd) Run(a *app, k *kong.Kong) error {
	ctx, err := kong.Trace(k, c.Topic)
	if err != nil || ctx.Error != nil || !onlyCommands(ctx) {
		return ui.Usage(fmt.Errorf("no help for %s", ui.Show(strings.Join(c.Topic, " "))),
			"micsync help COMMAND, where COMMAND is one of: "+strings.Join(helpTopics(k.Model), ", "))
	}
	if err := ctx.PrintUsage(false); err != nil {
		return ui.Failure(fmt.Errorf("print help: %w", err))
	}
	return nil
}

// onlyCommands reports whether every word of the trace named a command: micsync help backup
// FILE names no help.
func onlyCommands(ctx *kong.Context) bool {
	for _, p := range ctx.Path {
		if p.App == nil && p.Command == nil {
			return false
		}
	}
	return true
}

// helpTopics returns the names of the visible top-level commands.
func helpTopics(app *kong.Application) []string {
	var out []string
	for _, n := range app.Children {
		if !n.Hidden {
			out = append(out, n.Name)
		}
	}
	return out
}
