package rsyncplan

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Approval says which of a plan's destructive changes the user approved.
type Approval struct {
	Overwrite bool // Modified and Replaced items
	Delete    bool // Deleted items
}

// Step is one rsync run of an execution. Steps run in order: delete, newdirs, copy, for each
// part, then root.
type Step struct {
	Name string   // "delete", "newdirs", "copy" or "root"
	Args []string // rsync's arguments
	// Part is, for a step that may run at the same time as the steps of other parts, its part
	// (1, 2, ...): the parts hold different top-level entries of the destination. 0 for the
	// root step, which runs after all of them.
	Part int
	List string // the --files-from list (NUL-separated), "" when the step has none
	// deletes holds, for the delete step, every planned deletion by name (true for directories),
	// to check right before the run that nothing appeared in a directory that is to go.
	deletes map[string]bool
	tops    []string // the top-most deleted entries, as listed
	// newTrees holds, for the newdirs step, the planned entries below each top-most new
	// directory, to check right before the run that the source still holds exactly those.
	newTrees map[string][]string
	// mayMatch is set on a step that only sets the attributes of the directory attrsOf ("" for
	// the root) when the plan found them equal: then the step is needed only if the runs
	// before it changed the directory's time.
	mayMatch bool
	attrsOf  string
}

// newTreeMin is the number of entries below new directories from which they are copied with
// one recursive run: rsync reads a --files-from list slowly (about 25 µs an entry), a tree
// walk is much faster, and a first backup of a large tree is all new directories.
const newTreeMin = 256

// Steps writes the lists of the approved part of the plan into dir (which must exist and be
// private to this run) and returns the rsync runs that carry it out. Nothing outside the
// approved plan is listed: a file that appears in the source after planning is not copied.
func (p *Plan) Steps(a Approval, dir string) ([]Step, error) {
	declined := map[string]bool{} // replaced entries the user kept
	replaced := map[string]bool{} // all replaced entries
	force := false
	for _, it := range p.Items {
		if it.Class == Replaced {
			replaced[it.Name] = true
			if !a.Overwrite {
				declined[it.Name] = true
			} else if it.DstDir {
				force = true // rsync removes a directory in the way only with --force
			}
		}
	}

	var copies []string
	deletes := map[string]bool{}
	deletedDirs := map[string]bool{}
	hasRoot := false
	for _, it := range p.Items {
		switch {
		case it.Name == ".":
			hasRoot = true
		case under(it.Name, replaced) && (it.Class == Deleted || it.Class == Replaced):
			// What a replaced directory holds goes with it in the copy run (--force), or
			// stays with the directory when the user declined the replacement.
		case it.Class == Deleted:
			if a.Delete {
				deletes[it.Name] = it.Dir
				if it.Dir {
					deletedDirs[it.Name] = true
				}
			}
		case it.Class == Modified || it.Class == Replaced:
			if a.Overwrite {
				copies = append(copies, it.Name)
			}
		case under(it.Name, declined):
		default:
			copies = append(copies, it.Name)
		}
	}

	copies, newTrees := p.splitNewTrees(copies)

	// Each part's runs touch other top-level entries than the other parts' runs, so that the
	// parts can run at the same time (see Execute).
	part, k, below := p.parts(copies, deletes, newTrees)
	var steps []Step
	for g := range k {
		name := func(step string) string { return fmt.Sprintf("%s-%d.list", step, g+1) }
		mine := func(n string) bool { return n != below && part(n) == g }
		ds := map[string]bool{}
		for n, isDir := range deletes {
			if mine(n) {
				ds[n] = isDir
			}
		}
		if len(ds) > 0 {
			// rsync lists a deleted directory's children before it; naming only the top-most
			// entries with --force deletes each subtree in one pass.
			var tops []string
			for n := range ds {
				if !under(n, deletedDirs) {
					tops = append(tops, n)
				}
			}
			list, err := WriteList(dir, name("delete"), tops)
			if err != nil {
				return nil, err
			}
			steps = append(steps, Step{
				Name: "delete", Part: g + 1, List: list, deletes: ds, tops: tops,
				Args: p.stepArgs(list, false, "--delete-missing-args", "--existing", "--ignore-existing", "--force",
					"--max-delete="+strconv.Itoa(len(ds))),
			})
		}
		trees := map[string][]string{}
		var tops []string
		for top, entries := range newTrees {
			if mine(top) {
				trees[top] = entries
				tops = append(tops, top)
			}
		}
		if len(tops) > 0 {
			list, err := WriteList(dir, name("newdirs"), tops)
			if err != nil {
				return nil, err
			}
			steps = append(steps, Step{Name: "newdirs", Part: g + 1, List: list, newTrees: trees, tops: tops,
				Args: p.stepArgs(list, true)})
		}
		var cs []string
		for _, n := range copies {
			if mine(n) {
				cs = append(cs, n)
			}
		}
		if len(cs) > 0 {
			list, err := WriteList(dir, name("copy"), cs)
			if err != nil {
				return nil, err
			}
			var extra []string
			if force {
				extra = append(extra, "--force")
			}
			if p.Job.Tree {
				extra = append(extra, treeFilter...)
			}
			steps = append(steps, Step{Name: "copy", Part: g + 1, List: list, Args: p.stepArgs(list, false, extra...)})
		}
	}
	if below != "" {
		list, err := WriteList(dir, "directory.list", []string{below})
		if err != nil {
			return nil, err
		}
		steps = append(steps, Step{Name: "directory", List: list, Args: p.stepArgs(list, false),
			attrsOf: below, mayMatch: !slices.Contains(copies, below)})
	}
	if p.Job.Names == nil && (hasRoot || len(steps) > 0) {
		// --files-from never sets the transfer root's attributes, and adding or deleting
		// entries in it changes its time; this run sets the root's attributes only.
		steps = append(steps, Step{Name: "root", mayMatch: !hasRoot,
			Args: []string{"-a", "--exclude=*", "--", withSlash(p.Job.SrcDir), withSlash(p.Job.DstDir)}})
	}
	return steps, nil
}

