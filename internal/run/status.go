package run

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"micsync/internal/disc"
	"micsync/internal/jsonout"
	"micsync/internal/record"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// StatusData is what micsync status shows, apart from how it is shown.
type StatusData struct {
	Configs []ConfigStatus `json:"configs"`
	// CutShort says that the dry runs that count what changed in WORKING took longer than
	// statusLimit: the copies whose Changed is nil and Note is set were not counted.
	CutShort bool `json:"cut_short"`
}

// ConfigStatus is one configuration's locations and folders.
type ConfigStatus struct {
	Name      string           `json:"name"`
	Locations []LocationStatus `json:"locations"`
	Folders   []FolderStatus   `json:"folders"`  // every folder a backup run was recorded for, in reading order
	NoDisc    []jsonout.Name   `json:"no_disc"`  // folders that no BACKUP holds a complete copy of
	OneDisc   []jsonout.Name   `json:"one_disc"` // folders that only one BACKUP holds a complete copy of
}

// LocationStatus says whether a location can be used now, and when a run last used it.
type LocationStatus struct {
	Role      string       `json:"role"`
	Root      jsonout.Name `json:"root"`
	Reachable bool         `json:"reachable"`
	Why       string       `json:"why,omitempty"` // why not, when not reachable
	LastSeen  jsonout.Time `json:"last_seen"`     // the start of the last recorded run that used it; zero (null): none recorded
}

// FolderStatus is one folder that was backed up, and what each BACKUP holds of it.
type FolderStatus struct {
	Path   jsonout.Name `json:"path"`   // below the locations' roots; "." is the whole location
	Copies []CopyStatus `json:"copies"` // one for each BACKUP of the configuration, in its order
}

// CopyStatus is what one BACKUP holds of a folder.
type CopyStatus struct {
	Root jsonout.Name `json:"root"`
	// Last is the start of the last run that left a complete copy of the folder there, and
	// LastRun that run's id; zero and "" when none did.
	Last    jsonout.Time `json:"last"`
	LastRun string       `json:"last_run,omitempty"`
	// Failed is the last run there, when it came after Last and did not leave a complete copy.
	Failed *record.Record `json:"failed,omitempty"`
	// Changed counts the entries that are new or modified in WORKING since the copy (from an
	// rsync dry run, for a reachable BACKUP); nil when not counted, and Note says why.
	Changed *int   `json:"changed"`
	Note    string `json:"note,omitempty"`
}

// notCounted is the note of a copy whose changes the time limit left uncounted.
const notCounted = "changes not counted (time limit)"

// statusLimit bounds the dry runs of one micsync status: a big tree on a slow disc could keep
// it for minutes.
var statusLimit = 10 * time.Second

// Status shows, for every configuration (or those holding p), which BACKUP holds a complete
// copy of which folder and how old it is, from the records on this machine and on the
// reachable discs. It reads; it never writes.
func Status(e *Env, p string) error {
	data, err := e.Status(p)
	if err != nil {
		return err
	}
	now := time.Now()
	if e.JSON() {
		return e.Document(statusDocument(now, p, data))
	}
	for i, c := range data.Configs {
		if i > 0 {
			e.Out.Printf("\n")
		}
		showStatus(e.Out, now, c)
	}
	if data.CutShort {
		e.Out.Printf("\nnote: the changes in WORKING were counted for %s only; the others were not checked\n", statusLimit)
	}
	return nil
}

// Status gathers what micsync status shows.
func (e *Env) Status(p string) (StatusData, error) {
	var sc scope
	if p == "" {
		file, err := e.LoadConfig()
		if err != nil {
			return StatusData{}, err
		}
		sc.cfgs = file.Configs
	} else {
		var err error
		if sc, err = e.scope(p, true); err != nil {
			return StatusData{}, err
		}
	}
	var all []locations.Location
	for _, c := range sc.cfgs {
		all = append(all, c.All()...)
	}
	e.Reach.Probe(all...)
	recs := e.history(locationsOf(sc.cfgs))
	ctx, cancel := context.WithTimeout(e.Ctx, statusLimit)
	defer cancel()
	var data StatusData
	for _, c := range sc.cfgs {
		cs := e.configStatus(ctx, c, recs, sc.rel)
		if e.Ctx.Err() != nil {
			return data, e.Ctx.Err()
		}
		data.Configs = append(data.Configs, cs)
	}
	data.CutShort = ctx.Err() != nil
	return data, nil
}

