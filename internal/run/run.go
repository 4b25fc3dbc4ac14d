package run

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"micsync/internal/disc"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// Request is one action on paths, with the command line's options.
type Request struct {
	Action Action
	Paths  []string
	Options
}

// Options are the command-line options of one run.
type Options struct {
	HideDirs      bool     // -s
	Verbose       bool     // -v: show each rsync command and ask before running it
	DryRun        bool     // -n
	Yes, No       bool     // answer every yes/no question
	From          string   // the source's root, instead of asking
	To            []string // the destinations' roots, instead of asking
	Configuration string   // the configuration, when the paths are in several
	Full          bool     // list every change
	Jobs          int      // at most this many destinations at once; 0: all
	Quiet         bool     // -q
	ListFile      string   // write every change of the plans there before asking

	Overwrite        bool     // -m
	NoTrash          bool     // --no-trash
	Checksum         bool     // -c: compare files by content
	Delete           bool     // -d
	DeleteNoAsk      bool     // -D
	MaxDelete        string   // --max-delete: "", "all" or a number
	AllowEmptySource bool     // --allow-empty-source
	Wait             bool     // --wait: wait for another run that holds a location
	Exclude          []string // --exclude: patterns to leave out in this run, besides the configuration's
}

func (o Options) deleting() bool { return o.Delete || o.DeleteNoAsk }

func (o Options) lists() ui.Lists { return ui.Lists{Full: o.Full, HideDirs: o.HideDirs} }

// dest is one destination of a run and what happened to it.
type dest struct {
	loc      locations.Location
	job      rsyncplan.Job
	plan     *rsyncplan.Plan
	approval rsyncplan.Approval
	newer    []ui.Newer // modified entries whose copy here is newer than the source's
	done     rsyncplan.Done
	err      error
	ran      bool
	rsync    *rsyncplan.Runner
	// keep says that what the run overwrites or deletes below trashRel is kept in the
	// location's trash, in a directory named once the run holds the location.
	keep     bool
	trashRel string
	stamp    string    // the name of this run's directory in the trash
	caps     disc.Caps // what the destination's filesystem keeps
	srcCaps  disc.Caps // what the source's keeps
	flushed  bool      // what was written is on the device
	// deletesOnly says that the action does nothing but delete, and has no -D to answer its
	// question.
	deletesOnly bool
	// skipped says why the user's answer left this destination as it was; "" when its
	// approved plan is carried out.
	skipped string
	// readOnly says that the destination's disc is mounted read-only: only a plan with
	// nothing to do can be carried out there.
	readOnly bool
	// records is, for a destination on another host, the directory here that holds its file
	// of records, fetched before planning (fetchForRecord); "" when there is none.
	records string
	// rules returns the filter rules of a job whose source directory is rel in its location
	// (see newFilters): anchored patterns are written from there.
	rules func(rel string) ([]string, error)
}

func (d *dest) outcome() ui.Outcome {
	return ui.Outcome{Dir: d.job.DstDir, Plan: d.plan, Approval: d.approval, Done: d.done, Err: d.err, Ran: d.ran, Flushed: d.flushed, Skipped: d.skipped}
}