// parts assigns each top-level entry that the runs touch to one of up to planParts parts, the
// entry with the most listed entries first, each to the part with the fewest so far. It returns
// the part of each listed name and the number of parts. Runs that reach another host keep to
// one part: each would open a connection of its own.
//
// When every listed name is in one directory that the destination has (a location that holds
// one directory, or one named directory), the entries in that directory are the parts, and
// below is that directory: its attributes are set by a run after all parts, which change its
// time when they add or delete entries in it.
func (p *Plan) parts(copies []string, deletes map[string]bool, newTrees map[string][]string) (part func(string) int, k int, below string) {
	if IsRemote(p.Job.SrcDir) || IsRemote(p.Job.DstDir) {
		return func(string) int { return 0 }, 1, ""
	}
	key := topName
	keys, weight := weigh(copies, deletes, newTrees, key)
	if len(keys) == 1 && planParts > 1 && !slices.ContainsFunc(p.Items, func(it Item) bool {
		return it.Name == keys[0] && it.Class != Meta
	}) {
		dir := keys[0]
		inDir := func(n string) string { return dir + "/" + topName(strings.TrimPrefix(n, dir+"/")) }
		var inside []string
		for _, n := range copies {
			if n != dir {
				inside = append(inside, n)
			}
		}
		if ks, w := weigh(inside, deletes, newTrees, inDir); len(ks) > 1 {
			keys, weight, key, below = ks, w, inDir, dir
		}
	}
	k = max(1, min(planParts, len(keys)))
	load := make([]int, k)
	parts := make(map[string]int, len(keys))
	for _, n := range keys {
		g := slices.Index(load, slices.Min(load))
		parts[n] = g
		load[g] += weight[n]
	}
	return func(n string) int { return parts[key(n)] }, k, below
}

// weigh returns the keys of the listed names, the one with the most listed entries first, and
// how many each has.
func weigh(copies []string, deletes map[string]bool, newTrees map[string][]string, key func(string) string) ([]string, map[string]int) {
	weight := map[string]int{}
	for _, n := range copies {
		weight[key(n)]++
	}
	for n := range deletes {
		weight[key(n)]++
	}
	for top, entries := range newTrees {
		weight[key(top)] += len(entries)
	}
	keys := slices.Collect(maps.Keys(weight))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(weight[b], weight[a]), strings.Compare(a, b))
	})
	return keys, weight
}

// topName returns the first component of a slash-separated name.
func topName(name string) string {
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return name
}