func (e *Env) configStatus(ctx context.Context, c *locations.Config, recs []record.Record, rel string) ConfigStatus {
	cs := ConfigStatus{Name: c.Name}
	for _, l := range c.All() {
		ls := LocationStatus{Role: l.Role.String(), Root: jsonout.Name(l.Path)}
		ls.Why = e.Reach.Unreachable(l)
		ls.Reachable = ls.Why == ""
		for _, r := range recs { // newest first
			if at(r.Destination, l) || at(r.Source, l) {
				ls.LastSeen = r.Time
				break
			}
		}
		cs.Locations = append(cs.Locations, ls)
	}
	// The backups of the configuration's folders, newest first.
	var backups []record.Record
	folders := map[string]bool{}
	for _, r := range recs {
		if r.Action != Backup.Name || !slices.ContainsFunc(c.Backup, func(b locations.Location) bool { return at(r.Destination, b) }) {
			continue
		}
		backups = append(backups, r)
		for _, p := range r.Paths {
			f := path.Clean(string(p))
			if rel == "" || record.Within(f, rel) || record.Within(rel, f) {
				folders[f] = true
			}
		}
	}
	names := make([]string, 0, len(folders))
	for f := range folders {
		names = append(names, f)
	}
	slices.SortFunc(names, ui.ComparePaths)
	for _, f := range names {
		fs := FolderStatus{Path: jsonout.Name(f)}
		copies := 0
		for _, b := range c.Backup {
			cp := CopyStatus{Root: jsonout.Name(b.Path)}
			var last, src *record.Record
			for i := range backups {
				r := &backups[i]
				if !at(r.Destination, b) || !r.Covers(f) {
					continue
				}
				if last == nil && !r.Complete() && cp.LastRun == "" {
					last = r
				}
				if r.Complete() {
					cp.Last, cp.LastRun, src = r.Time, r.ID, r
					break
				}
			}
			cp.Failed = last
			if src != nil {
				copies++
				e.countChanged(ctx, c, b, f, *src, &cp)
			}
			fs.Copies = append(fs.Copies, cp)
		}
		switch copies {
		case 0:
			cs.NoDisc = append(cs.NoDisc, fs.Path)
		case 1:
			if len(c.Backup) > 1 {
				cs.OneDisc = append(cs.OneDisc, fs.Path)
			}
		}
		cs.Folders = append(cs.Folders, fs)
	}
	return cs
}

// countChanged counts, with an rsync dry run from WORKING, what changed in folder f since the
// BACKUP b got its copy (by the run r): the entries that a backup would copy now.
func (e *Env) countChanged(ctx context.Context, c *locations.Config, b locations.Location, f string, r record.Record, cp *CopyStatus) {
	if e.Reach.Unreachable(b) != "" {
		return
	}
	var work *locations.Location
	for _, w := range c.Work {
		if e.Reach.Unreachable(w) == "" && (work == nil || at(r.Source, w)) {
			work = &w
		}
	}
	switch {
	case work == nil:
		cp.Note = "changes not counted: no WORKING of the configuration is reachable"
		return
	case ctx.Err() != nil:
		cp.Note = notCounted
		return
	}
	job := rsyncplan.Job{SrcDir: work.Path, DstDir: b.Path}
	// Times and modes are compared as a run compares them where the disc is known: a FAT
	// disc's times in steps of 2 s would otherwise make every file look modified. Where nothing
	// is known of the BACKUP's disc (it has no marker, or this machine never learnt it), its
	// times are taken as the coarsest disc keeps them: a copy on exFAT, NTFS or FAT keeps less
	// of a time than WORKING has, and is no change for all that.
	dst, known := remembered(b)
	if !known {
		dst.TimeStep = max(dst.TimeStep, 2*time.Second)
	}
	src, _ := remembered(*work)
	job.Keep(dst, src)
	if f == "." {
		job.Exclude = []string{"/" + trash.Name + "/", "/" + locations.MarkerName, "/" + disc.Name + "/"}
	} else {
		dir := filepath.FromSlash(path.Dir(f))
		job.SrcDir, job.DstDir = filepath.Join(work.Path, dir), filepath.Join(b.Path, dir)
		job.Names = []string{path.Base(f)}
	}
	runner := *e.Reach.Runner(*work, b)
	runner.Stderr = nil // what a failed dry run says is in its error
	p, err := rsyncplan.Make(ctx, &runner, job)
	switch {
	case ctx.Err() != nil && e.Ctx.Err() == nil:
		cp.Note = notCounted
		return
	case errors.Is(err, rsyncplan.ErrSourceMissing) || err == nil && len(p.Missing) > 0:
		cp.Note = "it is no longer in " + work.Role.String() + " " + ui.Show(work.Path)
		return
	case err != nil:
		cp.Note = "changes not counted: " + ui.OneLine(err.Error())
		return
	}
	t := p.Totals
	n := t[rsyncplan.NewFile].Count + t[rsyncplan.NewDir].Count + t[rsyncplan.NewLink].Count + p.Overwrites()
	cp.Changed = &n
}

