package rsyncplan

import (
	"bytes"
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
	// Unreadable lists the entries of the source that rsync could not read, when planning
	// (Plan.Unreadable) or copying, by name: they were not copied, the rest was.
	Unreadable []Unreadable
	// Changed lists the files that were copied but differ from the source afterwards, by
	// rsync's quick check: they changed while they were copied, so that the copy may hold
	// neither their old nor their new content. The next plan lists them again.
	Changed []string
	copied  []string // the files that the runs wrote, for the check of Changed
}

// IncompleteError is the failure of an execution that did everything else but left entries
// out: those that rsync could not read, and files that changed while they were copied.
type IncompleteError struct {
	Unreadable int // entries that could not be read
	Changed    int // files that changed during the copy
}

func (e *IncompleteError) Error() string {
	var parts []string
	if e.Unreadable > 0 {
		parts = append(parts, count(e.Unreadable, "entry", "entries")+" could not be read")
	}
	if e.Changed > 0 {
		parts = append(parts, count(e.Changed, "file", "files")+" changed during the copy")
	}
	return strings.Join(parts, ", ")
}

// Incomplete returns an *IncompleteError when the execution left entries out, else nil.
func (d *Done) Incomplete() error {
	if len(d.Unreadable) == 0 && len(d.Changed) == 0 {
		return nil
	}
	return &IncompleteError{Unreadable: len(d.Unreadable), Changed: len(d.Changed)}
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
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
// a part fails, the other parts finish what they run, and the first failure is returned.
//
// Entries that rsync could not read fail no step: they are added to done.Unreadable, with
// those the plan could not read. Once every step has run, the files they copied are checked
// against the source, and those that changed while they were copied are added to
// done.Changed. Either makes done.Incomplete an error.
func (p *Plan) Execute(ctx context.Context, r *Runner, steps []Step, done *Done) error {
	done.Unreadable = append(done.Unreadable, p.Unreadable...)
	if err := p.execute(ctx, r, steps, done); err != nil {
		return err
	}
	slices.SortFunc(done.Unreadable, func(a, b Unreadable) int { return strings.Compare(a.Name, b.Name) })
	done.Unreadable = slices.CompactFunc(done.Unreadable, func(a, b Unreadable) bool { return a.Name == b.Name })
	changed, err := p.changedWhileCopied(ctx, r, done.copied)
	if err != nil {
		return fmt.Errorf("check the copied files: %w", err)
	}
	done.Changed = append(done.Changed, changed...)
	return nil
}

func (p *Plan) execute(ctx context.Context, r *Runner, steps []Step, done *Done) error {
	for i := 0; i < len(steps); {
		j := i + 1
		if steps[i].Part != 0 {
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
		if r.Guard != nil {
			if err := r.Guard(); err != nil {
				return err // never a trash in the mount point of a disc that went away
			}
		}
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
	d.Unreadable = append(d.Unreadable, o.Unreadable...)
	d.Changed = append(d.Changed, o.Changed...)
	d.copied = append(d.copied, o.copied...)
}

// runStep runs one step and adds what it did to done. A delete step first checks that no
// directory to be deleted holds anything that was not in the plan; such a directory is kept.
// Execute has checked that the step is needed: only the steps after the parts may not be.
// A run that rsync ends only because it could not read some entries, which it skipped, does
// not fail: the entries are added to done.Unreadable.
func (p *Plan) runStep(ctx context.Context, r *Runner, s Step, done *Done) error {
	var copied []string // the new trees that the newdirs run copies
	if s.Name == "newdirs" {
		// A tree that holds an entry the plan could not read is copied entry by entry, as
		// planned: reading the tree to check it would fail on that entry, and rsync's
		// recursion would meet it again.
		var unreadable []string
		check := s
		check.tops = nil
		for _, top := range s.tops {
			if p.unreadableIn(top) {
				unreadable = append(unreadable, top)
			} else {
				check.tops = append(check.tops, top)
			}
		}
		changed, err := p.newTreesChanged(ctx, r, check)
		if err != nil {
			return err
		}
		changed = append(unreadable, changed...)
		for _, top := range s.tops {
			if !slices.Contains(changed, top) {
				copied = append(copied, top)
			}
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
	r, errs := watch(r, p.Job)
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
		if name, found := bytes.CutPrefix(line, []byte(notEmpty)); found && !ok {
			// A directory to delete that now holds an entry the rules leave out: rsync
			// keeps both, as it should.
			if k := decodeName(name); !slices.Contains(done.Kept, k) {
				done.Kept = append(done.Kept, k)
			}
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
			done.copied = append(done.copied, it.name)
		case it.code[1] == 'd' && strings.HasPrefix(it.code[2:], "+"):
			done.Dirs++
		case it.code[1] == 'L' && it.code[0] == 'c':
			done.Links++
		}
	})
	if err != nil {
		return err
	}
	var unread []Unreadable
	if res.Code != 0 {
		var ok bool
		if unread, ok = errs.only(res); !ok {
			return &Error{Step: s.Name, Code: res.Code, Stderr: res.Stderr}
		}
		done.Unreadable = append(done.Unreadable, unread...)
	}
	if slices.Contains(s.Args, "--stats") {
		// A run without item lines counts from its --stats block, which counts a file that
		// rsync could not open as transferred.
		files, bytes := p.sizes(unread)
		done.Files += st.sent - files
		done.Bytes += st.sentBytes - bytes
		done.Dirs += st.createdDirs
		done.Links += st.createdLinks
		done.copied = append(done.copied, p.treeFiles(s, copied, unread)...)
	}
	return nil
}

// sizes returns how many of the entries are files that rsync listed but could not open, and
// their planned size.
func (p *Plan) sizes(unread []Unreadable) (files int, bytes int64) {
	opened := map[string]bool{}
	for _, u := range unread {
		if u.opened {
			opened[u.Name] = true
		}
	}
	if len(opened) == 0 {
		return 0, 0
	}
	for _, it := range p.Items {
		if opened[it.Name] && !it.Dir {
			files++
			bytes += it.Size
		}
	}
	return files, bytes
}

// treeFiles returns the files that the newdirs step s copied: the planned entries of its trees
// tops that are neither directories nor entries rsync could not read, nor below one.
func (p *Plan) treeFiles(s Step, tops []string, unread []Unreadable) []string {
	skip := map[string]bool{}
	for _, u := range unread {
		skip[u.Name] = true
	}
	dirs := map[string]bool{}
	for _, it := range p.Items {
		if it.Dir {
			dirs[it.Name] = true
		}
	}
	var files []string
	for _, top := range tops {
		for _, n := range s.newTrees[top] {
			if !dirs[n] && !skip[n] && !under(n, skip) {
				files = append(files, n)
			}
		}
	}
	return files
}
