package rsyncplan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// planParts is into how many parts at most a job on this machine is split, by its top-level
// entries, to be planned (dryRunArgs) and executed (Plan.parts) at the same time: one per
// core, since rsync compares and copies on one. On a 100,000-file tree with 2 cores, two parts
// and the rest took 0.45 s to plan where one dry run took 0.78 s.
var planParts = min(runtime.NumCPU(), 4)

// planRun is one of the dry runs that plan a job.
type planRun struct {
	args []string
	// prefix goes before every name the run prints: a run that plans below one named
	// directory has that directory as its source.
	prefix string
}

// part is what one dry run found.
type part struct {
	items    []Item
	warnings []string
	c        classifier
	st       stats
	// kept holds the directories that the dry run lists as deleted but cannot delete, since
	// they hold entries that the rules leave out.
	kept []string
}

// dryRuns runs the dry runs of a plan at once and returns what each found, in their order. A
// dry run that rsync ended only because it could not read some entries, which it skipped,
// still counts, and the entries are returned with what each run found. Any other failure of a
// run fails them all, and stops the others.
func dryRuns(ctx context.Context, r *Runner, j Job, runs []planRun) ([]part, []Unreadable, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parts := make([]part, len(runs))
	unread := make([][]Unreadable, len(runs))
	errs := make([]error, len(runs))
	var wg sync.WaitGroup
	for i, run := range runs {
		wg.Go(func() {
			if parts[i], unread[i], errs[i] = dryRun(ctx, r, j, run); errs[i] != nil {
				cancel()
			}
		})
	}
	wg.Wait()
	// A run stopped because another failed says only that it was stopped.
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, nil, err
		}
	}
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	all := slices.Concat(unread...)
	slices.SortFunc(all, func(a, b Unreadable) int { return strings.Compare(a.Name, b.Name) })
	return parts, slices.CompactFunc(all, func(a, b Unreadable) bool { return a.Name == b.Name }), nil
}

// dryRun runs one dry run and sorts the items it prints, and returns the entries that rsync
// could not read when that is all that went wrong.
func dryRun(ctx context.Context, r *Runner, j Job, run planRun) (part, []Unreadable, error) {
	r, errs := watch(r, j)
	q := part{st: stats{files: -1}}
	var parseErr error
	res, err := r.Run(ctx, run.args, func(line []byte) {
		it, ok, err := parseLine(line)
		it.name = run.prefix + it.name
		switch {
		case err != nil:
			if parseErr == nil {
				parseErr = err
			}
		case !ok:
			if name, found := bytes.CutPrefix(line, []byte(notEmpty)); found {
				q.kept = append(q.kept, run.prefix+decodeName(name))
			} else if !q.st.add(line) && len(line) > 0 {
				q.warnings = append(q.warnings, string(line))
			}
		case j.Checked != nil && it.code[1] == 'f' && (unchanged(it.code) || it.code[0] == '>'):
			j.Checked(it.size)
			if !unchanged(it.code) {
				q.c.add(&q.items, it)
			}
		case unchanged(it.code):
			// Listed only for Checked (--info=name2): nothing to do there.
		default:
			q.c.add(&q.items, it)
		}
	})
	if err != nil {
		return part{}, nil, err
	}
	var unread []Unreadable
	if res.Code != 0 {
		var ok bool
		if unread, ok = errs.only(res); !ok {
			return part{}, nil, &Error{Step: "dry run", Code: res.Code, Stderr: res.Stderr}
		}
	}
	if parseErr != nil {
		return part{}, nil, parseErr
	}
	return q, unread, nil
}

// unchanged reports whether an itemize code says that nothing differs (".f         "): rsync
// shows such entries only when asked for every name.
func unchanged(code string) bool {
	return code[0] == '.' && strings.TrimSpace(code[2:]) == ""
}