// splitNewTrees takes the top-most new directories, and everything below them, out of the copy
// list when they hold many entries. Directory skeletons (tree jobs) stay in the list.
func (p *Plan) splitNewTrees(copies []string) (rest []string, trees map[string][]string) {
	if p.Job.Tree || p.Totals[NewDir].Count == 0 {
		return copies, nil
	}
	newDirs := map[string]bool{}
	for _, it := range p.Items {
		if it.Class == NewDir {
			newDirs[it.Name] = true
		}
	}
	trees = map[string][]string{}
	inTree := 0
	for _, name := range copies {
		if top := topNew(name, newDirs); top != "" {
			trees[top] = append(trees[top], name)
			inTree++
		} else {
			rest = append(rest, name)
		}
	}
	if inTree < newTreeMin {
		return copies, nil
	}
	return rest, trees
}

// topNew returns the top-most new directory that is name or holds it, or "".
func topNew(name string, newDirs map[string]bool) string {
	top := ""
	for d := name; d != "." && d != "/"; d = path.Dir(d) {
		if newDirs[d] {
			top = d
		}
	}
	return top
}

// stepArgs returns the arguments of a --files-from run. Never -r (it would copy unplanned files
// in listed directories) except for new trees, never --delete, never --partial (it would leave a
// truncated file in place of a good one after a full disc or an interrupt).
//
// A run of newTrees recurses into the listed directories and never overwrites: the check before
// it finds none of them in the destination, and --ignore-existing keeps whatever appears there
// after the check. So it needs no trash (--backup made a 100k-file first copy 14% slower), and
// it counts what it did from --stats (a line per file, read from a pipe, made it 8% slower).
func (p *Plan) stepArgs(list string, newTrees bool, extra ...string) []string {
	args := []string{"-a", "--files-from=" + list, "--from0"}
	switch {
	case newTrees:
		args = append(args, "--recursive", "--ignore-existing", "--stats", "--no-human-readable")
	case p.Job.Trash != "":
		args = append(args, outFormat, "--backup", "--backup-dir="+p.Job.trashArg())
	default:
		args = append(args, outFormat)
	}
	if p.Job.Progress {
		args = append(args, "--info=progress2")
	}
	args = append(args, extra...)
	return append(args, "--", withSlash(p.Job.SrcDir), withSlash(p.Job.DstDir))
}

// trashArg returns the trash as rsync's --backup-dir takes it: relative to the destination
// when it lies inside it. rsync 3.4+ resolves an absolute backup directory from "/", one openat
// per component, for every file it keeps; a relative one is resolved from the destination,
// which makes a work run that keeps 2,000 files about 0.1 s faster.
func (j Job) trashArg() string {
	rel, inside := strings.CutPrefix(j.Trash, withSlash(OnHost(j.DstDir)))
	if !inside || rel == "" || slices.Contains(strings.Split(rel, "/"), "..") {
		return j.Trash
	}
	return rel
}