// Run is the one flow of every action: resolve the paths, choose the locations, plan every
// destination, show the plans and ask, then execute what was approved.
func Run(e *Env, req Request) error {
	act, o := req.Action, req.Options
	if err := checkMaxDelete(o.MaxDelete); err != nil {
		return err
	}
	file, err := e.LoadConfig()
	if err != nil {
		return err
	}
	targets, err := file.Resolve(req.Paths, e.Cwd)
	if err != nil {
		var nl *locations.NoLocationError
		if errors.As(err, &nl) {
			return ui.Usage(err, "micsync works on paths inside the locations of "+file.Path)
		}
		if errors.Is(err, locations.ErrTwoDirectories) {
			return ui.Usage(err, "name the paths of one directory at a time: run micsync once for each directory")
		}
		return ui.Usage(err)
	}
	t, err := e.chooseConfig(targets, o)
	if err != nil {
		return err
	}
	if err := ownEntry(t); err != nil {
		return err
	}
	if err := absentHere(act, t); err != nil {
		return err
	}
	src, locs, err := e.chooseLocations(act, t, o)
	if err != nil {
		return err
	}
	if err := e.foundInSource(t, src, locs[0]); err != nil {
		return err
	}
	f, err := newFilters(t.Config, o.Exclude, src, t.Rel)
	if err != nil {
		return err
	}
	if err := f.leftOut(t.Location, t.Rel, t.Names); err != nil {
		return err
	}

	dests := make([]*dest, len(locs))
	for i, l := range locs {
		job := rsyncplan.Job{
			SrcDir: filepath.Join(src.Path, filepath.FromSlash(t.Rel)),
			DstDir: filepath.Join(l.Path, filepath.FromSlash(t.Rel)),
			Names:  t.Names,
			Delete: act.MayDelete && o.deleting(),
			// A backup never deletes: what only the BACKUP holds is told, not planned.
			OnlyInDst: act.TellsOnlyInDst && !(act.MayDelete && o.deleting()),
			Tree:      act.Tree,
			Filter:    f.rules,
			Xattrs:    t.Config.Keep.Xattrs,
			ACLs:      t.Config.Keep.ACLs,
			Checksum:  o.Checksum,
		}
		job.Exclude = excludes(t.Rel)
		dests[i] = &dest{loc: l, job: job, keep: !act.Tree && !o.NoTrash, trashRel: t.Rel, deletesOnly: act.DeletesOnly,
			rules: func(rel string) ([]string, error) {
				f, err := newFilters(t.Config, o.Exclude, src, rel)
				return f.rules, err
			}}
	}
	e.Out.Printf("%s from %s %s\n", act.Name, src.Role, ui.Show(dests[0].job.SrcDir))
	if o.Verbose {
		for _, r := range f.rules {
			e.Out.Printf("filter rule: %s\n", ui.Show(r))
		}
	}
	return e.carryOut(act, src, dests, o, aboutTarget(t), func() any { return e.runDocument(act, t.Config.Name, src, dests, o) })
}

// carryOut takes hold of the locations, plans every destination, shows the plans and asks
// every question, and only then executes what was approved. With --json, document makes the
// run's document once everything that can be done was done; it is not called without (a plan
// may hold a million entries). Every destination of a run that is not a dry run gets its record
// (keepRecords), whatever the run's end.
func (e *Env) carryOut(act Action, src locations.Location, dests []*dest, o Options, a about, document func() any) (err error) {
	if err := e.checkRsync(); err != nil {
		return err
	}
	h, err := e.hold(src, dests, o)
	if err != nil {
		return err
	}
	defer h.release()
	defer func() {
		for _, d := range dests {
			if d.job.TempDir != "" {
				os.RemoveAll(d.job.TempDir) // empty unless a run was stopped
			}
		}
	}()
	if !o.DryRun {
		start := time.Now()
		defer func() { e.keepRecords(act, a, src, dests, h, start, err) }()
	}
	// Named while the run holds the locations: no other run writes there, so the trash
	// directory is this run's alone.
	stamp := trash.NewStamp(e.Ctx, e.Reach, locs(dests)...)
	srcCaps := e.learnSource(src, o)
	for _, d := range dests {
		d.caps, d.srcCaps = disc.Everything, srcCaps
		d.stamp = stamp
		if d.keep {
			d.job.Trash = trash.Dir(d.loc.Path, stamp, d.trashRel)
		}
		if d.err == nil {
			d.err = e.setUp(h, d)
		}
	}
	e.prepare(src, dests, h, o)
	each(dests, len(dests), func(d *dest) {
		if d.err == nil { // not one that could not be locked
			d.err = e.plan(act, src, d, o)
		}
	})
	for _, d := range dests {
		if ui.Interrupted(d.err) {
			return prompt.ErrInterrupted
		}
		if d.err != nil && len(dests) > 1 {
			e.Out.Report(d.loc.Path, d.err)
		}
	}
	if o.ListFile != "" {
		var ls []ui.Listed
		for _, d := range dests {
			ls = append(ls, ui.Listed{Role: d.loc.Role.String(), Dir: d.job.DstDir, Plan: d.plan})
		}
		if err := ui.WriteLists(o.ListFile, ls); err != nil {
			return ui.Failure(err)
		}
		e.Out.Printf("every change of the plans is listed in %s\n", ui.Show(o.ListFile))
	}
	todo, err := e.showAndAsk(src, dests, o)
	if err != nil {
		return err
	}
	if o.DryRun {
		e.Out.Printf("dry run: nothing was changed\n")
		err = failures(dests)
	} else if err = e.executeAll(src, dests, todo, h, o); errors.As(err, new(*ui.NoTerminalError)) {
		// Stopped at a question before the summary: no document, the error says why.
		return err
	}
	if e.JSON() {
		if derr := e.Document(document()); derr != nil {
			return derr
		}
	}
	return cmp.Or(err, notInSource(act, src, dests))
}

