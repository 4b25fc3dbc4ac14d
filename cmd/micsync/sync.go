package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// destMode says how many destinations an action has.
type destMode int

const (
	allDests  destMode = iota // every reachable location of the destination role
	oneDest                   // exactly one, chosen when there are several
	someDests                 // one or more, chosen when there are several
)

// action is what makes the four actions differ; the flow in sync is the same for all.
type action struct {
	name      string
	from, to  locations.Role
	dests     destMode
	mayDelete bool // deletes with -d or -D
	tree      bool // directories only
}

// options are the command-line options of one run.
type options struct {
	commonFlags
	overwrite        bool   // -m
	delete           bool   // -d
	deleteNoAsk      bool   // -D
	noTrash          bool   // --no-trash
	maxDelete        string // --max-delete: "", "all" or a number
	allowEmptySource bool   // --allow-empty-source
}

// trashTime names a run's trash directory: UTC, sortable, no colons.
const trashTime = "20060102T150405Z"

// newStamp names this run's trash: the current time, or a later second that none of the
// locations' trashes has yet. Two runs never share a trash directory, where the second run
// would overwrite what the first one kept.
func (a *app) newStamp(ls ...locations.Location) string {
	taken := map[string]bool{}
	for _, l := range ls {
		// A trash that cannot be read now (none yet, or no permission) counts as empty.
		entries, _ := a.runnerFor(l).Children(a.ctx, filepath.Join(l.Path, locations.TrashName))
		for _, e := range entries {
			taken[e.Name] = true
		}
	}
	t := time.Now().UTC()
	for taken[t.Format(trashTime)] {
		t = t.Add(time.Second)
	}
	return t.Format(trashTime)
}

func (o options) deleting() bool { return o.delete || o.deleteNoAsk }

// dest is one destination of a run and what happened to it.
type dest struct {
	loc      locations.Location
	job      rsyncplan.Job
	plan     *rsyncplan.Plan
	approval rsyncplan.Approval
	done     rsyncplan.Done
	err      error
	ran      bool
	rsync    *rsyncplan.Runner
}

// sync is the one flow of every action: resolve the paths, choose the locations, plan every
// destination, show the plans and ask, then execute what was approved.
func (a *app) sync(act action, o options, paths []string) error {
	if err := checkMaxDelete(o.maxDelete); err != nil {
		return err
	}
	if o.Quiet {
		a.stdout = io.Discard
	}
	a.colour = colourWanted(a.stdout)
	file, err := a.loadConfig()
	if err != nil {
		return err
	}
	targets, err := file.Resolve(paths, a.cwd)
	if err != nil {
		var nl *locations.NoLocationError
		if errors.As(err, &nl) {
			return usage(err, "micsync works on paths inside the locations of "+file.Path)
		}
		return usage(err)
	}
	t, err := a.chooseConfig(targets, o)
	if err != nil {
		return err
	}
	src, locs, err := a.chooseLocations(act, t, o)
	if err != nil {
		return err
	}

	stamp := a.newStamp(locs...)
	dests := make([]*dest, len(locs))
	for i, l := range locs {
		job := rsyncplan.Job{
			SrcDir: filepath.Join(src.Path, filepath.FromSlash(t.Rel)),
			DstDir: filepath.Join(l.Path, filepath.FromSlash(t.Rel)),
			Names:  t.Names,
			Delete: act.mayDelete && o.deleting(),
			Tree:   act.tree,
		}
		if t.Rel == "" {
			// micsync's own files in a location's root are never copied or deleted.
			job.Exclude = []string{"/" + locations.TrashName + "/", "/" + locations.MarkerName}
		}
		if !act.tree && !o.noTrash {
			// rsync's --backup-dir is a path on the destination's host.
			job.Trash = rsyncplan.OnHost(filepath.Join(l.Path, locations.TrashName, stamp, filepath.FromSlash(t.Rel)))
		}
		dests[i] = &dest{loc: l, job: job}
	}
	fmt.Fprintf(a.stdout, "%s from %s %s\n", act.name, src.Role, show(dests[0].job.SrcDir))
	return a.carryOut(act, src, dests, o)
}

