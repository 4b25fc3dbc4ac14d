package run

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"micsync/internal/jsonout"
	"micsync/internal/record"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/locations"
)

// LogRequest is what micsync log is asked.
type LogRequest struct {
	Since string // only runs that started this long ago or later ("30d", "12h"); "" all
	Which string // a run's id (or its time stamp alone), a path, or "" for every run
}

// LogData is what micsync log shows, apart from how it is shown.
type LogData struct {
	Run     string          // the run asked for; "" for a list of runs
	Records []record.Record // newest first; one for each destination of a run
}

// runID is the form of a run's id, or of its time stamp alone: an argument of micsync log in
// that form is a run, not a path (./20261203T060509Z names a file of that name).
var runID = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z(-[0-9a-f]{4})?$`)

// Log shows the recorded runs, newest first, one line each; or one run's records whole.
func Log(e *Env, req LogRequest) error {
	data, err := e.Log(req)
	if err != nil {
		return err
	}
	if e.JSON() {
		return e.Document(logDocument(req, data))
	}
	switch {
	case data.Run != "":
		for i, r := range data.Records {
			if i > 0 {
				e.Out.Printf("\n")
			}
			showRecord(e.Out, r)
		}
	case len(data.Records) == 0:
		e.Out.Printf("no run recorded%s\n", sinceText(req.Since))
	default:
		for _, r := range data.Records {
			e.Out.Printf("%s\n", logLine(r))
		}
	}
	return nil
}

func sinceText(since string) string {
	if since == "" {
		return ""
	}
	return " in the last " + since
}

// Log gathers what micsync log shows: this machine's records, and those on the reachable
// locations' discs (of the configurations that hold the path, when one is given).
func (e *Env) Log(req LogRequest) (LogData, error) {
	var cutoff time.Time
	if req.Since != "" {
		d, err := trash.ParseAge(req.Since)
		if err != nil {
			return LogData{}, ui.Usage(fmt.Errorf("--since takes a duration such as 30d, 12h or 90m, not %s", ui.Show(req.Since)))
		}
		cutoff = time.Now().Add(-d)
	}
	isRun := runID.MatchString(req.Which)
	sc, err := e.scope(req.Which, !isRun)
	if err != nil {
		return LogData{}, err
	}
	var data LogData
	if isRun {
		data.Run = req.Which
	}
	for _, r := range e.history(locationsOf(sc.cfgs)) {
		switch {
		case !cutoff.IsZero() && time.Time(r.Time).Before(cutoff):
		case isRun && r.ID != req.Which && !strings.HasPrefix(r.ID, req.Which+"-"):
		case !isRun && !sc.holds(r):
		default:
			data.Records = append(data.Records, r)
		}
	}
	if isRun && len(data.Records) == 0 {
		return data, ui.Usage(fmt.Errorf("no run %s is recorded%s", ui.Show(req.Which), sinceText(req.Since)), "micsync log lists the recorded runs")
	}
	return data, nil
}

// scope is what log and status are about: the configurations that hold a path, and the path's
// place below their locations; every configuration when no path is given.
type scope struct {
	cfgs []*locations.Config
	rel  string // slash-separated, "." the whole location; "" no path given
}

// scope reads the config file and finds what p (when path is set) is in. Without a path and
// without a config file, there is nothing but this machine's records to read.
func (e *Env) scope(p string, isPath bool) (scope, error) {
	file, err := e.LoadConfig()
	if !isPath || p == "" {
		var nf *locations.NotFoundError
		if err != nil && errors.As(err, &nf) {
			return scope{}, nil
		}
		if err != nil {
			return scope{}, err
		}
		return scope{cfgs: file.Configs}, nil
	}
	if err != nil {
		return scope{}, err
	}
	targets, err := file.Resolve([]string{p}, e.Cwd)
	if err != nil {
		var nl *locations.NoLocationError
		if errors.As(err, &nl) {
			return scope{}, ui.Usage(err, "name a path inside the locations of "+file.Path)
		}
		return scope{}, ui.Usage(err)
	}
	sc := scope{rel: "."}
	for _, t := range targets {
		sc.cfgs = append(sc.cfgs, t.Config)
		if t.Names != nil {
			sc.rel = path.Join(t.Rel, t.Names[0])
		} else if t.Rel != "" {
			sc.rel = t.Rel
		}
	}
	return sc, nil
}

// holds reports whether a record is about the scope: a run between locations of its
// configurations on paths that hold the scope's path or are inside it.
func (sc scope) holds(r record.Record) bool {
	if sc.rel == "" {
		return true
	}
	mine := false
	for _, c := range sc.cfgs {
		for _, l := range c.All() {
			mine = mine || at(r.Destination, l) || at(r.Source, l)
		}
	}
	if !mine {
		return false
	}
	if r.Covers(sc.rel) {
		return true
	}
	for _, p := range r.Paths {
		if record.Within(string(p), sc.rel) {
			return true
		}
	}
	return false
}

// logLine is a run at one destination in one line: when, its id, the result, what and where.
func logLine(r record.Record) string {
	result := strings.ToUpper(string(r.Result))
	if r.Result == record.OK {
		result = "ok"
	}
	if r.Action == verifyAction {
		line := fmt.Sprintf("%s  %s  %-7s  verify %s in %s %s: %s", when(r.Time), r.ID, result, paths(r.Paths),
			r.Destination.Role, ui.Show(string(r.Destination.Root)), verifiedText(r.Verified))
		if r.Error != "" {
			line += "; " + r.Error
		}
		return line
	}
	line := fmt.Sprintf("%s  %s  %-7s  %s %s to %s %s", when(r.Time), r.ID, result, r.Action, paths(r.Paths),
		r.Destination.Role, ui.Show(string(r.Destination.Root)))
	switch {
	case r.Error != "":
		line += ": " + r.Error
	case r.Result == record.OK:
		line += ": " + doneLine(r)
	}
	return line
}

func paths(ps []jsonout.Name) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = ui.Show(string(p))
	}
	return strings.Join(s, ", ")
}

// doneLine says what a run did at a destination, and what was declined.
func doneLine(r record.Record) string {
	var parts []string
	d := r.Done
	if d.Files > 0 {
		parts = append(parts, fmt.Sprintf("%s copied (%s)", ui.Count(d.Files, "file", "files"), ui.HumanBytes(d.Bytes)))
	}
	if d.Dirs > 0 {
		parts = append(parts, ui.Count(d.Dirs, "directory", "directories")+" created")
	}
	if d.Links > 0 {
		parts = append(parts, ui.Count(d.Links, "symlink", "symlinks")+" written")
	}
	if d.Deleted > 0 {
		parts = append(parts, ui.Count(d.Deleted, "entry", "entries")+" deleted")
	}
	if n := r.Declined.Overwrite; n > 0 {
		parts = append(parts, ui.Count(n, "modified entry", "modified entries")+" not overwritten")
	}
	if n := r.Declined.Delete; n > 0 {
		parts = append(parts, ui.Count(n, "entry", "entries")+" not deleted")
	}
	if len(parts) == 0 {
		return "up to date"
	}
	return strings.Join(parts, ", ")
}

// showRecord prints one record whole, a field a line.
func showRecord(o *ui.Output, r record.Record) {
	field := func(name, format string, args ...any) {
		o.Printf("  %-14s "+format+"\n", append([]any{name}, args...)...)
	}
	o.Printf("run %s\n", r.ID)
	took := time.Time(r.End).Sub(time.Time(r.Time)).Round(time.Second)
	field("time", "%s (took %s)", time.Time(r.Time).Local().Format("2006-01-02 15:04:05 -0700"), took)
	field("version", "%s", r.Version)
	field("configuration", "%s", r.Configuration)
	field("action", "%s", r.Action)
	if r.PathsLeftOut > 0 {
		field("paths", "%s and %d more", paths(r.Paths), r.PathsLeftOut)
	} else {
		field("paths", "%s", paths(r.Paths))
	}
	if r.Action == verifyAction {
		field("location", "%s", placeText(r.Destination))
		field("compared with", "%s", placeText(r.Source))
		n := r.Verified
		if n == nil {
			n = &record.Verified{}
		}
		field("compared", "%s (%s)", ui.Count(n.Files, "file", "files"), ui.HumanBytes(n.Bytes))
		field("found", "%d bad, %d unknown which copy is right, %d differing in size or time, %d unreadable",
			n.Bad, n.Unknown, n.Edited, n.Unreadable)
		field("repaired", "%s", ui.Count(n.Repaired, "bad copy", "bad copies"))
		field("result", "%s", r.Result)
		if r.Error != "" {
			field("error", "%s", r.Error)
		}
		return
	}
	field("from", "%s", placeText(r.Source))
	field("to", "%s", placeText(r.Destination))
	p := r.Planned
	field("planned", "%d new (%s), %d modified (%s), %d to delete (%s)", p.New.Count, ui.HumanBytes(p.New.Bytes),
		p.Modified.Count, ui.HumanBytes(p.Modified.Bytes), p.Deleted.Count, ui.HumanBytes(p.Deleted.Bytes))
	d := r.Done
	field("done", "%s copied (%s), %s created, %s written, %s deleted", ui.Count(d.Files, "file", "files"), ui.HumanBytes(d.Bytes),
		ui.Count(d.Dirs, "directory", "directories"), ui.Count(d.Links, "symlink", "symlinks"), ui.Count(d.Deleted, "entry", "entries"))
	if r.Declined.Any() {
		field("declined", "%d modified not overwritten, %d not deleted", r.Declined.Overwrite, r.Declined.Delete)
	}
	field("result", "%s", r.Result)
	if r.Error != "" {
		field("error", "%s", r.Error)
	}
}

func placeText(p record.Place) string {
	s := p.Role + " " + ui.Show(string(p.Root))
	if p.Marker != "" {
		s += " (marker " + p.Marker + ")"
	}
	return s
}
