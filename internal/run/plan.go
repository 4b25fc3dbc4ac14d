package run

import (
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"micsync/internal/disc"
	"micsync/internal/reach"
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
		if err := e.reparent(act, src, d); err != nil {
			return err
		}
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
	if err := e.cannot(d, p); err != nil {
		return ui.Failure(err, rsyncHints(err, d)...)
	}
	if act.DeletesOnly {
		p.DeletionsOnly()
	}
	if p.Has(rsyncplan.Deleted) && !o.AllowEmptySource {
		if empty, none := e.sourceEmpty(d.rsync, p); empty {
			is, really := "is empty", "empty"
			if none {
				is, really = "does not exist", "gone"
			}
			return ui.Failure(fmt.Errorf("refusing to delete %s from %s: the source %s %s, which looks like a disc that is not mounted",
				ui.Count(p.Totals[rsyncplan.Deleted].Count, "entry", "entries"), ui.Show(synced(d.job.DstDir, d.job)), ui.Show(synced(d.job.SrcDir, d.job)), is),
				"check that the source disc is mounted; if the source is really "+really+", --allow-empty-source deletes anyway")
		}
	}
	if d.readOnly && !p.Empty() {
		return ui.Failure(fmt.Errorf("%s %s is read-only: nothing can be copied there", d.loc.Role, ui.Show(d.loc.Path)),
			"mount its disc read-write, then run micsync again")
	}
	d.plan = p
	if d.newer, err = e.newer(d); err != nil {
		return ui.Failure(err, rsyncHints(err, d)...)
	}
	return nil
}

// sourceEmpty reports whether a plan's source holds nothing: the whole source directory, or
// every named entry, is missing or an empty directory (micsync's own files aside); none says
// that none of the named entries exists at all.
func (e *Env) sourceEmpty(r *rsyncplan.Runner, p *rsyncplan.Plan) (empty, none bool) {
	j := p.Job
	if j.Names == nil {
		return e.emptyDir(r, j.SrcDir), false
	}
	found, err := r.Stat(e.Ctx, j.SrcDir, j.Names)
	if err != nil {
		return false, false
	}
	for _, en := range found {
		if !en.Dir() || !e.emptyDir(r, filepath.Join(j.SrcDir, en.Name)) {
			return false, false
		}
	}
	return true, len(found) == 0
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

// reparent makes the job of a destination whose directory does not exist yet start at its
// nearest directory that does: the missing directories between the two become part of every
// name, and rsync (--relative) creates them with the source's attributes, so the plan lists
// them as new directories. The location's root itself is never made, and what is in the way
// and not a directory is an error, never replaced.
func (e *Env) reparent(act Action, src locations.Location, d *dest) error {
	rel, _ := filepath.Rel(rsyncplan.OnHost(d.loc.Path), rsyncplan.OnHost(d.job.DstDir))
	var dirs []string // rel and its parents, the deepest first, down to the root "."
	for dir := filepath.ToSlash(rel); dir != "."; dir = path.Dir(dir) {
		dirs = append(dirs, dir)
	}
	dirs = append(dirs, ".")
	there, err := d.rsync.Stat(e.Ctx, d.loc.Path, dirs)
	if err != nil {
		return ui.Failure(err, rsyncHints(err, d)...)
	}
	i := slices.IndexFunc(dirs, func(dir string) bool { return there[dir].Dir() })
	if i < 1 {
		return ui.Failure(fmt.Errorf("%s %s does not exist", d.loc.Role, ui.Show(d.loc.Path)), reach.Hint(d.loc, ""))
	}
	base, first := dirs[i], dirs[i-1]
	if _, inTheWay := there[first]; inTheWay {
		return ui.Failure(fmt.Errorf("%s is not a directory in %s %s", ui.Show(filepath.Join(d.loc.Path, filepath.FromSlash(first))), d.loc.Role, ui.Show(d.loc.Path)),
			"move it out of the way, then run micsync --"+act.Name+" again")
	}
	missing := dirs[0]
	if base != "." {
		missing = strings.TrimPrefix(missing, base+"/")
	}
	j := &d.job
	names := make([]string, len(j.Names))
	for k, n := range j.Names {
		names[k] = missing + "/" + n
	}
	j.Names = names
	j.SrcDir = filepath.Join(src.Path, filepath.FromSlash(base))
	j.DstDir = filepath.Join(d.loc.Path, filepath.FromSlash(base))
	baseRel := strings.TrimPrefix(base, ".")
	j.Exclude = excludes(baseRel)
	if d.rules != nil {
		var err error
		if j.Filter, err = d.rules(baseRel); err != nil {
			return err
		}
	}
	if j.Trash != "" {
		j.Trash = trash.Dir(d.loc.Path, d.stamp, base)
	}
	return nil
}

// synced names the path a job syncs below dir (its source or destination directory): the one
// named entry, or dir itself.
func synced(dir string, j rsyncplan.Job) string {
	if len(j.Names) == 1 {
		return filepath.Join(dir, j.Names[0])
	}
	return dir
}
