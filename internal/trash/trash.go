// Package trash is where micsync keeps what a run overwrites or deletes in a destination:
// NAME/STAMP/PATH in the location's root, where NAME is .micsync-trash, STAMP the run's UTC start
// time (a second that no trash of the run's destinations has yet, so that two runs never share a
// directory) and PATH the entry's path below the location's root.
//
// This package names the directories (Name, NewStamp, Dir), lists the runs a location's trash
// holds (Runs, Size), finds what to restore from one (Names, Fetch) and deletes runs (Remove,
// ParseAge). rsync keeps the files: rsyncplan gives it --backup --backup-dir for a Job's Trash
// (relative to the destination when the trash is inside it) and makes the run's directory only
// while the destination is there (rsyncplan/trash.go). The conversations of micsync trash list,
// restore and empty are in package run.
package trash

import (
	"context"
	"path/filepath"
	"time"

	"micsync/internal/reach"
	"micsync/locations"
	"micsync/rsyncplan"
)

// Name is the directory in a location's root where micsync keeps what it overwrote or
// deleted there. It is never copied or deleted by a run.
const Name = ".micsync-trash"

// stampLayout names a run's trash directory: UTC, sortable, no colons.
const stampLayout = "20060102T150405Z"

// NewStamp names a run's trash: the current time, or a later second that none of the
// locations' trashes has yet. Two runs never share a trash directory, where the second run
// would overwrite what the first one kept.
func NewStamp(ctx context.Context, c *reach.Checker, ls ...locations.Location) string {
	taken := map[string]bool{}
	for _, l := range ls {
		// A trash that cannot be read now (none yet, or no permission) counts as empty, and
		// rsync's complaint about it on another host is not shown: a location without a trash
		// is normal.
		r := c.Runner(l)
		r.Stderr = nil
		entries, _ := r.Children(ctx, filepath.Join(l.Path, Name))
		for _, e := range entries {
			taken[e.Name] = true
		}
	}
	return freeStamp(time.Now(), taken)
}

// freeStamp is the stamp of t, or of the first later second that is not taken.
func freeStamp(t time.Time, taken map[string]bool) string {
	t = t.UTC()
	for taken[t.Format(stampLayout)] {
		t = t.Add(time.Second)
	}
	return t.Format(stampLayout)
}

// Dir is where a run with stamp keeps what it overwrites or deletes below rel (slash-separated,
// "" for the root) of the location at root: a path on the location's host, as rsync's
// --backup-dir takes it.
func Dir(root, stamp, rel string) string {
	return rsyncplan.OnHost(filepath.Join(root, Name, stamp, filepath.FromSlash(rel)))
}
