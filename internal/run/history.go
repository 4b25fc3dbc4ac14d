package run

import (
	"fmt"
	"time"

	"micsync/internal/jsonout"
	"micsync/internal/record"
	"micsync/internal/ui"
	"micsync/locations"
)

// history reads the records that can be read now: this machine's, and those in the own
// directory of each of ls that is reachable (on another host, fetched with rsync). The records are merged, each
// once, newest first. What cannot be read is a warning: the rest still tells.
func (e *Env) history(ls []locations.Location) []record.Record {
	var lists [][]record.Record
	if state, err := locations.StateDir(); err == nil {
		recs, damaged, err := record.Read(record.LocalPath(state))
		e.warnRecords(record.LocalPath(state), damaged, err)
		lists = append(lists, recs)
	}
	e.Reach.Probe(ls...)
	for _, l := range ls {
		if e.Reach.Unreachable(l) != "" {
			continue
		}
		var recs []record.Record
		var damaged int
		var err error
		file := ""
		if l.Remote() {
			file = remoteRecords(l)
			recs, damaged, err = readRemote(e.Reach.Runner(l), l)
		} else {
			file = record.DiscPath(onDisc(l))
			recs, damaged, err = record.Read(file)
		}
		e.warnRecords(file, damaged, err)
		for i := range recs {
			// What a location's own file holds is about that location, wherever its disc was
			// mounted when it was written (another machine's /media/...).
			if !at(recs[i].Destination, l) {
				recs[i].Destination.Root = jsonout.Name(l.Path)
			}
		}
		lists = append(lists, recs)
	}
	return record.Merge(lists...)
}

func (e *Env) warnRecords(file string, damaged int, err error) {
	if err != nil {
		e.Out.Warn(ui.Failure(err))
	}
	if damaged > 0 {
		e.Out.Warn(fmt.Errorf("%s in %s could not be read and %s left out", ui.Count(damaged, "record", "records"), ui.Show(file), map[bool]string{true: "is", false: "are"}[damaged == 1]))
	}
}

// at reports whether a record's place is the location l: the same root, or the same marker.
func at(p record.Place, l locations.Location) bool {
	return string(p.Root) == l.Path || (l.MarkerID != "" && p.Marker == l.MarkerID)
}

// locationsOf returns the locations of the configurations, each once: their own directories
// may hold records.
func locationsOf(cfgs []*locations.Config) []locations.Location {
	var ls []locations.Location
	seen := map[string]bool{}
	for _, c := range cfgs {
		for _, l := range c.All() {
			if !seen[l.Path] {
				seen[l.Path] = true
				ls = append(ls, l)
			}
		}
	}
	return ls
}

// ago says how long ago t was, as a person says it: "just now", "5 minutes ago", "12 days ago".
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return ui.Count(int(d/time.Minute), "minute", "minutes") + " ago"
	case d < 48*time.Hour:
		return ui.Count(int(d/time.Hour), "hour", "hours") + " ago"
	}
	return ui.Count(int(d/(24*time.Hour)), "day", "days") + " ago"
}

// when shows a record's time as this machine's local time, to the minute.
func when(t jsonout.Time) string { return time.Time(t).Local().Format("2006-01-02 15:04") }
