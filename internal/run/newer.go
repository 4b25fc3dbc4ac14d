package run

import (
	"path/filepath"
	"time"

	"micsync/internal/ui"
	"micsync/rsyncplan"
)

// newer finds the plan's modified files whose copy at the destination is newer than the
// source's, comparing to the second (the precision rsync lists with on another host).
func (e *Env) newer(d *dest) ([]ui.Newer, error) {
	var names []string
	for _, it := range d.plan.Items {
		if it.Class == rsyncplan.Modified && !it.Dir {
			names = append(names, it.Name)
		}
	}
	if len(names) == 0 {
		return nil, nil
	}
	src, err := d.rsync.Stat(e.Ctx, d.job.SrcDir, names)
	if err != nil {
		return nil, err
	}
	dst, err := d.rsync.Stat(e.Ctx, d.job.DstDir, names)
	if err != nil {
		return nil, err
	}
	var ns []ui.Newer
	for _, n := range names {
		s, sok := src[n]
		t, tok := dst[n]
		if sok && tok && t.ModTime.Truncate(time.Second).After(s.ModTime.Truncate(time.Second)) {
			ns = append(ns, ui.Newer{Name: filepath.ToSlash(n), Src: s, Dst: t})
		}
	}
	return ns, nil
}
