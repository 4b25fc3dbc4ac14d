package run

import (
	"fmt"
	"micsync/internal/jsonout"
	"os"
	"path/filepath"
	"strings"
	"time"

	"micsync/internal/disc"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/rsyncplan"
)

// trashRuns returns the trash runs of the reachable locations, or of the one at root.
func (e *Env) trashRuns(root string) ([]trash.Run, error) {
	file, err := e.LoadConfig()
	if err != nil {
		return nil, err
	}
	var places []trash.Place
	if root != "" {
		cfg, l, err := e.FindRoot(file, root)
		if err != nil {
			return nil, err
		}
		if err := e.usable(l); err != nil {
			return nil, err
		}
		places = append(places, trash.Place{Config: cfg, Location: l})
	} else {
		e.Reach.ProbeAll(file)
		seen := map[string]bool{}
		for _, c := range file.Configs {
			for _, l := range c.All() {
				if !seen[l.Path] && e.Reach.Unreachable(l) == "" {
					seen[l.Path] = true
					places = append(places, trash.Place{Config: c, Location: l})
				}
			}
		}
	}
	runs, err := trash.Runs(e.Ctx, e.Reach, places)
	if err != nil {
		return nil, ui.Failure(err)
	}
	return runs, nil
}

// ListTrash shows the trash runs of every reachable location, or of the one at root, with
// their sizes, grouped by location; or, when which names a run, the files it holds.
func ListTrash(e *Env, which string) error {
	if trash.IsStamp(which) {
		return listTrashRun(e, which)
	}
	runs, err := e.trashRuns(which)
	if err != nil {
		return err
	}
	doc := trashListDoc[trashPlace]{Header: jsonout.NewHeader("trash list"), Locations: []trashPlace{}}
	if len(runs) == 0 {
		e.Out.Printf("the trash is empty\n")
	}
	for _, g := range trash.ByLocation(runs) {
		l := g[0].Location
		tp := trashPlace{trashHolder: trashHolder{locationDoc: locationOf(l), Configuration: g[0].Config.Name}, Runs: []trashRunDoc{}}
		for _, r := range g {
			n, b := trash.Size(e.Ctx, e.Reach, r)
			tp.Runs = append(tp.Runs, trashRunDoc{Stamp: r.Stamp, Time: jsonout.Time(r.When.Local()), Files: n, Bytes: b})
			tp.Files, tp.Bytes = tp.Files+n, tp.Bytes+b
		}
		e.Out.Printf("%s %s (configuration %q): %s, %s, %s\n", l.Role, ui.Show(l.Path), tp.Configuration,
			ui.Count(len(g), "run", "runs"), ui.Count(tp.Files, "file", "files"), ui.HumanBytes(tp.Bytes))
		for _, r := range tp.Runs {
			e.Out.Printf("  %s  %s  %s\n", r.Stamp, ui.Count(r.Files, "file", "files"), ui.HumanBytes(r.Bytes))
		}
		doc.Locations = append(doc.Locations, tp)
	}
	return e.Document(doc)
}

// trashListDoc is the document of micsync trash list (schema "trash-list" in docs/JSON.md), and
// with a run's stamp of micsync trash list STAMP (schema "trash-list-run").
type trashListDoc[P any] struct {
	jsonout.Header
	Stamp     string `json:"stamp,omitempty"`
	Locations []P    `json:"locations"`
}

// trashHolder is a location whose trash holds files, and how many and how large in all.
type trashHolder struct {
	locationDoc
	Configuration string `json:"configuration"`
	Files         int    `json:"files"`
	Bytes         int64  `json:"bytes"`
}

// trashPlace is a location's trash and its runs.
type trashPlace struct {
	trashHolder
	Runs []trashRunDoc `json:"runs"`
}

// trashRunPlace is one run in a location's trash and the files it holds.
type trashRunPlace struct {
	trashHolder
	Entries []trashEntryDoc `json:"entries"`
}