// WriteList writes entries, each ended by a NUL byte, to a new file name in dir, for rsync's
// --files-from with --from0, and returns its path.
func WriteList(dir, name string, entries []string) (string, error) {
	f, err := os.OpenFile(filepath.Join(dir, name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("write file list: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, e := range entries {
		w.WriteString(e)
		w.WriteByte(0)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return "", fmt.Errorf("write file list: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write file list: %w", err)
	}
	return f.Name(), nil
}

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

// makeTrash creates the trash directory and its missing parents, as rsync would, and returns
// those it created, the deepest first. It creates nothing and reports false unless the
// destination is a directory and the trash's nearest existing parent is in it or holds it:
// it never recreates a destination whose disc went away.
func makeTrash(trash, dst string) (made []string, ok bool, err error) {
	if fi, err := os.Lstat(dst); err != nil || !fi.IsDir() {
		return nil, false, nil
	}
	var missing []string
	d := trash
	for ; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(d); err == nil {
			break
		}
		if d == filepath.Dir(d) {
			return nil, false, nil
		}
		missing = append(missing, d)
	}
	if !strings.HasPrefix(withSlash(d), withSlash(dst)) && !strings.HasPrefix(withSlash(dst), withSlash(d)) {
		return nil, false, nil
	}
	for i := len(missing) - 1; i >= 0; i-- {
		switch err := os.Mkdir(missing[i], 0o777); {
		case err == nil:
			made = append([]string{missing[i]}, made...)
		case !errors.Is(err, fs.ErrExist):
			return made, false, err
		}
	}
	return made, true, nil
}

// removeEmpty removes the directories that makeTrash created, as far as they are still empty.
func removeEmpty(dirs []string) {
	for _, d := range dirs {
		if os.Remove(d) != nil {
			return
		}
	}
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

// newTreesChanged returns the new directories that the destination now has, or whose source
// holds other entries than the plan. It only reads. On this machine each new tree is listed on
// its own, so that memory holds one tree's names at a time; on another host all are listed
// with one connection.
func (p *Plan) newTreesChanged(ctx context.Context, r *Runner, s Step) ([]string, error) {
	there, err := r.Stat(ctx, p.Job.DstDir, s.tops)
	if err != nil {
		return nil, fmt.Errorf("check the new directories before copying: %w", err)
	}
	list := func(tops []string) (map[string][]string, error) {
		names, err := r.Names(ctx, p.Job.SrcDir, tops)
		if err != nil {
			return nil, fmt.Errorf("check the new directories before copying: %w", err)
		}
		isTop := make(map[string]bool, len(tops))
		for _, t := range tops {
			isTop[t] = true
		}
		byTop := map[string][]string{}
		for _, name := range names {
			top := name
			for !isTop[top] && top != "." && top != "/" {
				top = path.Dir(top)
			}
			byTop[top] = append(byTop[top], name)
		}
		return byTop, nil
	}
	var all map[string][]string
	if IsRemote(p.Job.SrcDir) {
		if all, err = list(s.tops); err != nil {
			return nil, err
		}
	}
	var changed []string
	for _, top := range s.tops {
		if _, ok := there[top]; ok {
			changed = append(changed, top)
			continue
		}
		now := all[top]
		if all == nil {
			one, err := list([]string{top})
			if err != nil {
				return nil, err
			}
			now = one[top]
		}
		planned := s.newTrees[top]
		slices.Sort(now)
		slices.Sort(planned)
		if !slices.Equal(now, planned) {
			changed = append(changed, top)
		}
	}
	return changed, nil
}

// changedSincePlan returns the top-most deleted directories that now hold entries the plan does
// not delete. It only reads the destination.
func (p *Plan) changedSincePlan(ctx context.Context, r *Runner, s Step) ([]string, error) {
	var dirs []string
	for _, top := range s.tops {
		if s.deletes[top] {
			dirs = append(dirs, top)
		}
	}
	now, err := r.Names(ctx, p.Job.DstDir, dirs)
	if err != nil {
		return nil, fmt.Errorf("check the directories to delete: %w", err)
	}
	kept := map[string]bool{}
	var keep []string
	for _, name := range now {
		if _, planned := s.deletes[name]; planned {
			continue
		}
		top := name
		for top != "." && (!s.deletes[top] || under(top, s.deletes)) {
			top = path.Dir(top)
		}
		if !kept[top] {
			kept[top] = true
			keep = append(keep, top)
		}
	}
	return keep, nil
}

// rewriteList writes the step's list again without the top-most entries in drop.
func reWriteList(s Step, drop []string) error {
	dropped := map[string]bool{}
	for _, d := range drop {
		dropped[d] = true
	}
	var tops []string
	for _, t := range s.tops {
		if !dropped[t] {
			tops = append(tops, t)
		}
	}
	if err := os.Remove(s.List); err != nil {
		return err
	}
	_, err := WriteList(filepath.Dir(s.List), filepath.Base(s.List), tops)
	return err
}

// Progress is one of rsync's --info=progress2 updates for a whole run.
type Progress struct {
	Bytes   int64  // transferred so far
	Percent int    // of the run's total
	Rate    string // as rsync shows it, e.g. "31.25MB/s"
	Time    string // left while running, taken at the end, e.g. "0:00:10"
	Part    int    // the part of an execution whose run it is; 0 when the run is alone
}

// parseProgress reads "     32,768  45%   31.25MB/s    0:00:10 (xfr#1, to-chk=0/3)".
func parseProgress(line []byte) (Progress, bool) {
	f := strings.Fields(string(line))
	if len(f) < 4 || !strings.HasSuffix(f[1], "%") {
		return Progress{}, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(f[0], ",", ""), 10, 64)
	if err != nil {
		return Progress{}, false
	}
	pct, err := strconv.Atoi(strings.TrimSuffix(f[1], "%"))
	if err != nil {
		return Progress{}, false
	}
	return Progress{Bytes: n, Percent: pct, Rate: f[2], Time: f[3]}, true
}
