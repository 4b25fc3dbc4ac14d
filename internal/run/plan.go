package run

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"

	"micsync/internal/disc"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// plan checks the destination and makes its plan with rsync dry runs (see rsyncplan.Make).
func (e *Env) plan(act Action, src locations.Location, d *dest, o Options) error {
	if rsyncplan.IsRemote(d.job.SrcDir) && rsyncplan.IsRemote(d.job.DstDir) {
		return ui.Failure(fmt.Errorf("cannot copy from %s to %s: rsync copies between this machine and another host, not between two other hosts", ui.Show(src.Path), ui.Show(d.loc.Path)),
			"run micsync on one of the two hosts, or pick a destination on this machine with --to")
	}
	there, err := d.rsync.Stat(e.Ctx, d.job.DstDir, []string{"."})
	if err != nil {
		return ui.Failure(err, rsyncHints(err, d)...)
	}
	if !there["."].Dir() {
		return e.missingDest(act, src, d)
	}
	r := d.rsync
	if o.Verbose {
		traced := *r
		traced.Trace = e.Out.Trace
		r = &traced
	}
	p, err := rsyncplan.Make(e.Ctx, r, d.job)
	if errors.Is(err, rsyncplan.ErrSourceMissing) {
		return ui.Failure(fmt.Errorf("%s does not exist in %s %s", ui.Show(d.job.SrcDir), src.Role, ui.Show(src.Path)))
	}
	if err != nil {
		return ui.Failure(err, rsyncHints(err, d)...)
	}
	if p.Has(rsyncplan.Deleted) && !o.AllowEmptySource && e.sourceEmpty(d.rsync, p) {
		return ui.Failure(fmt.Errorf("refusing to delete %s from %s: the source %s is empty, which looks like a disc that is not mounted",
			ui.Count(p.Totals[rsyncplan.Deleted].Count, "entry", "entries"), ui.Show(synced(d.job.DstDir, d.job)), ui.Show(synced(d.job.SrcDir, d.job))),
			"check that the source disc is mounted; if the source is really empty, --allow-empty-source deletes anyway")
	}
	d.plan = p
	return nil
}

// sourceEmpty reports whether a plan's source holds nothing: the whole source directory, or
// every named entry, is missing or an empty directory (micsync's own files aside).
func (e *Env) sourceEmpty(r *rsyncplan.Runner, p *rsyncplan.Plan) bool {
	j := p.Job
	if j.Names == nil {
		return e.emptyDir(r, j.SrcDir)
	}
	found, err := r.Stat(e.Ctx, j.SrcDir, j.Names)
	if err != nil {
		return false
	}
	for _, en := range found {
		if !en.Dir() || !e.emptyDir(r, filepath.Join(j.SrcDir, en.Name)) {
			return false
		}
	}
	return true
}

func (e *Env) emptyDir(r *rsyncplan.Runner, dir string) bool {
	entries, err := r.Children(e.Ctx, dir)
	if err != nil {
		return false
	}
	for _, en := range entries {
		if en.Name != trash.Name && en.Name != locations.MarkerName && en.Name != disc.Name {
			return false
		}
	}
	return true
}

// missingDest explains a destination directory that does not exist and how to create it.
func (e *Env) missingDest(act Action, src locations.Location, d *dest) error {
	rel, _ := filepath.Rel(rsyncplan.OnHost(d.loc.Path), rsyncplan.OnHost(d.job.DstDir))
	var parents []string
	for dir := path.Dir(filepath.ToSlash(rel)); dir != "."; dir = path.Dir(dir) {
		parents = append(parents, dir)
	}
	there, _ := d.rsync.Stat(e.Ctx, d.loc.Path, parents)
	top := rel
	for _, dir := range parents {
		if there[dir].Dir() {
			break
		}
		top = dir
	}
	err := fmt.Errorf("%s does not exist in %s %s", ui.Show(d.job.DstDir), d.loc.Role, ui.Show(d.loc.Path))
	missing := filepath.Join(src.Path, filepath.FromSlash(top))
	if d.loc.Role == locations.Work {
		return ui.Failure(err, "create the directories with: micsync --tree "+rsyncplan.Quote([]string{missing}))
	}
	return ui.Failure(err, "copy the missing directory first: micsync --"+act.Name+" "+rsyncplan.Quote([]string{missing}))
}

// synced names the path a job syncs below dir (its source or destination directory): the one
// named entry, or dir itself.
func synced(dir string, j rsyncplan.Job) string {
	if len(j.Names) == 1 {
		return filepath.Join(dir, j.Names[0])
	}
	return dir
}