// carryOut plans every destination, shows the plans and asks every question, and only then
// executes what was approved.
func (a *app) carryOut(act action, src locations.Location, dests []*dest, o options) error {
	if err := a.rsync.CheckVersion(a.ctx); err != nil {
		switch {
		case errors.Is(err, rsyncplan.ErrNoRsync):
			return failure(err, "install rsync (Debian: apt-get install rsync; Arch: pacman -S rsync)")
		case errors.Is(err, rsyncplan.ErrOldRsync):
			return failure(err, "install a newer rsync from your distribution")
		}
		return failure(err)
	}
	// Each destination has a runner of its own: with several destinations at once, rsync's
	// messages are prefixed with the destination they come from.
	var bar *progressLine
	if isTerminal(a.stderr) && !o.Quiet {
		bar = newProgressLine(a.stderr, dests)
	}
	for i, d := range dests {
		r := a.runnerFor(src, d.loc)
		pre := &prefixer{w: a.stderr, bar: bar}
		if len(dests) > 1 {
			pre.prefix = show(d.loc.Path) + ": "
		}
		r.Stderr = pre
		if bar != nil {
			label := bar.labels[i]
			d.job.Progress = true
			r.Progress = func(p rsyncplan.Progress) { bar.update(label, p) }
		}
		d.rsync = r
	}
	each(dests, len(dests), func(d *dest) { d.err = a.plan(act, src, d, o) })
	for _, d := range dests {
		if errors.Is(d.err, context.Canceled) {
			return errInterrupted
		}
		if d.err != nil && len(dests) > 1 {
			a.reportDest(d)
		}
	}
	if o.ListFile != "" {
		if err := writeLists(o.ListFile, dests); err != nil {
			return failure(err)
		}
		fmt.Fprintf(a.stdout, "every change of the plans is listed in %s\n", show(o.ListFile))
	}
	var err error
	var todo []*dest
	for _, d := range dests {
		if d.err != nil {
			continue
		}
		a.showPlan(d, o)
		if o.DryRun || d.plan.Empty() {
			continue
		}
		if d.approval, err = a.approve(d, o); err != nil {
			return err
		}
		todo = append(todo, d)
	}
	if o.DryRun {
		fmt.Fprintln(a.stdout, "dry run: nothing was changed")
		return a.failures(dests)
	}

	jobs := o.Jobs
	if jobs < 1 || jobs > len(todo) {
		jobs = len(todo)
	}
	if o.Verbose {
		jobs = 1 // -v asks before each command
	}
	each(todo, jobs, func(d *dest) {
		if a.ctx.Err() != nil || (jobs == 1 && a.stopped(todo)) {
			return
		}
		d.ran = true
		d.err = a.execute(d, o)
	})
	if bar != nil {
		bar.clear()
	}
	interrupted := false
	for _, d := range todo {
		switch {
		case errors.Is(d.err, errInterrupted) || errors.Is(d.err, context.Canceled) || errors.Is(d.err, prompt.ErrInterrupted):
			d.err = errInterrupted
			interrupted = true
		case d.err != nil:
			var ee *exitError
			if errors.As(d.err, &ee) && ee.code == 2 { // a question with no terminal: stopped before more changes
				return d.err
			}
			if len(dests) > 1 {
				a.reportDest(d)
			}
		}
	}
	if interrupted || a.ctx.Err() != nil {
		a.summary(dests)
		return errInterrupted
	}
	a.summary(dests)
	return a.failures(dests)
}

// stopped reports whether a destination run so far ended in a way that stops the others: an
// interrupt, or a question that had no terminal to be asked on.
func (a *app) stopped(ds []*dest) bool {
	for _, d := range ds {
		var ee *exitError
		if errors.Is(d.err, errInterrupted) || errors.Is(d.err, prompt.ErrInterrupted) || (errors.As(d.err, &ee) && ee.code == 2) {
			return true
		}
	}
	return false
}

