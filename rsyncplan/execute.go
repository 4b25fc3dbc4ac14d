package rsyncplan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// Done counts what an execution did, from rsync's own item lines.
type Done struct {
	Files    int   // files written (new or overwritten)
	Bytes    int64 // their size
	Dirs     int   // directories created
	Links    int   // symlinks created or changed
	Deleted  int   // entries deleted
	Warnings []string
	// Kept lists directories planned for deletion that were left alone because something
	// appeared in them after planning.
	Kept []string
}

// needed reports whether step s still has something to do. Only a step that sets a directory's
// attributes (the root's, or those of the one directory that holds the parts) can be without:
// when both sides are on this machine, the plan found the directory's attributes equal, and
// the destination's mode and time still equal the source's (no entry was added to or removed
// from it). That saves an rsync run, some 40 ms, on most runs.
func (p *Plan) needed(s Step) bool {
	if !s.mayMatch || IsRemote(p.Job.SrcDir) || IsRemote(p.Job.DstDir) {
		return true
	}
	src, err := os.Lstat(filepath.Join(p.Job.SrcDir, s.attrsOf))
	if err != nil {
		return true
	}
	dst, err := os.Lstat(filepath.Join(p.Job.DstDir, s.attrsOf))
	if err != nil {
		return true
	}
	return src.Mode() != dst.Mode() || !src.ModTime().Equal(dst.ModTime())
}

// Execute runs the steps in order and adds what they did to done. The steps of different parts
// run at the same time, each part's steps in order, and the root step after all of them. When
// before is set, each step that is needed runs alone and only if before says yes; before may
// show the step and ask. When a part fails, the other parts finish what they run, and the
// first failure is returned.
func (p *Plan) Execute(ctx context.Context, r *Runner, steps []Step, before func(Step) (bool, error), done *Done) error {
	for i := 0; i < len(steps); {
		j := i + 1
		if before == nil && steps[i].Part != 0 {
			for j < len(steps) && steps[j].Part != 0 {
				j++
			}
			if err := p.runParts(ctx, r, steps[i:j], done); err != nil {
				return err
			}
			i = j
			continue
		}
		s := steps[i]
		i = j
		if !p.needed(s) {
			continue
		}
		if before != nil {
			ok, err := before(s)
			if err != nil {
				return err
			}
			if !ok {
				continue
			}
		}
		if err := p.runStep(ctx, r, s, done); err != nil {
			return err
		}
	}
	return nil
}

// runParts runs the steps of each part in order, the parts at the same time. With several
// parts, each progress update says which part it comes from.
func (p *Plan) runParts(ctx context.Context, r *Runner, steps []Step, done *Done) error {
	var parts [][]Step
	for _, s := range steps {
		i := slices.IndexFunc(parts, func(ps []Step) bool { return ps[0].Part == s.Part })
		if i < 0 {
			parts = append(parts, nil)
			i = len(parts) - 1
		}
		parts[i] = append(parts[i], s)
	}
	if len(parts) > 1 && p.Job.Trash != "" {
		// rsync fails to keep a file ("make_backup failed: File exists") when another run
		// creates the same trash directory at that moment. Below the trash's root, the parts
		// keep what they overwrite or delete in directories of their own.
		made, ok, err := makeTrash(p.Job.Trash, p.Job.DstDir)
		defer removeEmpty(made)
		if err != nil {
			return fmt.Errorf("create the trash: %w", err)
		}
		if !ok {
			parts = [][]Step{steps} // one after the other: rsync reports what is wrong
		}
	}
	dones := make([]Done, len(parts))
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, ps := range parts {
		pr := r
		if len(parts) > 1 && r.Progress != nil {
			c := *r
			c.Progress = func(u Progress) {
				u.Part = ps[0].Part
				r.Progress(u)
			}
			pr = &c
		}
		wg.Go(func() {
			for _, s := range ps {
				if errs[i] = p.runStep(ctx, pr, s, &dones[i]); errs[i] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	for _, d := range dones {
		done.add(d)
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// add adds what another part did.
func (d *Done) add(o Done) {
	d.Files += o.Files
	d.Bytes += o.Bytes
	d.Dirs += o.Dirs
	d.Links += o.Links
	d.Deleted += o.Deleted
	d.Warnings = append(d.Warnings, o.Warnings...)
	d.Kept = append(d.Kept, o.Kept...)
}

// runStep runs one step and adds what it did to done. A delete step first checks that no
// directory to be deleted holds anything that was not in the plan; such a directory is kept.
// Execute has checked that the step is needed: only the steps after the parts may not be.
func (p *Plan) runStep(ctx context.Context, r *Runner, s Step, done *Done) error {
	if s.Name == "newdirs" {
		changed, err := p.newTreesChanged(ctx, r, s)
		if err != nil {
			return err
		}
		if len(changed) > 0 {
			// What changed since planning is copied entry by entry, exactly as planned.
			var entries []string
			for _, top := range changed {
				entries = append(entries, s.newTrees[top]...)
			}
			if err := reWriteList(s, changed); err != nil {
				return err
			}
			list, err := WriteList(filepath.Dir(s.List), strings.TrimSuffix(filepath.Base(s.List), ".list")+"-changed.list", entries)
			if err != nil {
				return err
			}
			exact := Step{Name: "copy", List: list, Args: p.stepArgs(list, false)}
			if err := p.runStep(ctx, r, exact, done); err != nil {
				return err
			}
		}
	}
	if s.Name == "delete" {
		keep, err := p.changedSincePlan(ctx, r, s)
		if err != nil {
			return err
		}
		if len(keep) > 0 {
			done.Kept = append(done.Kept, keep...)
			if err := reWriteList(s, keep); err != nil {
				return err
			}
		}
	}
	var st stats
	res, err := r.Run(ctx, s.Args, func(line []byte) {
		if len(line) == 0 {
			return
		}
		if pr, ok := parseProgress(line); ok {
			if r.Progress != nil {
				r.Progress(pr)
			}
			return
		}
		it, ok, perr := parseLine(line)
		if !ok && perr == nil && st.add(line) {
			return
		}
		if !ok || perr != nil {
			done.Warnings = append(done.Warnings, string(line))
			return
		}
		switch {
		case it.code[0] == '*':
			done.Deleted++
		case it.code[1] == 'f' && (it.code[0] == '>' || it.code[0] == '<'):
			done.Files++
			done.Bytes += it.size
		case it.code[1] == 'd' && strings.HasPrefix(it.code[2:], "+"):
			done.Dirs++
		case it.code[1] == 'L' && it.code[0] == 'c':
			done.Links++
		}
	})
	if err != nil {
		return err
	}
	if res.Code != 0 {
		return &Error{Step: s.Name, Code: res.Code, Stderr: res.Stderr}
	}
	if slices.Contains(s.Args, "--stats") {
		// A run without item lines counts from its --stats block.
		done.Files += st.sent
		done.Bytes += st.sentBytes
		done.Dirs += st.createdDirs
		done.Links += st.createdLinks
	}
	return nil
}
