package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"micsync/locations"
	"micsync/rsyncplan"
)

// trashCmd works on the trash that every run keeps in each destination location:
// .micsync-trash/<UTC time of the run>/<path below the location's root>.
type trashCmd struct {
	List    trashListCmd    `cmd:"" help:"List the trash runs of every reachable location, or of one."`
	Restore trashRestoreCmd `cmd:"" help:"Copy files back from a trash run into its location, asking before overwriting; never deletes."`
	Empty   trashEmptyCmd   `cmd:"" help:"Delete trash runs, after asking."`
}

type trashListCmd struct {
	Location string `arg:"" optional:"" placeholder:"ROOT" help:"Only this location (its root directory)."`
}

type trashRestoreCmd struct {
	Timestamp string   `arg:"" help:"The trash run, as micsync trash list shows it."`
	Paths     []string `arg:"" optional:"" name:"path" help:"Paths to restore, relative to the location's root or inside it; all when none is given."`
	Location  string   `placeholder:"ROOT" help:"The location whose trash run to restore, when several have it."`
	Modified  bool     `short:"m" help:"Overwrite files that differ without asking."`
	DryRun    bool     `short:"n" name:"dry-run" help:"Show the plan and change nothing."`
	Yes       bool     `xor:"answer" help:"Answer yes to every yes/no question."`
	No        bool     `xor:"answer" help:"Answer no to every yes/no question."`
	Verbose   bool     `short:"v" help:"Print each rsync command and ask before running it."`
	Full      bool     `help:"List every change of the plan."`
}

type trashEmptyCmd struct {
	Location  string `arg:"" optional:"" placeholder:"ROOT" help:"Only this location (its root directory)."`
	OlderThan string `name:"older-than" placeholder:"DURATION" help:"Only runs older than this, e.g. 30d, 12h."`
	Yes       bool   `help:"Delete without asking."`
}

// trashRun is one run's trash directory in one location.
type trashRun struct {
	cfg   *locations.Config
	loc   locations.Location
	stamp string
	dir   string
	when  time.Time
}

// placed is a location with its configuration.
type placed struct {
	cfg *locations.Config
	loc locations.Location
}

// trashRuns returns the trash runs of the reachable locations, or of the one at root.
func (a *app) trashRuns(root string) ([]trashRun, error) {
	file, err := a.loadConfig()
	if err != nil {
		return nil, err
	}
	var locs []placed
	if root != "" {
		cfg, l, err := a.findRoot(file, root)
		if err != nil {
			return nil, err
		}
		locs = append(locs, placed{cfg, l})
		if why := a.unreachable(l); why != "" {
			return nil, failure(fmt.Errorf("%s %s is %s", l.Role, show(l.Path), why), reachHint(l))
		}
	} else {
		a.probeAll(file)
		seen := map[string]bool{}
		for _, c := range file.Configs {
			for _, l := range c.All() {
				if !seen[l.Path] && a.unreachable(l) == "" {
					seen[l.Path] = true
					locs = append(locs, placed{c, l})
				}
			}
		}
	}
	var runs []trashRun
	for _, cl := range locs {
		dir := filepath.Join(cl.loc.Path, locations.TrashName)
		entries, err := a.runnerFor(cl.loc).Children(a.ctx, dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, failure(fmt.Errorf("read trash: %w", err))
		}
		for _, e := range entries {
			when, err := time.Parse(trashTime, e.Name)
			if err != nil || !e.Dir() {
				continue // not a run of micsync's
			}
			runs = append(runs, trashRun{cfg: cl.cfg, loc: cl.loc, stamp: e.Name, dir: filepath.Join(dir, e.Name), when: when})
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].stamp < runs[j].stamp })
	return runs, nil
}