// each calls fn for every destination, at most n at a time, and waits for all.
func each(ds []*dest, n int, fn func(*dest)) {
	if n < 1 {
		return
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(d)
		}()
	}
	wg.Wait()
}

// outputMu keeps lines from runs at the same time whole.
var outputMu sync.Mutex

// prefixer writes the lines of rsync's messages, each with a prefix, first clearing the
// progress line. The runner hands it whole lines, from runs that may go at the same time.
type prefixer struct {
	w      io.Writer
	prefix string
	bar    *progressLine
}

func (p *prefixer) Write(b []byte) (int, error) {
	outputMu.Lock()
	defer outputMu.Unlock()
	p.bar.clearLocked()
	for line := range bytes.Lines(b) {
		fmt.Fprintf(p.w, "%s%s", p.prefix, line)
	}
	return len(b), nil
}

// loadConfig loads the config file for a run.
func (a *app) loadConfig() (*locations.File, error) {
	return a.readConfig(func(p string) []string {
		return []string{"create it with: micsync init", "or copy micsync.json.example to " + p + " and set your locations (README.md, Configuration)"}
	})
}

// readConfig loads the config file. A missing file is a usage error with the hints that missing
// gives for its path; an invalid one, with the hints invalid.
func (a *app) readConfig(missing func(path string) []string, invalid ...string) (*locations.File, error) {
	p, err := a.configPath()
	if err != nil {
		return nil, err
	}
	f, err := locations.Load(p)
	var nf *locations.NotFoundError
	switch {
	case errors.As(err, &nf):
		return nil, usage(err, missing(p)...)
	case err != nil:
		return nil, usage(err, invalid...)
	}
	return f, nil
}

// chooseConfig picks the configuration among those whose locations hold the paths.
func (a *app) chooseConfig(targets []locations.Target, o options) (locations.Target, error) {
	if o.Configuration != "" {
		for _, t := range targets {
			if t.Config.Name == o.Configuration {
				return t, nil
			}
		}
		return locations.Target{}, usage(fmt.Errorf("configuration %q has no location holding the paths", o.Configuration),
			"the paths are in: "+strings.Join(configNames(targets), ", "))
	}
	if len(targets) == 1 {
		fmt.Fprintf(a.stdout, "configuration %q (%s %s)\n", targets[0].Config.Name, targets[0].Location.Role, show(targets[0].Location.Path))
		return targets[0], nil
	}
	names := configNames(targets)
	i, err := a.ask.Select("The paths are in several configurations. Which one?", names)
	if err != nil {
		return locations.Target{}, a.askErr(err, "the paths are in several configurations", "--configuration NAME (one of: "+strings.Join(names, ", ")+")")
	}
	return targets[i], nil
}

func configNames(ts []locations.Target) []string {
	names := make([]string, len(ts))
	for i, t := range ts {
		names[i] = t.Config.Name
	}
	return names
}

// askErr turns a failed question into the error the user sees.
func (a *app) askErr(err error, what, flag string) error {
	switch {
	case errors.Is(err, prompt.ErrNoTerminal):
		return usage(fmt.Errorf("%s and there is no terminal to ask on", what), "answer with "+flag)
	case errors.Is(err, prompt.ErrInterrupted):
		return errInterrupted
	}
	return failure(err)
}

