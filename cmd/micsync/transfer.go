package main

import "micsync/locations"

// transfer copies from one BACKUP to one or more of the other BACKUPs.
var transfer = action{name: "transfer", from: locations.Backup, to: locations.Backup, dests: someDests, mayDelete: true}

type transferCmd struct {
	Overwrite overwriteFlag `embed:""`
	Deletion  deleteFlags   `embed:""`
	Common    commonFlags   `embed:""`
	Args      pathsArg      `embed:""`
}

func (c *transferCmd) Run(a *app) error {
	return a.sync(transfer, options{commonFlags: c.Common, overwrite: c.Overwrite.Modified,
		delete: c.Deletion.Delete, deleteNoAsk: c.Deletion.DeleteNoAsk}, c.Args.Paths)
}
