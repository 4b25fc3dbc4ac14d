package run

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"micsync/internal/record"
	"micsync/internal/ui"
	"micsync/internal/verify"
	"micsync/locations"
)

// verifyRun is what one verify of a target found and did, for its records and its document.
type verifyRun struct {
	t       locations.Target
	skipped []unreachable        // the configuration's locations that could not be used
	locs    []locations.Location // those it compared; none when it could not start
	r       *rolling             // the locations' files; nil when they were not listed
	c       *copies              // what the last comparison found; nil when none ended
	// compared holds the names (relative to the target's directory) whose copies were
	// compared: every file, or those a budget let in.
	compared  []string
	repaired  map[int][]string // by location, the bad copies replaced from a good one
	repairErr map[int]error    // by location, the repair that failed
	err       error            // the target's end, as verify returns it
	id        string           // the id of its records; "" when none was written
}

// counts returns what the run compared in location k and what it found there.
func (v *verifyRun) counts(k int) *record.Verified {
	n := &record.Verified{Repaired: len(v.repaired[k])}
	if v.r != nil {
		for _, name := range v.compared {
			if size, ok := v.r.files[k][name]; ok {
				n.Files++
				n.Bytes += size
			}
		}
	}
	if c := v.c; c != nil {
		n.Bad = len(c.byVerdict(verify.Bad, k))
		n.Unknown = len(c.holding(verify.CannotTell, k))
		n.Edited = len(c.edited(k))
		n.Unreadable = len(c.unreadable[k])
	}
	return n
}

// holding returns the files with verdict kind of which location k holds one of the copies.
func (c *copies) holding(kind verify.Kind, k int) []string {
	var names []string
	for n, j := range c.verdicts {
		if j.Kind == kind && slices.Contains(j.holders, k) {
			names = append(names, n)
		}
	}
	return sortNames(names)
}

// edited returns the files that differ in content and in size or time between location k and
// the one the others were compared with: for that one, all such files it holds.
func (c *copies) edited(k int) []string {
	var names []string
	for n, j := range c.verdicts {
		if j.Kind == verify.Edited && slices.Contains(j.holders, k) && (k == 0 || c.differ[n][k]) {
			names = append(names, n)
		}
	}
	return sortNames(names)
}

// resultAt says how the run ended in location k, and why when not ok: it failed there when
// a copy there is bad, differs from another with no copy known to be right, or could not be
// read, or when the location was not compared; runErr is the target's error.
func (v *verifyRun) resultAt(k int, runErr error) (record.Result, string) {
	if ui.Interrupted(runErr) {
		return record.Stopped, "interrupted"
	}
	c := v.c
	if c == nil {
		if runErr == nil {
			return record.Stopped, "not started"
		}
		return record.Failed, ui.OneLine(runErr.Error())
	}
	if err := c.failed[k]; err != nil {
		return record.Failed, "not compared: " + ui.OneLine(err.Error())
	}
	if k == 0 && len(c.failed) == len(c.locs)-1 {
		return record.Failed, "not compared with any other location"
	}
	if err := v.repairErr[k]; err != nil {
		return record.Failed, "not repaired: " + ui.OneLine(err.Error())
	}
	n := v.counts(k)
	var parts []string
	if n.Bad > 0 {
		parts = append(parts, ui.Count(n.Bad, "bad copy", "bad copies"))
	}
	if n.Unknown > 0 {
		parts = append(parts, ui.Count(n.Unknown, "file whose right copy is unknown", "files whose right copy is unknown"))
	}
	if n.Edited > 0 {
		parts = append(parts, ui.Count(n.Edited, "file that differs in size or time", "files that differ in size or time"))
	}
	if n.Unreadable > 0 {
		parts = append(parts, ui.Count(n.Unreadable, "entry that could not be read", "entries that could not be read"))
	}
	if len(parts) > 0 {
		return record.Failed, strings.Join(parts, ", ")
	}
	return record.OK, ""
}

// recordVerify writes the record of a verify in every location it compared, while the run
// still holds them: to this machine's state directory and to the location's own directory
// (a WORKING's only when a run made it already: verify adds nothing of its own to the
// directories you work in). Like every run's record, one that cannot be written is a warning.
func (e *Env) recordVerify(v *verifyRun, h *held, start time.Time, runErr error) {
	v.err = runErr
	id := record.NewID(start)
	v.id = id
	a := aboutTarget(v.t)
	recs := make([]record.Record, len(v.locs))
	for k, l := range v.locs {
		recs[k] = e.NewRecord(id, start, verifyAction, a.config, a.paths, v.locs[0], l)
		recs[k].Verified = v.counts(k)
		recs[k].Result, recs[k].Error = v.resultAt(k, runErr)
	}
	e.SaveRecords(recs, func(k int) string {
		l := v.locs[k]
		switch {
		case h.lock[l.Path] == nil: // a read-only disc, read without a lock
			return ""
		case l.Remote():
			if !ui.Interrupted(runErr) {
				if err := saveRemote(e.Reach.Runner(l), l, recs[k], ""); err != nil {
					e.warnUnrecorded(recs[k], err)
				}
			}
			return ""
		}
		if id, ok := h.id[l.Path]; ok && id.Check(l.Path) != nil {
			return "" // not the disc the run began on: nothing is written where it was
		}
		dir := onDisc(l)
		if l.Role != locations.Backup && !isDir(dir) {
			return ""
		}
		return dir
	})
}

// verifiedText says in a few words what a verify record counts.
func verifiedText(n *record.Verified) string {
	if n == nil {
		return "nothing compared"
	}
	s := fmt.Sprintf("%s compared (%s)", ui.Count(n.Files, "file", "files"), ui.HumanBytes(n.Bytes))
	if n.Repaired > 0 {
		s += ", " + ui.Count(n.Repaired, "bad copy", "bad copies") + " repaired"
	}
	return s
}
