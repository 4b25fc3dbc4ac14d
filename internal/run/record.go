package run

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"time"

	"micsync/internal/jsonout"
	"micsync/internal/record"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// about is what a run's records say beyond its destinations.
type about struct {
	config string
	paths  []string // slash-separated, relative to the locations' roots; "." the whole root
}

// aboutTarget is what the records of a run on t say about it.
func aboutTarget(t locations.Target) about {
	a := about{config: t.Config.Name}
	if t.Names == nil {
		a.paths = []string{path.Clean("./" + t.Rel)}
	}
	for _, n := range t.Names {
		a.paths = append(a.paths, path.Join(t.Rel, n))
	}
	return a
}

// keepRecords writes the record of every destination of a run that was not a dry run: to this
// machine's state directory, and to the destination's own directory on its disc. It is called
// while the run still holds its locations. A record that cannot be written is a warning: the
// run's result stays what it was.
func (e *Env) keepRecords(act Action, a about, src locations.Location, dests []*dest, h *held, start time.Time, runErr error) {
	id := record.NewID(start)
	end := time.Now()
	recs := make([]record.Record, len(dests))
	for i, d := range dests {
		recs[i] = e.recordOf(act, a, src, d, runErr)
		recs[i].ID, recs[i].Time, recs[i].End = id, jsonout.Time(start), jsonout.Time(end)
	}
	e.SaveRecords(recs, func(i int) string {
		d := dests[i]
		if d.loc.Remote() && h.lock[d.loc.Path] != nil && !ui.Interrupted(d.err) {
			if err := saveRemote(e.Reach.Runner(d.loc), d.loc, recs[i], d.records); err != nil {
				e.warnUnrecorded(recs[i], err)
			}
			return ""
		}
		if d.records != "" {
			os.RemoveAll(d.records)
		}
		if d.loc.Remote() || h.lock[d.loc.Path] == nil {
			return ""
		}
		if id, ok := h.id[d.loc.Path]; ok && id.Check(d.loc.Path) != nil {
			return "" // not the disc the run began on: nothing is written where it was
		}
		return onDisc(d.loc)
	})
}

// NewRecord begins the record of a run (started at start, with id, from record.NewID(start)) of
// action on paths (slash-separated, below the locations' roots) from src to dst, for a flow of
// its own that does not go through carryOut (which records its destinations itself). The
// caller fills in Planned, Done, Result, Error and Declined, and hands it to SaveRecords.
func (e *Env) NewRecord(id string, start time.Time, action, config string, paths []string, src, dst locations.Location) record.Record {
	r := record.Record{ID: id, Time: jsonout.Time(start), End: jsonout.Time(time.Now()), Version: e.Version,
		Configuration: config, Action: action, Paths: jsonout.Names(paths), Source: place(src), Destination: place(dst)}
	if n := len(r.Paths); n > record.MaxPaths {
		r.Paths, r.PathsLeftOut = r.Paths[:record.MaxPaths], n-record.MaxPaths
	}
	return r
}

// RecordDir is where the record of a run that wrote to l goes on l's disc (its own directory,
// disc.Name below its root), for SaveRecords; "" for a location on another host.
func RecordDir(l locations.Location) string { return onDisc(l) }

// SaveRecords writes the records of a run, which holds the locations of the records'
// destinations: all of them to this machine's file, and each to the file in the directory
// ownDir(i) names for recs[i] (a location's own directory, disc.Name below its root, which is
// made when missing; none when ""): under a lock of that directory, since runs that hold a
// location shared (verify) may write there at once. What cannot be written is a warning,
// never a failure.
func (e *Env) SaveRecords(recs []record.Record, ownDir func(i int) string) {
	if len(recs) == 0 {
		return
	}
	state, err := locations.StateDir()
	if err == nil {
		err = record.AppendLocal(state, recs...)
	}
	if err != nil {
		e.Out.Warn(ui.Failure(fmt.Errorf("this run is not recorded on this machine: %w", err),
			"micsync log and micsync status will not know of it from this machine"))
	}
	for i, r := range recs {
		dir := ownDir(i)
		if dir == "" {
			continue
		}
		err := os.Mkdir(dir, 0o755) // never the location's root: a disc that went away gets nothing
		if err == nil || errors.Is(err, fs.ErrExist) {
			err = record.AppendShared(record.DiscPath(dir), record.DiscLimit, r)
		}
		if err != nil {
			e.warnUnrecorded(r, err)
		}
	}
}