// size counts the files of a trash run and their bytes.
func (a *app) size(run trashRun) (files int, bytes int64) {
	entries, _ := a.runnerFor(run.loc).List(a.ctx, run.dir, []string{"."})
	for _, e := range entries {
		if !e.Dir() {
			files++
			if e.Type == 'f' {
				bytes += e.Size
			}
		}
	}
	return files, bytes
}

func (c *trashListCmd) Run(a *app) error {
	runs, err := a.trashRuns(c.Location)
	if err != nil {
		return err
	}
	if len(runs) == 0 {
		fmt.Fprintln(a.stdout, "the trash is empty")
		return nil
	}
	last := ""
	for _, r := range runs {
		if r.loc.Path != last {
			fmt.Fprintf(a.stdout, "%s %s (configuration %q)\n", r.loc.Role, show(r.loc.Path), r.cfg.Name)
			last = r.loc.Path
		}
		n, b := a.size(r)
		fmt.Fprintf(a.stdout, "  %s  %s  %s\n", r.stamp, count(n, "file", "files"), humanBytes(b))
	}
	return nil
}

// Run copies a trash run back into its location with the same plan, ask, execute flow as the
// actions. It never deletes; what it overwrites goes to the trash of this run.
func (c *trashRestoreCmd) Run(a *app) error {
	runs, err := a.trashRuns(c.Location)
	if err != nil {
		return err
	}
	var found []trashRun
	for _, r := range runs {
		if r.stamp == c.Timestamp {
			found = append(found, r)
		}
	}
	var run trashRun
	switch len(found) {
	case 0:
		return usage(fmt.Errorf("no trash run %s in a reachable location", show(c.Timestamp)), "micsync trash list shows the runs")
	case 1:
		run = found[0]
	default:
		labels := make([]string, len(found))
		for i, r := range found {
			labels[i] = show(r.loc.Path)
		}
		i, err := a.ask.Select("Restore into which location?", labels)
		if err != nil {
			return a.askErr(err, "several locations have this trash run", "--location ROOT (one of: "+strings.Join(labels, ", ")+")")
		}
		run = found[i]
	}

	names, err := c.names(a, run)
	if err != nil {
		return err
	}
	src := run.dir
	if run.loc.Remote() {
		// rsync copies between this machine and another host, not within one other host:
		// the trash run comes here first, and goes back from here.
		if src, err = a.fetch(run, names); err != nil {
			return err
		}
		defer os.RemoveAll(filepath.Dir(src))
	}
	job := rsyncplan.Job{SrcDir: src, DstDir: run.loc.Path, Names: names,
		Trash: rsyncplan.OnHost(filepath.Join(run.loc.Path, locations.TrashName, a.newStamp(run.loc)))}
	o := options{commonFlags: commonFlags{DryRun: c.DryRun, Yes: c.Yes, No: c.No, Verbose: c.Verbose, Full: c.Full}, overwrite: c.Modified}
	fmt.Fprintf(a.stdout, "restore from trash run %s of %s %s\n", run.stamp, run.loc.Role, show(run.loc.Path))
	restore := action{name: "restore", from: run.loc.Role, to: run.loc.Role, dests: oneDest}
	return a.carryOut(restore, run.loc, []*dest{{loc: run.loc, job: job}}, o)
}

// names returns the entries of the trash run to restore, relative to the location's root.
func (c *trashRestoreCmd) names(a *app, run trashRun) ([]string, error) {
	r := a.runnerFor(run.loc)
	if len(c.Paths) == 0 {
		entries, err := r.Children(a.ctx, run.dir)
		if err != nil {
			return nil, failure(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name)
		}
		return names, nil
	}
	var names []string
	for _, p := range c.Paths {
		rel := filepath.Clean(p)
		if filepath.IsAbs(rel) {
			for _, root := range []string{run.dir, run.loc.Path} {
				if r, err := filepath.Rel(root, rel); err == nil && !strings.HasPrefix(r, "..") {
					rel = r
					break
				}
			}
		}
		if filepath.IsAbs(rel) || rel == "." || strings.HasPrefix(rel, "..") {
			return nil, usage(fmt.Errorf("%s is not inside %s", show(p), show(run.loc.Path)))
		}
		names = append(names, filepath.ToSlash(rel))
	}
	found, err := r.Stat(a.ctx, run.dir, names)
	if err != nil {
		return nil, failure(err)
	}
	for _, n := range names {
		if _, ok := found[n]; !ok {
			return nil, usage(fmt.Errorf("%s is not in trash run %s", show(n), run.stamp), "micsync trash list shows the runs")
		}
	}
	return names, nil
}

