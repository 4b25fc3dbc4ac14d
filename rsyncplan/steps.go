package rsyncplan

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
)

// Approval says which of a plan's destructive changes the user approved.
type Approval struct {
	Overwrite bool // Modified and Replaced items (Plan.Overwrites)
	Delete    bool // Deleted items
	// Skip holds, by name, the items of an approved class that the user left out when picking
	// them one by one; what is below a skipped directory is left out with it.
	Skip map[string]bool
}

// skips reports whether the approval leaves out the item name, or what holds it.
func (a Approval) skips(name string) bool { return a.Skip[name] || under(name, a.Skip) }

// Overwrites reports whether the approval overwrites the Modified or Replaced item name.
func (a Approval) Overwrites(name string) bool { return a.Overwrite && !a.skips(name) }

// Deletes reports whether the approval deletes the Deleted item name.
func (a Approval) Deletes(name string) bool { return a.Delete && !a.skips(name) }

// Step is one rsync run of an execution. Steps run in order: delete, newdirs, copy, for each
// part (each of newdirs and copy followed by times where the destination loses the times rsync
// gives, Job.FixTimes), then root.
type Step struct {
	Name string   // "delete", "newdirs", "copy", "times", "directory" or "root"
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
			if !a.Overwrites(it.Name) {
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
			if a.Deletes(it.Name) {
				deletes[it.Name] = it.Dir
				if it.Dir {
					deletedDirs[it.Name] = true
				}
			}
		case it.Class == Modified || it.Class == Replaced:
			if a.Overwrites(it.Name) {
				copies = append(copies, it.Name)
			}
		case under(it.Name, declined):
		default:
			copies = append(copies, it.Name)
		}
	}

	copies = p.withLinks(copies)
	all := copies
	copies, newTrees := p.splitNewTrees(copies)
	// What the destination cannot hold is not in the plan's items, so not in the lists; a new
	// tree that holds some of it is copied entry by entry instead.
	copies, newTrees = p.untree(all, copies, newTrees)

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
			if p.Job.FixTimes {
				// --existing: what is not there after the copy is never made here.
				steps = append(steps, Step{Name: "times", Part: g + 1, List: list,
					Args: p.stepArgs(list, false, "--recursive", "--existing", "--size-only")})
			}
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
			// A file planned as modified by its content alone has the same size and time on
			// both sides: without --checksum the copy run would skip it.
			steps = append(steps, Step{Name: "copy", Part: g + 1, List: list,
				Args: p.stepArgs(list, false, append(slices.Clone(extra), p.Job.compareArgs()...)...)})
			if p.Job.FixTimes {
				steps = append(steps, Step{Name: "times", Part: g + 1, List: list,
					Args: p.stepArgs(list, false, append(extra, "--existing", "--size-only")...)})
			}
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
		// entries in it changes its time; this run sets the root's attributes only. It takes
		// no filter rules: --exclude=* comes first and leaves them nothing to match.
		steps = append(steps, Step{Name: "root", mayMatch: !hasRoot,
			Args: append(append([]string{"-a", "--exclude=*"}, p.Job.timeArgs()...), "--", withSlash(p.Job.SrcDir), p.Job.dstArg())})
	}
	return steps, nil
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
	// --sparse writes runs of zeros as holes, so that a sparse file takes on the destination
	// the space it takes in the source, which is what the free-space check counts.
	args = append(args, "--sparse")
	if p.Job.TempDir != "" {
		args = append(args, "--temp-dir="+p.Job.inDst(p.Job.TempDir))
	}
	args = append(args, p.Job.timeArgs()...)
	// The lists hold only what the plan found the rules to let through; the rules stay a guard
	// for what a list names or a run recurses into.
	args = append(args, p.Job.filterArgs()...)
	args = append(args, extra...)
	return append(args, "--", withSlash(p.Job.SrcDir), p.Job.dstArg())
}

// dstArg is the destination of a run that writes: DST/., which rsync writes into as into DST/
// but never creates. rsync makes a missing destination directory; a disc unmounted between
// the last check and the run's start would leave its mount point, and rsync would make the
// location's root there, on the internal disc.
func (j Job) dstArg() string { return withSlash(j.DstDir) + "." }

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