// warnUnrecorded says that the record r could not be written to its destination.
func (e *Env) warnUnrecorded(r record.Record, err error) {
	hint := "only this machine's record tells of it (micsync log)"
	if r.Result == record.OK {
		hint = "the run itself is done; " + hint
	}
	e.Out.Warn(ui.Failure(fmt.Errorf("this run is not recorded in %s %s: %w", r.Destination.Role, ui.Show(string(r.Destination.Root)), err), hint))
}

// place is a location as a record names it.
func place(l locations.Location) record.Place {
	return record.Place{Role: l.Role.String(), Root: jsonout.Name(l.Path), Marker: l.MarkerID}
}

// recordOf is the record of one destination of a run, but for its id and times.
func (e *Env) recordOf(act Action, a about, src locations.Location, d *dest, runErr error) record.Record {
	r := e.NewRecord("", time.Time{}, act.Name, a.config, a.paths, src, d.loc)
	r.Result, r.Error = resultOf(d, runErr)
	if p := d.plan; p != nil {
		t := p.Totals
		r.Planned = record.Counts{
			New:      record.Total{Count: t[rsyncplan.NewFile].Count + t[rsyncplan.NewDir].Count + t[rsyncplan.NewLink].Count, Bytes: t[rsyncplan.NewFile].Bytes},
			Modified: record.Total{Count: p.Overwrites(), Bytes: t[rsyncplan.Modified].Bytes + t[rsyncplan.Replaced].Bytes},
			Deleted:  record.Total{Count: t[rsyncplan.Deleted].Count, Bytes: t[rsyncplan.Deleted].Bytes},
		}
		if d.ran && d.skipped == "" {
			r.Declined = declined(p, d.approval)
		}
	}
	n := d.done
	r.Done = record.Done{Files: n.Files, Bytes: n.Bytes, Dirs: n.Dirs, Links: n.Links, Deleted: n.Deleted}
	return r
}

// declined counts the planned changes that the approval leaves out.
func declined(p *rsyncplan.Plan, a rsyncplan.Approval) record.Declined {
	var dl record.Declined
	for _, it := range p.Items {
		switch {
		case (it.Class == rsyncplan.Modified || it.Class == rsyncplan.Replaced) && !a.Overwrites(it.Name):
			dl.Overwrite++
		case it.Class == rsyncplan.Deleted && !a.Deletes(it.Name):
			dl.Delete++
		}
	}
	return dl
}

// resultOf says how a run ended at a destination, and why when not ok; runErr is the run's
// error, for a destination that it stopped before it started.
func resultOf(d *dest, runErr error) (record.Result, string) {
	switch {
	case d.skipped != "":
		return record.Skipped, d.skipped
	case ui.Interrupted(d.err):
		return record.Stopped, "interrupted"
	case d.err != nil:
		return record.Failed, ui.OneLine(d.err.Error())
	case d.plan == nil || !d.ran && !d.plan.Empty():
		// The run stopped before it came to this destination: its error says why.
		switch {
		case runErr == nil:
			return record.Stopped, "not started"
		case ui.Interrupted(runErr):
			return record.Stopped, "interrupted"
		}
		return record.Failed, ui.OneLine(runErr.Error())
	case len(d.plan.Missing) > 0 && !d.job.Delete:
		return record.Failed, fmt.Sprintf("%d of the named paths are not in the source", len(d.plan.Missing))
	}
	return record.OK, ""
}