// chooseLocations picks the source and the destinations. The direction comes from the action,
// never from the side the paths are on.
func (a *app) chooseLocations(act action, t locations.Target, o options) (locations.Location, []locations.Location, error) {
	cfg := t.Config
	var src locations.Location
	switch {
	case o.From != "":
		l, err := a.pickRoot(cfg, act.from, o.From, "--from")
		if err != nil {
			return src, nil, err
		}
		src = l
	case t.Location.Role == act.from:
		src = t.Location
	default:
		l, err := a.chooseOne(cfg, act.from, nil, "Copy from which "+act.from.String()+"?", "--from ROOT")
		if err != nil {
			return src, nil, err
		}
		src = l
	}
	if why := a.unreachable(src); why != "" {
		return src, nil, failure(fmt.Errorf("%s %s is %s", src.Role, show(src.Path), why), reachHint(src))
	}

	if act.name == "transfer" {
		if n := len(a.reachable(cfg.Backup)); n < 2 {
			return src, nil, failure(fmt.Errorf("transfer needs two reachable BACKUPs in configuration %q; %d reachable", cfg.Name, n),
				"mount the discs of the BACKUPs")
		}
	}

	others := without(cfg.Locations(act.to), src)
	if len(o.To) > 0 {
		var dsts []locations.Location
		for _, root := range o.To {
			l, err := a.pickRoot(cfg, act.to, root, "--to")
			if err != nil {
				return src, nil, err
			}
			if l.Path == src.Path {
				return src, nil, usage(fmt.Errorf("--to %s is the source", root))
			}
			if why := a.unreachable(l); why != "" {
				return src, nil, failure(fmt.Errorf("%s %s is %s", l.Role, show(l.Path), why), reachHint(l))
			}
			dsts = append(dsts, l)
		}
		if act.dests == oneDest && len(dsts) > 1 {
			return src, nil, usage(fmt.Errorf("%s has one destination; --to was given %d times", act.name, len(dsts)))
		}
		return src, dsts, nil
	}

	switch act.dests {
	case allDests:
		a.noteUnreachable(others)
		dsts := a.reachable(others)
		if len(dsts) == 0 {
			return src, nil, failure(fmt.Errorf("no %s of configuration %q is reachable", act.to, cfg.Name),
				"mount the disc that holds one, or check the paths in the configuration")
		}
		return src, dsts, nil
	case oneDest:
		if t.Location.Role == act.to && t.Location.Path != src.Path {
			return src, []locations.Location{t.Location}, nil
		}
		l, err := a.chooseOne(cfg, act.to, &src, "Copy to which "+act.to.String()+"?", "--to ROOT")
		return src, []locations.Location{l}, err
	default:
		a.noteUnreachable(others)
		dsts := a.reachable(others)
		if len(dsts) <= 1 {
			return src, dsts, nil
		}
		labels := make([]string, len(dsts))
		for i, l := range dsts {
			labels[i] = show(l.Path)
		}
		picked, err := a.ask.MultiSelect("Copy to which "+act.to.String()+"s?", labels)
		if err != nil {
			return src, nil, a.askErr(err, "there are several "+act.to.String()+"s to copy to", "--to ROOT (repeatable)")
		}
		var chosen []locations.Location
		for _, i := range picked {
			chosen = append(chosen, dsts[i])
		}
		return src, chosen, nil
	}
}

// chooseOne picks one reachable location of role r, other than not; it asks only when there
// are several, and names the one it takes otherwise.
func (a *app) chooseOne(cfg *locations.Config, r locations.Role, not *locations.Location, question, flag string) (locations.Location, error) {
	cands := cfg.Locations(r)
	if not != nil {
		cands = without(cands, *not)
	}
	a.noteUnreachable(cands)
	cands = a.reachable(cands)
	switch len(cands) {
	case 0:
		return locations.Location{}, failure(fmt.Errorf("no %s of configuration %q is reachable", r, cfg.Name),
			"mount the disc that holds one, or check the paths in the configuration")
	case 1:
		fmt.Fprintf(a.stdout, "%s: %s (the only one reachable)\n", r, show(cands[0].Path))
		return cands[0], nil
	}
	labels := make([]string, len(cands))
	for i, l := range cands {
		labels[i] = show(l.Path)
	}
	i, err := a.ask.Select(question, labels)
	if err != nil {
		return locations.Location{}, a.askErr(err, "there are several "+r.String()+"s to choose from", flag+" (one of: "+strings.Join(labels, ", ")+")")
	}
	return cands[i], nil
}