// fetch copies the named entries of a trash run on another host into a new directory here.
func (a *app) fetch(run trashRun, names []string) (string, error) {
	tmp, err := os.MkdirTemp("", "micsync-restore-")
	if err != nil {
		return "", failure(err)
	}
	list, err := rsyncplan.WriteList(tmp, "names.list", names)
	if err != nil {
		os.RemoveAll(tmp)
		return "", failure(err)
	}
	dir := filepath.Join(tmp, "run")
	args := []string{"-a", "--files-from=" + list, "--from0", "-r", "--", run.dir + "/", dir + "/"}
	if err := a.runnerFor(run.loc).Do(a.ctx, "copy of the trash run from "+run.loc.Host, args); err != nil {
		os.RemoveAll(tmp)
		return "", failure(err)
	}
	return dir, nil
}

func (c *trashEmptyCmd) Run(a *app) error {
	var age time.Duration
	if c.OlderThan != "" {
		var err error
		if age, err = parseAge(c.OlderThan); err != nil {
			return usage(err)
		}
	}
	runs, err := a.trashRuns(c.Location)
	if err != nil {
		return err
	}
	cutoff := time.Now().Add(-age)
	var old []trashRun
	files, bytes := 0, int64(0)
	for _, r := range runs {
		if age == 0 || r.when.Before(cutoff) {
			old = append(old, r)
			n, b := a.size(r)
			files, bytes = files+n, bytes+b
		}
	}
	if len(old) == 0 {
		fmt.Fprintln(a.stdout, "nothing to empty")
		return nil
	}
	for _, r := range old {
		fmt.Fprintf(a.stdout, "  %s  %s %s\n", r.stamp, r.loc.Role, show(r.loc.Path))
	}
	question := fmt.Sprintf("Delete %s (%s, %s) for good?", count(len(old), "trash run", "trash runs"), count(files, "file", "files"), humanBytes(bytes))
	ok := c.Yes
	if !ok {
		if ok, err = a.ask.Confirm(question, false); err != nil {
			return a.askErr(err, "emptying the trash needs a yes", "--yes")
		}
	}
	if !ok {
		return nil
	}
	for _, r := range old {
		if err := a.removeRun(r); err != nil {
			return failure(fmt.Errorf("empty trash: %w", err))
		}
	}
	fmt.Fprintf(a.stdout, "deleted %s\n", count(len(old), "trash run", "trash runs"))
	return nil
}

// parseAge reads a duration such as 30d, 12h or 90m.
func parseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, fmt.Errorf("--older-than takes a duration such as 30d, 12h or 90m, not %s", show(s))
}

// removeRun deletes a trash run. On another host, rsync deletes it: an empty directory is
// synced over the trash with --delete, and a filter lets it see this run only.
func (a *app) removeRun(r trashRun) error {
	if !r.loc.Remote() {
		return os.RemoveAll(r.dir)
	}
	empty, err := os.MkdirTemp("", "micsync-empty-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(empty)
	args := []string{"-r", "--delete", "--include=/" + r.stamp + "/***", "--exclude=*", "--",
		empty + "/", filepath.Join(r.loc.Path, locations.TrashName) + "/"}
	return a.runnerFor(r.loc).Do(a.ctx, "deletion of trash run "+r.stamp, args)
}
