package main

import "micsync/locations"

// backup copies from the WORKING that holds the paths to every reachable BACKUP. It never deletes.
var backup = action{name: "backup", from: locations.Work, to: locations.Backup, dests: allDests}

type backupCmd struct {
	Overwrite overwriteFlag `embed:""`
	Common    commonFlags   `embed:""`
	Args      pathsArg      `embed:""`
}

func (c *backupCmd) Run(a *app) error {
	return a.sync(backup, options{commonFlags: c.Common, overwrite: c.Overwrite.Modified, noTrash: c.Overwrite.NoTrash}, c.Args.Paths)
}