// merge returns what the parts found as if one dry run had found it, in their order.
func merge(parts []part) part {
	if len(parts) == 1 {
		return parts[0]
	}
	n := 0
	for _, q := range parts {
		n += len(q.items)
	}
	all := part{items: make([]Item, 0, n), st: parts[0].st}
	for i, q := range parts {
		for _, l := range q.c.lookups {
			all.c.lookups = append(all.c.lookups, len(all.items)+l)
		}
		all.items = append(all.items, q.items...)
		all.warnings = append(all.warnings, q.warnings...)
		all.kept = append(all.kept, q.kept...)
		if i > 0 {
			all.st.merge(q.st)
		}
	}
	return all
}

// dryRunArgs returns the dry runs that plan the job, given what Make found in its source: one
// dry run, or several at once on this machine, each of which plans a part.
func dryRunArgs(j Job, src map[string]Entry, present, missing []string) []planRun {
	one := []planRun{{args: PlanArgs(j, present, missing)}}
	if planParts < 2 || IsRemote(j.SrcDir) || IsRemote(j.DstDir) {
		return one
	}
	if j.Names == nil {
		dirs := splittable(j, "")
		if len(dirs) == 1 {
			return below(j, dirs[0], one) // a location that holds one directory
		}
		if groups := group(j, "", dirs); groups != nil {
			return splitArgs(j, "", groups)
		}
		return one
	}
	if j.relative() {
		return one // parts would share the parents that --relative sends
	}
	// The named directories are spread over the parts; the first takes the other names too.
	var dirs, others []string
	for _, n := range present {
		if src[n].Dir() {
			dirs = append(dirs, n)
		} else {
			others = append(others, n)
		}
	}
	if len(dirs) == 1 && len(others)+len(missing) == 0 {
		return below(j, dirs[0], one) // one directory, as a file manager names it
	}
	if len(dirs) < 2 {
		return one
	}
	groups := spread(dirs)
	var runs []planRun
	for i, g := range groups {
		sub := j
		var gone []string
		if i == 0 {
			g = append(g, others...)
			gone = missing
		}
		sub.Names = append(append([]string{}, g...), gone...)
		runs = append(runs, planRun{args: PlanArgs(sub, g, gone)})
	}
	return runs
}

// below returns the dry runs that plan a job in parts below its one directory dir: dir's own
// directories are the groups, when the destination has dir already. Otherwise it returns one.
//
// The parts' source is dir: a job whose rules would mean other things there is planned by one
// dry run (see rulesHoldBelow).
func below(j Job, dir string, one []planRun) []planRun {
	if !j.rulesHoldBelow() {
		return one
	}
	if fi, err := os.Lstat(filepath.Join(j.DstDir, dir)); err != nil || !fi.IsDir() || !literalName(dir) {
		return one
	}
	if groups := topGroups(j, dir); groups != nil {
		return splitArgs(j, dir, groups)
	}
	return one
}

// topGroups returns the directories in the job's source directory, or in its directory sub
// when sub is a name, that dry runs of their own may plan, in up to planParts groups; nil when
// the job is planned by one dry run. The rest (the root, its other entries, and what only the
// destination holds) is planned by a dry run that excludes them.
func topGroups(j Job, sub string) [][]string {
	return group(j, sub, splittable(j, sub))
}

// group spreads the directories dirs of sub over the groups; nil when there are too few for a
// split, or too many for rsync's command lines.
func group(j Job, sub string, dirs []string) [][]string {
	size := 0
	for _, d := range dirs {
		size += len(j.SrcDir) + 2*len(sub) + 2*len(d) + len(" --exclude=/ //")
	}
	if len(dirs) < 2 || len(dirs) > maxSplitDirs || size > maxSplitArgs {
		return nil
	}
	return spread(dirs)
}