// pickRoot finds the location of role r that root names.
func (a *app) pickRoot(cfg *locations.Config, r locations.Role, root, flag string) (locations.Location, error) {
	abs := root
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(a.cwd, abs)
	}
	abs = filepath.Clean(abs)
	resolved := abs
	if p, err := filepath.EvalSymlinks(abs); err == nil {
		resolved = p
	}
	var roots []string
	for _, l := range cfg.Locations(r) {
		if l.Path == resolved || l.Path == abs || l.Raw == root || l.Path == root {
			return l, nil
		}
		roots = append(roots, show(l.Path))
	}
	return locations.Location{}, usage(fmt.Errorf("%s %s is not a %s of configuration %q", flag, show(root), r, cfg.Name),
		"its "+r.String()+"s are: "+strings.Join(roots, ", "))
}

func (a *app) noteUnreachable(ls []locations.Location) {
	a.probe(ls)
	for _, l := range ls {
		if why := a.unreachable(l); why != "" {
			fmt.Fprintf(a.stdout, "skipped %s %s: %s\n", l.Role, show(l.Path), why)
		}
	}
}

// reachable returns the locations of ls that can be used now; those on other hosts are
// checked all at once.
func (a *app) reachable(ls []locations.Location) []locations.Location {
	a.probe(ls)
	var out []locations.Location
	for _, l := range ls {
		if a.unreachable(l) == "" {
			out = append(out, l)
		}
	}
	return out
}

// reachHint says what makes an unreachable location reachable.
func reachHint(l locations.Location) string {
	if l.Remote() {
		return "check that " + l.Host + " is up and that ssh " + l.Host + " works without a password"
	}
	return "mount the disc that holds it"
}

func without(ls []locations.Location, not locations.Location) []locations.Location {
	var out []locations.Location
	for _, l := range ls {
		if l.Path != not.Path {
			out = append(out, l)
		}
	}
	return out
}

// plan checks the destination and makes its plan with rsync dry runs (see rsyncplan.Make).
func (a *app) plan(act action, src locations.Location, d *dest, o options) error {
	if rsyncplan.IsRemote(d.job.SrcDir) && rsyncplan.IsRemote(d.job.DstDir) {
		return failure(fmt.Errorf("cannot copy from %s to %s: rsync copies between this machine and another host, not between two other hosts", show(src.Path), show(d.loc.Path)),
			"run micsync on one of the two hosts, or pick a destination on this machine with --to")
	}
	there, err := d.rsync.Stat(a.ctx, d.job.DstDir, []string{"."})
	if err != nil {
		return failure(err, rsyncHints(err, d)...)
	}
	if !there["."].Dir() {
		return a.missingDest(act, src, d)
	}
	r := d.rsync
	if o.Verbose {
		traced := *r
		traced.Trace = func(line string) {
			outputMu.Lock()
			defer outputMu.Unlock()
			fmt.Fprintf(a.stdout, "$ %s\n", line)
		}
		r = &traced
	}
	p, err := rsyncplan.Make(a.ctx, r, d.job)
	if errors.Is(err, rsyncplan.ErrSourceMissing) {
		return failure(fmt.Errorf("%s does not exist in %s %s", show(d.job.SrcDir), src.Role, show(src.Path)))
	}
	if err != nil {
		return failure(err, rsyncHints(err, d)...)
	}
	if p.Has(rsyncplan.Deleted) && !o.allowEmptySource && a.sourceEmpty(d.rsync, p) {
		return failure(fmt.Errorf("refusing to delete %s from %s: the source %s is empty, which looks like a disc that is not mounted",
			count(p.Totals[rsyncplan.Deleted].Count, "entry", "entries"), show(synced(d.job.DstDir, d.job)), show(synced(d.job.SrcDir, d.job))),
			"check that the source disc is mounted; if the source is really empty, --allow-empty-source deletes anyway")
	}
	d.plan = p
	return nil
}

// sourceEmpty reports whether a plan's source holds nothing: the whole source directory, or
// every named entry, is missing or an empty directory (micsync's own files aside).
func (a *app) sourceEmpty(r *rsyncplan.Runner, p *rsyncplan.Plan) bool {
	j := p.Job
	if j.Names == nil {
		return a.emptyDir(r, j.SrcDir)
	}
	found, err := r.Stat(a.ctx, j.SrcDir, j.Names)
	if err != nil {
		return false
	}
	for _, e := range found {
		if !e.Dir() || !a.emptyDir(r, filepath.Join(j.SrcDir, e.Name)) {
			return false
		}
	}
	return true
}

