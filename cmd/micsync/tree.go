package main

import "micsync/locations"

// tree creates in a WORKING the directory skeleton of a BACKUP: directories only, nothing
// overwritten or deleted, so nothing to confirm.
var tree = action{name: "tree", from: locations.Backup, to: locations.Work, dests: oneDest, tree: true}

type treeCmd struct {
	Common commonFlags `embed:""`
	Args   pathsArg    `embed:""`
}

func (c *treeCmd) Run(a *app) error {
	return a.sync(tree, options{commonFlags: c.Common}, c.Args.Paths)
}