type trashRunDoc struct {
	Stamp string       `json:"stamp"`
	Time  jsonout.Time `json:"time"`
	Files int          `json:"files"`
	Bytes int64        `json:"bytes"`
}

type trashEntryDoc struct {
	Name jsonout.Name `json:"name"`
	Type string       `json:"type"` // file, symlink, device, special
	Size int64        `json:"size"`
}

// listTrashRun shows the files that the trash run stamp holds in each reachable location, with
// their sizes.
func listTrashRun(e *Env, stamp string) error {
	runs, err := e.trashRuns("")
	if err != nil {
		return err
	}
	doc := trashListDoc[trashRunPlace]{Header: jsonout.NewHeader("trash list"), Stamp: stamp, Locations: []trashRunPlace{}}
	for _, r := range runs {
		if r.Stamp != stamp {
			continue
		}
		files, err := trash.Files(e.Ctx, e.Reach, r)
		if err != nil {
			return ui.Failure(err)
		}
		l := r.Location
		tp := trashRunPlace{trashHolder: trashHolder{locationDoc: locationOf(l), Configuration: r.Config.Name, Files: len(files)}, Entries: []trashEntryDoc{}}
		for _, f := range files {
			if f.Type == 'f' {
				tp.Bytes += f.Size
			}
			tp.Entries = append(tp.Entries, trashEntryDoc{Name: jsonout.Name(f.Name), Type: entryType(f), Size: f.Size})
		}
		if len(doc.Locations) > 0 {
			e.Out.Printf("\n")
		}
		doc.Locations = append(doc.Locations, tp)
		e.Out.Printf("trash run %s of %s %s (configuration %q): %s, %s\n", r.Stamp, l.Role, ui.Show(l.Path), r.Config.Name,
			ui.Count(len(files), "file", "files"), ui.HumanBytes(tp.Bytes))
		for _, f := range files {
			e.Out.Printf("  %10s  %s\n", entrySize(f), ui.Show(f.Name))
		}
	}
	if len(doc.Locations) == 0 {
		return ui.Usage(fmt.Errorf("no trash run %s in a reachable location", ui.Show(stamp)), "micsync trash list shows the runs")
	}
	return e.Document(doc)
}

// entryType names what a file in the trash is, for JSON.
func entryType(f rsyncplan.Entry) string {
	switch f.Type {
	case 'f':
		return "file"
	case 'L':
		return "symlink"
	case 'D':
		return "device"
	}
	return "special"
}

// entrySize is the size of a file in the trash, or what it is when it is not a regular file.
func entrySize(f rsyncplan.Entry) string {
	switch f.Type {
	case 'f':
		return ui.HumanBytes(f.Size)
	case 'L':
		return "symlink"
	case 'D':
		return "device"
	}
	return "special"
}

// RestoreRequest names a trash run and what to restore from it.
type RestoreRequest struct {
	Stamp    string   // the run, as micsync trash list shows it
	Paths    []string // what to restore; all when none
	Location string   // the location's root, when several have the run
	Options
}