func (a *app) emptyDir(r *rsyncplan.Runner, dir string) bool {
	entries, err := r.Children(a.ctx, dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Name != locations.TrashName && e.Name != locations.MarkerName {
			return false
		}
	}
	return true
}

// missingDest explains a destination directory that does not exist and how to create it.
func (a *app) missingDest(act action, src locations.Location, d *dest) error {
	rel, _ := filepath.Rel(rsyncplan.OnHost(d.loc.Path), rsyncplan.OnHost(d.job.DstDir))
	var parents []string
	for dir := path.Dir(filepath.ToSlash(rel)); dir != "."; dir = path.Dir(dir) {
		parents = append(parents, dir)
	}
	there, _ := d.rsync.Stat(a.ctx, d.loc.Path, parents)
	top := rel
	for _, dir := range parents {
		if there[dir].Dir() {
			break
		}
		top = dir
	}
	err := fmt.Errorf("%s does not exist in %s %s", show(d.job.DstDir), d.loc.Role, show(d.loc.Path))
	missing := filepath.Join(src.Path, filepath.FromSlash(top))
	if d.loc.Role == locations.Work {
		return failure(err, "create the directories with: micsync --tree "+rsyncplan.Quote([]string{missing}))
	}
	return failure(err, "copy the missing directory first: micsync --"+act.name+" "+rsyncplan.Quote([]string{missing}))
}

// approve asks about the plan's destructive changes: modified files and deletions, separately.
func (a *app) approve(d *dest, o options) (rsyncplan.Approval, error) {
	var ap rsyncplan.Approval
	p := d.plan
	if n := p.Totals[rsyncplan.Modified].Count + p.Totals[rsyncplan.Replaced].Count; n > 0 {
		ok, err := a.yesNo(o.overwrite, o, fmt.Sprintf("Overwrite %s in %s?", count(n, "modified entry", "modified entries"), show(d.loc.Path)),
			"there are modified files to overwrite", "-m to overwrite them, or --yes / --no")
		if err != nil {
			return ap, err
		}
		ap.Overwrite = ok
	}
	if n := p.Totals[rsyncplan.Deleted].Count; n > 0 {
		ok, err := a.yesNo(o.deleteNoAsk, o, fmt.Sprintf("Delete %s from %s?", count(n, "entry", "entries"), show(d.loc.Path)),
			"there are files to delete", "-D to delete them, or --yes / --no")
		if err != nil {
			return ap, err
		}
		if ok {
			ok, err = a.largeDeletion(d, n, o)
			if err != nil {
				return ap, err
			}
		}
		ap.Delete = ok
	}
	return ap, nil
}

// Deletions above these limits need a second, explicit yes: a sync against the wrong or an
// empty directory deletes most of the other side.
const (
	maxDeleteCount   = 1000
	maxDeletePercent = 50
)

// largeDeletion asks again about n deletions when they are many. --yes does not answer this
// question; only --max-delete does, so that a script states the numbers it allows.
func (a *app) largeDeletion(d *dest, n int, o options) (bool, error) {
	total := d.plan.DstEntries
	switch o.maxDelete {
	case "all":
		return true, nil
	case "":
	default:
		limit, _ := strconv.Atoi(o.maxDelete)
		if n > limit {
			return false, failure(fmt.Errorf("refusing to delete %d entries from %s: --max-delete allows %d", n, show(synced(d.job.DstDir, d.job)), limit))
		}
		return true, nil
	}
	if n <= maxDeleteCount && (total <= 0 || n*100 <= total*maxDeletePercent) {
		return true, nil
	}
	share := ""
	if total > 0 {
		share = fmt.Sprintf(" of the %d there (%d%%)", total, n*100/total)
	}
	ok, err := a.ask.Confirm(fmt.Sprintf("This deletes %d entries%s in %s. Really delete them?", n, share, show(synced(d.job.DstDir, d.job))), false)
	if err != nil {
		return false, a.askErr(err, fmt.Sprintf("deleting %d entries%s needs a second yes", n, share),
			fmt.Sprintf("--max-delete %d (or --max-delete all) to allow them", n))
	}
	return ok, nil
}