// splittable returns the directories in the job's source directory, or in its directory sub,
// that a dry run of their own may plan. Only directories whose name an rsync pattern matches
// literally are taken, so that the rest's exclude names exactly them, and none that the job
// excludes. It returns nil when the job's excludes are not plain names of the top level.
func splittable(j Job, sub string) []string {
	taken := map[string]bool{}
	for _, x := range j.Exclude {
		name, ok := strings.CutPrefix(strings.TrimSuffix(x, "/"), "/")
		if !ok || !literalName(name) {
			return nil // a pattern that could match below the top level
		}
		taken[name] = true
	}
	if sub != "" {
		taken = nil // the job's patterns match in the source's top level only
	}
	entries, err := os.ReadDir(filepath.Join(j.SrcDir, sub))
	if err != nil {
		return nil // the dry run reports it
	}
	var dirs []string
	for _, e := range entries {
		if e.IsDir() && literalName(e.Name()) && !taken[e.Name()] {
			dirs = append(dirs, e.Name())
		}
	}
	return dirs
}

// A split names each top-level directory twice on rsync's command lines: as a source of its
// group's dry run, and as an exclude of the rest's, which rsync checks every entry of the rest
// against. Beyond these limits the job is planned by one dry run; ARG_MAX is 2 MiB on Linux.
const (
	maxSplitDirs = 1000
	maxSplitArgs = 256 << 10
)

// spread splits names into up to planParts groups of neighbours, in order.
func spread(names []string) [][]string {
	k := min(planParts, len(names))
	groups := make([][]string, k)
	for i, n := range names {
		g := i * k / len(names)
		groups[g] = append(groups[g], n)
	}
	return groups
}

// literalName reports whether an rsync filter pattern that is name matches that name and
// nothing else: no wildcard or backslash, no control character, no leading or trailing space,
// and no first character that rsync reads as a rule's prefix.
func literalName(name string) bool {
	if name == "" || strings.ContainsAny(name[:1], "+-! ") || strings.HasSuffix(name, " ") {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c < 0x20 || c == 0x7f || strings.IndexByte(`*?[\/`, c) >= 0 {
			return false
		}
	}
	return true
}

// splitArgs returns the dry runs of a job split by topGroups(j, sub): first the rest, which
// excludes the groups' directories, then one per group, which syncs its directories by name.
// Items come out in that order.
func splitArgs(j Job, sub string, groups [][]string) []planRun {
	rest := j
	rest.Exclude = nil
	var runs []planRun
	for _, g := range groups {
		part := j
		prefix := ""
		if sub != "" {
			part.SrcDir, part.DstDir = filepath.Join(j.SrcDir, sub), filepath.Join(j.DstDir, sub)
			part.Exclude = nil
			prefix = sub + "/"
		}
		part.Names = g
		runs = append(runs, planRun{args: PlanArgs(part, g, nil), prefix: prefix})
		for _, d := range g {
			rest.Exclude = append(rest.Exclude, "/"+prefix+d)
		}
	}
	rest.Exclude = append(rest.Exclude, j.Exclude...)
	return append([]planRun{{args: PlanArgs(rest, rest.Names, nil)}}, runs...)
}

// merge adds the counts of another dry run's stats block.
func (s *stats) merge(o stats) {
	if s.files < 0 || o.files < 0 {
		s.files = -1
	} else {
		s.files += o.files
	}
	s.created += o.created
	s.deleted += o.deleted
	s.createdDirs += o.createdDirs
	s.createdLinks += o.createdLinks
	s.sent += o.sent
	s.sentBytes += o.sentBytes
}

// rulesHoldBelow reports whether the job's Filter rules mean the same for dry runs whose source
// is one of SrcDir's directories: no pattern names a path (an anchored one, or one with a "/"
// inside, matches from the transfer's root), and SrcDir holds none of the ignore files that its
// dir-merge rules read (such runs would not read them).
func (j Job) rulesHoldBelow() bool {
	for _, f := range j.Filter {
		if _, name, ok := dirMerge(f); ok {
			if IsRemote(j.SrcDir) {
				return false
			}
			if _, err := os.Lstat(filepath.Join(j.SrcDir, name)); err == nil {
				return false
			}
			continue
		}
		_, p, ok := strings.Cut(f, " ")
		if !ok || !strings.HasPrefix(f, "- ") && !strings.HasPrefix(f, "+ ") || strings.Contains(strings.TrimSuffix(p, "/"), "/") {
			return false
		}
	}
	return true
}