// checkRsync fails when rsync is missing or too old, saying how to install it.
func (e *Env) checkRsync() error {
	err := e.Rsync.CheckVersion(e.Ctx)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, rsyncplan.ErrNoRsync):
		return ui.Failure(err, "install rsync (Debian: apt-get install rsync; Arch: pacman -S rsync)")
	case errors.Is(err, rsyncplan.ErrOldRsync):
		return ui.Failure(err, "install a newer rsync from your distribution")
	}
	return ui.Failure(err)
}

// excludes returns the rsync patterns that no run below rel (slash-separated, "" for the root)
// of a location sees, whatever it does: plan, copy, delete or verify. micsync's own entries in a
// location's root are never copied, deleted or compared.
func excludes(rel string) []string {
	if rel != "" {
		return nil
	}
	return []string{"/" + trash.Name + "/", "/" + locations.MarkerName, "/" + disc.Name + "/"}
}

// ownEntry refuses a named path that is one of micsync's own entries in a location's root, or
// inside one: they are never synced, and a run would only say "up to date".
func ownEntry(t locations.Target) error {
	top := strings.SplitN(t.Rel, "/", 2)[0]
	names := []string{top}
	if top == "" {
		names = t.Names
	}
	for _, n := range names {
		var what string
		var hints []string
		switch n {
		case trash.Name:
			what = "micsync's trash"
			hints = []string{"see what it holds with micsync trash list, and get a file back with micsync trash restore"}
		case locations.MarkerName:
			what = "micsync's marker of the location"
		case disc.Name:
			what = "micsync's own directory"
		default:
			continue
		}
		return ui.Usage(fmt.Errorf("%s is %s in %s %s: it is never synced", n, what, t.Location.Role, ui.Show(t.Location.Path)), hints...)
	}
	return nil
}

// absentHere refuses named paths that do not exist where they were named unless that location
// is the run's destination: there they name what a run may bring back from the source.
func absentHere(act Action, t locations.Target) error {
	if len(t.Absent) == 0 || (t.Location.Role == act.To && act.From != act.To) {
		return nil
	}
	p := filepath.Join(t.Location.Path, filepath.FromSlash(t.Rel), t.Absent[0])
	err := fmt.Errorf("path %s does not exist", ui.Show(p))
	switch act.Name {
	case Backup.Name:
		return ui.Usage(err, "to get it back from a BACKUP, run micsync --work "+rsyncplan.Quote([]string{p}))
	case Prune.Name:
		return ui.Usage(err, "name the directory that held it: micsync "+rsyncplan.Quote([]string{"prune", filepath.Dir(p)})+
			" moves what only the BACKUPs hold there into their trash")
	}
	return ui.Usage(err)
}