func checkMaxDelete(v string) error {
	if v == "" || v == "all" {
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 0 {
		return usage(fmt.Errorf("--max-delete takes a number or all, not %s", show(v)))
	}
	return nil
}

// yesNo answers a question from a flag that pre-approves it, from --yes/--no, or by asking.
func (a *app) yesNo(preapproved bool, o options, question, what, flag string) (bool, error) {
	switch {
	case preapproved:
		return true, nil
	case o.Yes:
		return true, nil
	case o.No:
		return false, nil
	}
	ok, err := a.ask.Confirm(question, false)
	if err != nil {
		return false, a.askErr(err, what, flag)
	}
	return ok, nil
}

// execute runs the approved plan of one destination.
func (a *app) execute(d *dest, o options) error {
	dir, err := os.MkdirTemp("", "micsync-")
	if err != nil {
		return failure(err)
	}
	defer os.RemoveAll(dir)
	steps, err := d.plan.Steps(d.approval, dir)
	if err != nil {
		return failure(err)
	}
	// -v shows each command and asks before it runs, so that the runs go one at a time.
	var before func(rsyncplan.Step) (bool, error)
	var askErr error
	if o.Verbose {
		before = func(s rsyncplan.Step) (bool, error) {
			fmt.Fprintf(a.stdout, "$ %s\n", d.rsync.CommandLine(s.Args))
			ok, err := a.yesNo(false, o, "Run this command?", "-v asks before each command", "--yes")
			if err == nil && !ok {
				fmt.Fprintf(a.stdout, "skipped the %s run\n", s.Name)
			}
			askErr = err
			return ok, err
		}
	}
	err = d.plan.Execute(a.ctx, d.rsync, steps, before, &d.done)
	switch {
	case err == nil || err == askErr:
		return err
	case errors.Is(err, context.Canceled):
		return errInterrupted
	}
	return failure(err, rsyncHints(err, d)...)
}

// failures returns an error when a destination failed; the summary has named them.
func (a *app) failures(dests []*dest) error {
	n := 0
	for _, d := range dests {
		if d.err != nil {
			n++
		}
	}
	switch {
	case n == 0:
		return nil
	case len(dests) == 1: // not reported yet: the one error is the run's error
		return dests[0].err
	}
	return &exitError{code: 1, err: fmt.Errorf("%s of %d failed", count(n, "destination", "destinations"), len(dests))}
}

func (a *app) reportDest(d *dest) {
	var ee *exitError
	fmt.Fprintf(a.stderr, "micsync: error: %s: %s\n", show(d.loc.Path), oneLine(d.err.Error()))
	if errors.As(d.err, &ee) {
		for _, h := range ee.hints {
			fmt.Fprintf(a.stderr, "micsync: hint: %s\n", oneLine(h))
		}
	}
}

// rsyncHints explains the rsync failures that users meet, from rsync's exit status and message.
func rsyncHints(err error, d *dest) []string {
	var re *rsyncplan.Error
	if !errors.As(err, &re) {
		return nil
	}
	msg := re.Stderr
	switch {
	case strings.Contains(msg, "No space left on device"):
		return []string{"the disc of " + show(d.loc.Path) + " is full: free some space and run micsync again; no file was left half-written"}
	case strings.Contains(msg, "Permission denied") || strings.Contains(msg, "Operation not permitted"):
		return []string{"rsync could not read or write the entries named above: check their permissions"}
	case d.loc.Remote() && re.Code == 255:
		return []string{"the connection to " + d.loc.Host + " failed: check that it is up, then run micsync again"}
	case !d.loc.Remote() && !d.loc.Reachable():
		return []string{show(d.loc.Path) + " went away during the run: is its disc still plugged in? Run micsync again once it is"}
	case strings.Contains(msg, "vanished") || strings.Contains(msg, "link_stat"):
		return []string{"files changed after the plan was made: run micsync again to plan anew"}
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
