package main

import "micsync/locations"

// work copies from a BACKUP into a WORKING, deleting what the BACKUP lacks only with -d or -D.
var work = action{name: "work", from: locations.Backup, to: locations.Work, dests: oneDest, mayDelete: true}

type workCmd struct {
	deletingCmd `embed:""`
}

func (c *workCmd) Run(a *app) error { return a.sync(work, c.options(), c.Args.Paths) }

// deletingCmd is the grammar of the actions that may delete: work and transfer.
type deletingCmd struct {
	Overwrite overwriteFlag `embed:""`
	Deletion  deleteFlags   `embed:""`
	Common    commonFlags   `embed:""`
	Args      pathsArg      `embed:""`
}

func (c *deletingCmd) options() options {
	return options{commonFlags: c.Common, overwrite: c.Overwrite.Modified, noTrash: c.Overwrite.NoTrash,
		delete: c.Deletion.Delete, deleteNoAsk: c.Deletion.DeleteNoAsk,
		maxDelete: c.Deletion.MaxDelete, allowEmptySource: c.Deletion.AllowEmptySource}
}