// remembered is what this machine learned of the filesystem of l, a location with a marker,
// without learning anything; Everything, and not known, when nothing is known.
func remembered(l locations.Location) (caps disc.Caps, known bool) {
	if l.Remote() || l.MarkerID == "" || strings.ContainsAny(l.MarkerID, `/\.`) {
		return disc.Everything, false
	}
	state, err := locations.StateDir()
	if err != nil {
		return disc.Everything, false
	}
	if caps, ok := disc.Remembered(l.Path, filepath.Join(state, "discs", l.MarkerID+".json")); ok {
		return caps, true
	}
	return disc.Everything, false
}

// showStatus prints one configuration's status.
func showStatus(o *ui.Output, now time.Time, c ConfigStatus) {
	o.Printf("configuration %q\n", c.Name)
	width := 0
	for _, l := range c.Locations {
		width = max(width, len(ui.Show(string(l.Root))))
	}
	for _, l := range c.Locations {
		state := "reachable"
		if !l.Reachable {
			state = "not reachable: " + l.Why
		}
		switch {
		case time.Time(l.LastSeen).IsZero():
			state += "; no run recorded"
		case l.Reachable:
			state += "; last run " + ago(now, time.Time(l.LastSeen))
		default:
			state += "; last seen " + ago(now, time.Time(l.LastSeen)) + " (" + when(l.LastSeen) + ")"
		}
		o.Printf("  %-7s  %-*s  %s\n", l.Role, width, ui.Show(string(l.Root)), state)
	}
	if len(c.Folders) == 0 {
		o.Printf("  no backup recorded yet\n")
		return
	}
	for _, f := range c.Folders {
		name := ui.Show(string(f.Path))
		if f.Path == "." {
			name = ". (the whole location)"
		}
		o.Printf("\n  %s\n", name)
		for _, cp := range f.Copies {
			o.Printf("    %-*s  %s\n", width, ui.Show(string(cp.Root)), copyText(now, cp))
		}
	}
	o.Printf("\n")
	if len(c.NoDisc) > 0 {
		o.Printf("  on no disc: %s\n", paths(c.NoDisc))
	}
	if len(c.OneDisc) > 0 {
		o.Printf("  on one disc only: %s\n", paths(c.OneDisc))
	}
	if len(c.NoDisc) == 0 && len(c.OneDisc) == 0 {
		o.Printf("  every folder is on %s\n", map[bool]string{true: "its disc", false: "two discs or more"}[len(c.Folders[0].Copies) == 1])
	}
}

// copyText says what a BACKUP holds of a folder, in one line.
func copyText(now time.Time, cp CopyStatus) string {
	s := "no complete copy recorded"
	if !time.Time(cp.Last).IsZero() {
		s = "copy of " + ago(now, time.Time(cp.Last)) + " (" + when(cp.Last) + ")"
	}
	if f := cp.Failed; f != nil {
		s += fmt.Sprintf("; the last run, %s, %s", ago(now, time.Time(f.Time)), lastRunText(*f))
	}
	switch {
	case cp.Changed != nil && *cp.Changed == 0:
		s += "; nothing changed in WORKING since"
	case cp.Changed != nil:
		s += "; " + ui.Count(*cp.Changed, "entry", "entries") + " new or modified in WORKING since"
	case cp.Note != "":
		s += "; " + cp.Note
	}
	return s
}

func lastRunText(r record.Record) string {
	switch {
	case r.Result == record.OK:
		return "left " + doneLine(r)
	case r.Error != "":
		return string(r.Result) + ": " + r.Error
	}
	return string(r.Result)
}
