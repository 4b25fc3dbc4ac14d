package run

import (
	"errors"
	"io/fs"
	"path/filepath"

	"micsync/internal/disc"
	"micsync/rsyncplan"
)

// capsOf returns what the filesystems of a destination and of its source keep; tests replace
// it to plan for a disc that is not there.
var capsOf = func(d *dest) (dst, src disc.Caps) { return d.caps, d.srcCaps }

// cannot takes out of a destination's plan what one side's filesystem cannot hold: what the
// destination cannot hold is not copied (rsync would merge names that differ only in case,
// or fail on the rest after the questions), and what the source cannot hold is neither deleted
// nor overwritten at the destination, which holds the only copy.
func (e *Env) cannot(d *dest, p *rsyncplan.Plan) error {
	dst, src := capsOf(d)
	if rsyncplan.Limited(dst) {
		dirs, err := e.entriesOf(d.rsync, p.Job.SrcDir, rsyncplan.DirsToCheck(p.Items, true))
		if err != nil {
			return err
		}
		p.Refuse(rsyncplan.Cannot(p.Items, true, dirs, dst))
	}
	if rsyncplan.Limited(src) {
		dirs, err := e.entriesOf(d.rsync, p.Job.DstDir, rsyncplan.DirsToCheck(p.Items, false))
		if err != nil {
			return err
		}
		p.Keep(rsyncplan.Cannot(p.Items, false, dirs, src))
	}
	return nil
}

// entriesOf lists the entries of each of dirs below root. A directory that is not there, or
// that cannot be read (the plan names what it could not read), holds nothing to check.
func (e *Env) entriesOf(r *rsyncplan.Runner, root string, dirs []string) (map[string][]rsyncplan.Entry, error) {
	out := make(map[string][]rsyncplan.Entry, len(dirs))
	for _, dir := range dirs {
		entries, err := r.Children(e.Ctx, filepath.Join(root, filepath.FromSlash(dir)))
		switch {
		case errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission):
		case err != nil:
			return nil, err
		}
		out[dir] = entries
	}
	return out, nil
}
