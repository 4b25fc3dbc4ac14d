package main

import "github.com/alecthomas/kong"

// manCmd prints the manual page, micsync(1), in roff. The actions, commands and options come from
// the grammar, so the page cannot fall behind the command line.
type manCmd struct{}

func (c *manCmd) Run(a *app, k *kong.Kong) error {
	grammarOf(k.Model).Man(a.stdout, version, k.Model.Help)
	return nil
}