// Restore copies a trash run back into its location with the same plan, ask, execute flow as
// the actions. It never deletes; what it overwrites goes to the trash of this run.
func Restore(e *Env, req RestoreRequest) error {
	runs, err := e.trashRuns(req.Location)
	if err != nil {
		return err
	}
	var found []trash.Run
	for _, r := range runs {
		if r.Stamp == req.Stamp {
			found = append(found, r)
		}
	}
	var run trash.Run
	switch len(found) {
	case 0:
		return ui.Usage(fmt.Errorf("no trash run %s in a reachable location", ui.Show(req.Stamp)), "micsync trash list shows the runs")
	case 1:
		run = found[0]
	default:
		labels := make([]string, len(found))
		for i, r := range found {
			labels[i] = ui.Show(r.Location.Path)
		}
		i, err := e.Ask.Select("Restore into which location?", labels)
		if err != nil {
			return ui.Unanswered(err, "several locations have this trash run", "--location ROOT (one of: "+strings.Join(labels, ", ")+")")
		}
		run = found[i]
	}

	names, err := trash.Names(e.Ctx, e.Reach, run, req.Paths)
	if err != nil {
		return err
	}
	src := run.Dir
	if run.Location.Remote() {
		if src, err = trash.Fetch(e.Ctx, e.Reach, run, names); err != nil {
			return err
		}
		defer os.RemoveAll(filepath.Dir(src))
	}
	l := run.Location
	job := rsyncplan.Job{SrcDir: src, DstDir: l.Path, Names: names}
	e.Out.Printf("restore from trash run %s of %s %s\n", run.Stamp, l.Role, ui.Show(l.Path))
	restore := Action{Name: "trash restore", From: l.Role, To: l.Role, Dests: OneDest}
	dests := []*dest{{loc: l, job: job, keep: true}}
	return e.carryOut(restore, l, dests, req.Options, about{config: run.Config.Name, paths: names}, func() any {
		doc := e.runDocument(restore, run.Config.Name, l, dests, req.Options)
		doc.Stamp = run.Stamp
		// The trash run's directory in the location, also when its files came through a
		// directory here.
		doc.Source.Dir = jsonout.Name(run.Dir)
		for i := range doc.Destinations {
			doc.Destinations[i].SourceDir = jsonout.Name(run.Dir)
		}
		return doc
	})
}

// EmptyRequest says which trash runs to delete.
type EmptyRequest struct {
	Location  string // only this location's root
	OlderThan string // only runs older than this: 30d, 12h
	Yes       bool   // without asking
}

// EmptyTrash deletes trash runs for good, after asking.
func EmptyTrash(e *Env, req EmptyRequest) error {
	var age time.Duration
	if req.OlderThan != "" {
		var err error
		if age, err = trash.ParseAge(req.OlderThan); err != nil {
			return err
		}
	}
	runs, err := e.trashRuns(req.Location)
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-age)
	var old []trash.Run
	files, bytes := 0, int64(0)
	for _, r := range runs {
		if age == 0 || r.When.Before(cutoff) {
			old = append(old, r)
			n, b := trash.Size(e.Ctx, e.Reach, r)
			files, bytes = files+n, bytes+b
		}
	}
	if len(old) == 0 {
		e.Out.Printf("nothing to empty\n")
		return nil
	}
	for _, r := range old {
		e.Out.Printf("  %s  %s %s\n", r.Stamp, r.Location.Role, ui.Show(r.Location.Path))
	}
	question := fmt.Sprintf("Delete %s (%s, %s) for good?", ui.Count(len(old), "trash run", "trash runs"), ui.Count(files, "file", "files"), ui.HumanBytes(bytes))
	ok := req.Yes
	if !ok {
		if ok, err = e.Ask.Confirm(question, false); err != nil {
			return ui.Unanswered(err, "emptying the trash needs a yes", "--yes")
		}
	}
	if !ok {
		return nil
	}
	// A run that writes to a location may be keeping files in its trash right now.
	h := &held{lock: map[string]*disc.Lock{}}
	var ws []want
	for _, r := range old {
		if _, ok := h.lock[r.Location.Path]; !ok {
			h.lock[r.Location.Path] = nil
			ws = append(ws, want{loc: r.Location, exclusive: true})
		}
	}
	if err := e.lockAll(h, ws, false); err != nil {
		return err
	}
	defer h.release()
	for _, r := range old {
		if err := trash.Remove(e.Ctx, e.Reach, r); err != nil {
			return ui.Failure(fmt.Errorf("empty trash: %w", err))
		}
	}
	e.Out.Printf("deleted %s\n", ui.Count(len(old), "trash run", "trash runs"))
	return nil
}