// foundInSource checks that the named paths that do not exist where they were named are in the
// source, and says where they were found.
func (e *Env) foundInSource(t locations.Target, src, dst locations.Location) error {
	if len(t.Absent) == 0 {
		return nil
	}
	dir := filepath.Join(src.Path, filepath.FromSlash(t.Rel))
	found, err := e.Reach.Runner(src, dst).Stat(e.Ctx, dir, t.Absent)
	if err != nil {
		return ui.Failure(err)
	}
	here := filepath.Join(t.Location.Path, filepath.FromSlash(t.Rel))
	for _, n := range t.Absent {
		if _, ok := found[n]; !ok {
			return ui.Usage(fmt.Errorf("%s exists neither in %s %s nor in %s %s", ui.Show(n), t.Location.Role, ui.Show(here), src.Role, ui.Show(dir)))
		}
		e.Out.Printf("%s is not in %s %s: found in %s %s\n", ui.Show(n), t.Location.Role, ui.Show(here), src.Role, ui.Show(dir))
	}
	return nil
}

// notInSource is the error of a run that was named paths its source does not hold: there is
// nothing to copy for them, which is not success, though the others are done. nil when every
// named path is there, and for a run that deletes what the source lacks (those are planned
// deletions).
func notInSource(act Action, src locations.Location, dests []*dest) error {
	seen := map[string]bool{}
	var names []string
	for _, d := range dests {
		if d.plan == nil || d.job.Delete {
			continue
		}
		for _, n := range d.plan.Missing {
			if !seen[n] {
				seen[n] = true
				names = append(names, ui.Show(n))
			}
		}
	}
	if len(names) == 0 {
		return nil
	}
	is, it := "is", "it"
	if len(names) > 1 {
		is, it = "are", "them"
	}
	err := fmt.Errorf("%s %s not in %s %s: nothing was copied for %s", strings.Join(names, ", "), is, src.Role, ui.Show(dests[0].job.SrcDir), it)
	if act.Name == Backup.Name {
		return ui.Failure(err, "to copy from a BACKUP to WORKING, run micsync --work with the same path")
	}
	return ui.Failure(err)
}

// prepare gives each destination a runner of its own: with several destinations at once,
// rsync's messages are prefixed with the destination they come from, and the progress line
// shows each.
func (e *Env) prepare(src locations.Location, dests []*dest, h *held, o Options) {
	labels := make([]string, len(dests))
	for i, d := range dests {
		labels[i] = ui.ProgressLabel(d.loc.Path, len(dests))
	}
	progress := e.Out.StartProgress(o.Quiet, labels)
	for i, d := range dests {
		r := e.Reach.Runner(src, d.loc)
		prefix := ""
		if len(dests) > 1 {
			prefix = ui.Show(d.loc.Path) + ": "
		}
		r.Stderr = e.Out.Prefixed(e.Ctx, prefix)
		r.Guard = h.guard(src, d)
		if progress {
			label := labels[i]
			d.job.Progress = true
			r.Progress = func(p rsyncplan.Progress) {
				var total int64 // the approved plan's, known once it is executed
				if d.plan != nil {
					total = d.plan.Bytes(d.approval)
				}
				e.Out.Progress(label, total, p)
			}
		}
		d.rsync = r
	}
}

// failures returns an error when a destination failed; the summary has named them.
func failures(dests []*dest) error {
	n := 0
	for _, d := range dests {
		if d.err != nil {
			n++
		}
	}
	switch {
	case n == 0:
		return nil
	case len(dests) == 1: // not reported yet: the one error is the run's error
		return dests[0].err
	}
	return ui.Failure(fmt.Errorf("%s of %d failed", ui.Count(n, "destination", "destinations"), len(dests)))
}
