package main

import "micsync/locations"

// transfer copies from one BACKUP to one or more of the other BACKUPs.
var transfer = action{name: "transfer", from: locations.Backup, to: locations.Backup, dests: someDests, mayDelete: true}

type transferCmd struct {
	deletingCmd `embed:""`
}

func (c *transferCmd) Run(a *app) error { return a.sync(transfer, c.options(), c.Args.Paths) }
