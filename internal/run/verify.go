package run

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"micsync/internal/disc"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/internal/verify"
	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// VerifyRequest is micsync verify: compare the copies by content, below Paths (every location
// of every configuration when there are none).
type VerifyRequest struct {
	Paths []string
	// Repair replaces each bad copy from a good one, after asking (Yes, No answer).
	Repair bool
	// Budget, when set, verifies the files verified longest ago until this much time (20m) or
	// this many bytes (50GB) is spent.
	Budget string
	budget verify.Budget
	Options
}

// Verify compares every reachable location of each configuration that holds the paths with the
// others, by content (rsync --checksum dry runs), reports per location what differs, and with
// Repair replaces the copies that the judge names bad. Without Repair it changes nothing in
// the locations; it only notes what it verified when (rolling.go).
func Verify(e *Env, req VerifyRequest) error {
	if req.Repair && !req.Yes && e.JSON() {
		return ui.Usage(errors.New("verify --repair --json asks no questions, and --repair asks before it replaces a bad copy"),
			"add --yes to replace the bad copies, or leave --repair out to report them only")
	}
	if req.Budget != "" {
		b, err := verify.ParseBudget(req.Budget)
		if err != nil {
			return ui.Usage(err)
		}
		req.budget = b
	}
	file, err := e.LoadConfig()
	if err != nil {
		return err
	}
	targets, err := e.verifyTargets(file, req)
	if err != nil {
		return err
	}
	if err := e.checkRsync(); err != nil {
		return err
	}
	var errs []error
	var runs []*verifyRun
	for i, t := range targets {
		if i > 0 {
			e.Out.Printf("\n")
		}
		v := &verifyRun{}
		err := e.verifyTarget(t, req, v)
		v.err = err
		runs = append(runs, v)
		if ui.Interrupted(err) {
			// What was found until then is still the document's.
			if err := e.Document(verifyDocument(req, runs)); err != nil {
				return err
			}
			return prompt.ErrInterrupted
		}
		var nt *ui.NoTerminalError
		if errors.As(err, &nt) {
			return err
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	if err := e.Document(verifyDocument(req, runs)); err != nil {
		return err
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return errs[0]
	}
	for _, err := range errs {
		e.Out.Report("", err)
	}
	return ui.Failure(fmt.Errorf("%d of %d configurations did not verify", len(errs), len(targets)))
}

// verifyTargets returns what to verify: below the paths, in every configuration that holds
// them, or every configuration's whole locations; --configuration keeps one.
func (e *Env) verifyTargets(file *locations.File, req VerifyRequest) ([]locations.Target, error) {
	var targets []locations.Target
	if len(req.Paths) == 0 {
		for _, c := range file.Configs {
			targets = append(targets, locations.Target{Config: c})
		}
	} else {
		ts, err := file.Resolve(req.Paths, e.Cwd)
		if err != nil {
			var nl *locations.NoLocationError
			if errors.As(err, &nl) {
				return nil, ui.Usage(err, "micsync verify works on paths inside the locations of "+file.Path)
			}
			return nil, ui.Usage(err)
		}
		for _, t := range ts {
			if err := ownEntry(t); err != nil {
				return nil, err
			}
		}
		targets = ts
	}
	if name := req.Configuration; name != "" {
		for _, t := range targets {
			if t.Config.Name == name {
				return []locations.Target{t}, nil
			}
		}
		var names []string
		for _, t := range targets {
			names = append(names, t.Config.Name)
		}
		if len(req.Paths) == 0 {
			return nil, ui.Usage(fmt.Errorf("there is no configuration %q in %s", name, file.Path),
				"the configurations are: "+strings.Join(names, ", "))
		}
		return nil, ui.Usage(fmt.Errorf("configuration %q has no location holding the paths", name),
			"the paths are in: "+strings.Join(names, ", "))
	}
	return targets, nil
}

// copies is what verify found about the copies of one configuration below one path.
type copies struct {
	t    locations.Target
	locs []locations.Location // reachable; locs[0] is the one every other is compared with
	// differ holds, by name, the files whose content differs between locs[0] and locs[k], by k.
	differ     map[string]map[int]bool
	missing    map[int][]string // files of locs[0] that locs[k] lacks
	only       map[int][]string // files of locs[k] that locs[0] lacks
	unreadable map[int][]rsyncplan.Unreadable
	failed     map[int]error // a comparison with locs[k] that failed
	verdicts   map[string]judged
	meter      *meter // nil: no progress is shown
	// unread holds, by location, the files that could not be opened there, with why: rsync
	// compares what it cannot read as if it held other content, so those copies are left out
	// of the judgement.
	unread []map[string]string
	// step is how finely the coarsest of the locations' discs keeps times (FAT: 2 s); 0 when
	// all keep them to the second or better.
	step time.Duration
	// rules are the configuration's filter rules below the target (newFilters): what they
	// leave out is never compared, as no run copies or deletes it.
	rules []string
}

// like returns a copies of the same locations, compared the same way, with nothing found yet.
func (c *copies) like() *copies {
	n := newCopies(c.t, c.locs, c.rules)
	n.meter, n.unread, n.step = c.meter, c.unread, c.step
	return n
}

// judged is the judge's word on one file, with the copies it was given.
type judged struct {
	verify.Verdict
	holders []int // indices into locs of the locations holding the file
	times   []time.Time
}

// dir is where location k holds the target's path.
func (c *copies) dir(k int) string {
	return filepath.Join(c.locs[k].Path, filepath.FromSlash(c.t.Rel))
}

// verifyAction is the action of verify's records.
const verifyAction = "verify"

// verifyTarget verifies the reachable locations of one configuration below one path, and
// records what it found in each (recordVerify) while it holds them. v gets what it did.
func (e *Env) verifyTarget(t locations.Target, req VerifyRequest, v *verifyRun) (err error) {
	cfg := t.Config
	where := ""
	if t.Rel != "" || t.Names != nil {
		where = " below " + ui.Show(filepath.Join(t.Rel, strings.Join(t.Names, ", ")))
	}
	e.Out.Printf("verify configuration %q%s\n", cfg.Name, where)
	skipped := len(e.skipped)
	locs := e.reachable(cfg.All())
	v.t, v.skipped = t, slices.Clone(e.skipped[skipped:])
	if len(locs) < 2 {
		return ui.Failure(fmt.Errorf("configuration %q has %s reachable; verify needs two to compare", cfg.Name, ui.Count(len(locs), "location", "locations")),
			"mount the discs of its BACKUPs")
	}
	f, err := newFilters(cfg, nil, locs[0], t.Rel)
	if err != nil {
		return err
	}
	if err := f.leftOut(t.Location, t.Rel, t.Names); err != nil {
		return err
	}
	var ws []want
	for _, l := range locs {
		ws = append(ws, want{loc: l, exclusive: req.Repair})
	}
	h, err := e.holdAll(ws, req.Options)
	if err != nil {
		return err
	}
	defer h.release()
	v.locs, v.repaired, v.repairErr = locs, map[int][]string{}, map[int]error{}
	start := time.Now()
	defer func() { e.recordVerify(v, h, start, err) }()
	r, err := e.remember(newCopies(t, locs, f.rules))
	if err != nil {
		return err
	}
	v.r = r
	how := newCopies(t, locs, f.rules)
	how.unread, how.step = r.unread, timeStep(locs)
	var c *copies
	if req.budget != (verify.Budget{}) {
		e.Out.Printf("verifying the files verified longest ago, within %s\n", req.Budget)
		c, v.compared, err = e.compareWithin(h, how, r, req.budget, req.Quiet)
	} else {
		how.meter = startMeter(e.Out, req.Quiet, r.bytes(0, nil)*int64(len(locs)-1))
		c, err = e.compare(h, how)
		how.meter.end()
		how.meter = nil
		if err == nil {
			r.report(c, nil)
			var all []string
			for _, cd := range r.candidates(c) {
				all = append(all, cd.Name)
			}
			r.verified(c, all, time.Now())
			v.compared = all
		}
	}
	v.c = c
	if err != nil {
		return err
	}
	if err := r.save(c); err != nil {
		return err
	}
	e.showCopies(c)
	if req.Repair && c.count(verify.Bad) > 0 {
		if err := e.repair(h, c, req.Options, v); err != nil {
			return err
		}
		e.Out.Printf("verifying again\n")
		if c, err = e.compare(h, how); err != nil {
			return err
		}
		r.report(c, nil)
		v.c = c
		e.showCopies(c)
	}
	return c.result(req.Repair)
}

// timeStep returns how finely the coarsest disc of locs keeps modification times, where
// micsync has learnt it (in its directory on the disc, as every run does); 0 when every one
// keeps them to the second or better. Copies on FAT have times that differ from the others' by
// up to a second, and are the same all the same.
func timeStep(locs []locations.Location) time.Duration {
	var step time.Duration
	for _, l := range locs {
		if dir := onDisc(l); dir != "" && isDir(dir) {
			step = max(step, learn(l, dir).TimeStep)
		}
	}
	if step < 2*time.Second {
		return 0
	}
	return step
}

// guardOf checks, before and during each rsync run between two locations, that their discs
// are still the ones the run found.
func (h *held) guardOf(ls ...locations.Location) func() error {
	return func() error {
		for _, l := range ls {
			if id, ok := h.id[l.Path]; ok && id.Check(l.Path) != nil {
				return &goneError{loc: l}
			}
		}
		return nil
	}
}

// compareJob is the dry run that compares the content of two locations' copies below the
// target: with --delete, so that what only the second holds is listed too, and with the
// excludes and filter rules of every run, so that micsync's own entries, and what the rules
// leave out, are never compared.
func (c *copies) compareJob(a, b int, names []string) rsyncplan.Job {
	return rsyncplan.Job{SrcDir: c.dir(a), DstDir: c.dir(b), Names: names, Delete: true, Checksum: true,
		Exclude: excludes(c.t.Rel), Filter: c.rules, CoarseTimes: c.step >= 2*time.Second}
}

func newCopies(t locations.Target, locs []locations.Location, rules []string) *copies {
	return &copies{t: t, locs: locs, rules: rules, differ: map[string]map[int]bool{},
		missing: map[int][]string{}, only: map[int][]string{}, unreadable: map[int][]rsyncplan.Unreadable{},
		failed: map[int]error{}, verdicts: map[string]judged{}}
}

// compare compares the copies of the whole target.
func (e *Env) compare(h *held, how *copies) (*copies, error) {
	return e.compareNames(h, how, how.t.Names, true)
}

// compareNames compares locs[0] with every other location, and the other locations with each
// other for the files that differ from locs[0], and judges each file that differs: names are
// below the target's directory; loud says which locations it compares. how holds the target,
// the locations and how to compare them (its meter, unread and step), and nothing found.
func (e *Env) compareNames(h *held, how *copies, names []string, loud bool) (*copies, error) {
	c := how.like()
	locs := c.locs
	for k := 1; k < len(locs); k++ {
		if loud {
			e.Out.Printf("comparing %s %s with %s %s\n", locs[0].Role, ui.Show(locs[0].Path), locs[k].Role, ui.Show(locs[k].Path))
		}
		// The target's own names may be directories, which only arguments recurse into; any
		// other names are files, many of them, given in a list.
		p, err := e.dryCompare(h, c, 0, k, names, names != nil && !slices.Equal(names, c.t.Names))
		if ui.Interrupted(err) {
			return nil, prompt.ErrInterrupted
		}
		if err != nil {
			c.failed[k] = err
			continue
		}
		c.unreadable[0] = append(c.unreadable[0], p.Unreadable...)
		for _, it := range p.Items {
			switch {
			case it.Dir || it.Name == ".":
			case it.Class == rsyncplan.Modified || it.Class == rsyncplan.Replaced:
				mark(c.differ, it.Name, k)
			case it.Class == rsyncplan.NewFile || it.Class == rsyncplan.NewLink:
				c.missing[k] = append(c.missing[k], it.Name)
			case it.Class == rsyncplan.Deleted:
				c.only[k] = append(c.only[k], it.Name)
			}
		}
	}
	if err := e.judge(h, c); err != nil {
		return nil, err
	}
	return c, nil
}

func mark(m map[string]map[int]bool, name string, k int) {
	if m[name] == nil {
		m[name] = map[int]bool{}
	}
	m[name][k] = true
}

// dryCompare runs the comparison of locs[a] with locs[b] for names (below the target's path;
// nil: all of it), given in a list when listed (files only).
func (e *Env) dryCompare(h *held, c *copies, a, b int, names []string, listed bool) (*rsyncplan.Plan, error) {
	r := e.Reach.Runner(c.locs[a], c.locs[b])
	r.Stderr = e.Out.Prefixed(e.Ctx, "")
	r.Guard = h.guardOf(c.locs[a], c.locs[b])
	job := c.compareJob(a, b, names)
	job.NamesFromList = listed
	if c.meter != nil {
		job.Checked = c.meter.checked
	}
	p, err := rsyncplan.Make(e.Ctx, r, job)
	if errors.Is(err, rsyncplan.ErrSourceMissing) {
		return nil, fmt.Errorf("%s %s does not hold %s", c.locs[a].Role, ui.Show(c.locs[a].Path), ui.Show(c.dir(a)))
	}
	return p, err
}

// judge sorts each file that differs somewhere into groups of equal content, comparing the
// other locations with each other where both differ from locs[0], and asks the judge.
func (e *Env) judge(h *held, c *copies) error {
	var names []string
	for n := range c.differ {
		names = append(names, n)
	}
	// A file that locs[0] lacks and several others hold: they may disagree too.
	onlyAt := map[int]map[string]bool{}
	holders := map[string]int{}
	for k, ns := range c.only {
		onlyAt[k] = map[string]bool{}
		for _, n := range ns {
			onlyAt[k][n] = true
			if holders[n]++; holders[n] == 2 {
				names = append(names, n)
			}
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil
	}
	// group[name][k]: which copies have equal content; locs[0]'s is 0, -1 for a copy that is
	// not there or not known.
	group := map[string][]int{}
	missingAt := map[int]map[string]bool{}
	for k, ms := range c.missing {
		missingAt[k] = map[string]bool{}
		for _, n := range ms {
			missingAt[k][n] = true
		}
	}
	for _, n := range names {
		g := make([]int, len(c.locs))
		notInFirst := holders[n] > 0
		for k := range g {
			switch {
			case k == 0 && (notInFirst || c.cannotOpen(0, n)):
				g[k] = -1
			case k == 0:
			case c.failed[k] != nil || missingAt[k][n] || c.cannotOpen(k, n):
				g[k] = -1 // not known, or not there
			case notInFirst && !onlyAt[k][n]:
				g[k] = -1
			case notInFirst || c.differ[n][k]:
				g[k] = k // its own group until it is found equal to another
			}
		}
		group[n] = g
	}
	// Copies that both differ from locs[0] may still agree with each other.
	for a := 1; a < len(c.locs); a++ {
		for b := a + 1; b < len(c.locs); b++ {
			var both []string
			for _, n := range names {
				if group[n][a] == a && group[n][b] == b {
					both = append(both, n)
				}
			}
			if len(both) == 0 {
				continue
			}
			p, err := e.dryCompare(h, c, a, b, both, true)
			if err != nil {
				return err
			}
			differ := map[string]bool{}
			for _, it := range p.Items {
				if it.Class != rsyncplan.Meta {
					differ[it.Name] = true
				}
			}
			for _, n := range both {
				if !differ[n] {
					group[n][b] = group[n][a]
				}
			}
		}
	}
	// Each holder's size and time, for the judge and for the report.
	stats := make([]map[string]rsyncplan.Entry, len(c.locs))
	for k, l := range c.locs {
		found, err := e.Reach.Runner(l).Stat(e.Ctx, c.dir(k), names)
		if err != nil {
			return ui.Failure(err)
		}
		stats[k] = found
	}
	for _, n := range names {
		var j judged
		var cs []verify.Copy
		for k, g := range group[n] {
			st, ok := stats[k][n]
			if g < 0 || !ok {
				continue
			}
			j.holders = append(j.holders, k)
			j.times = append(j.times, st.ModTime)
			cs = append(cs, verify.Copy{Size: st.Size, ModTime: st.ModTime, Group: g})
		}
		j.Verdict = verify.Judge(cs, c.step)
		if j.Kind == verify.Bad {
			j.Bad = j.holders[j.Bad]
		}
		c.verdicts[n] = j
	}
	return nil
}

// cannotOpen reports whether the file name could not be opened in location k.
func (c *copies) cannotOpen(k int, name string) bool {
	if k >= len(c.unread) {
		return false
	}
	_, ok := c.unread[k][name]
	return ok
}

// count returns how many files got the verdict k.
func (c *copies) count(k verify.Kind) int {
	n := 0
	for _, j := range c.verdicts {
		if j.Kind == k {
			n++
		}
	}
	return n
}

// byVerdict returns the names of the files with verdict k, sorted, and for Bad only those
// whose bad copy is locs[at] (at < 0: all).
func (c *copies) byVerdict(k verify.Kind, at int) []string {
	var names []string
	for n, j := range c.verdicts {
		if j.Kind == k && (at < 0 || j.Bad == at) {
			names = append(names, n)
		}
	}
	return sortNames(names)
}

// showCopies reports, per location, what verify found.
func (e *Env) showCopies(c *copies) {
	ref := c.locs[0]
	refName := ref.Role.String() + " " + ui.Show(ref.Path)
	for k, l := range c.locs {
		e.Out.Printf("%s %s:\n", l.Role, ui.Show(l.Path))
		n := 0
		list := func(heading string, names []string) {
			if len(names) == 0 {
				return
			}
			n += len(names)
			e.Out.Printf("  %s: %d\n", heading, len(names))
			for _, name := range sortNames(names) {
				e.Out.Printf("    %s\n", ui.Show(name))
			}
		}
		if err := c.failed[k]; err != nil {
			n++
			e.Out.Printf("  not compared: %v\n", err)
		}
		bad := c.byVerdict(verify.Bad, k)
		if len(bad) > 0 {
			others := len(c.verdicts[bad[0]].holders) - 1
			list(fmt.Sprintf("bad copies (the content differs from the %d other copies, which agree; size and time are the same, so no run copies them)", others), bad)
		}
		if k > 0 {
			var edited []string
			for name, j := range c.verdicts {
				if j.Kind == verify.Edited && c.differ[name][k] {
					edited = append(edited, name)
				}
			}
			list("differ from "+refName+" in content and in size or time", edited)
			list("missing here ("+refName+" has them)", c.missing[k])
			list("only here (not in "+refName+")", c.only[k])
		}
		if us := c.unreadable[k]; len(us) > 0 {
			n += len(us)
			e.Out.Printf("  could not read: %d\n", len(us))
			for _, u := range us {
				e.Out.Printf("    %s (%s)\n", ui.Show(u.Name), u.Reason)
			}
		}
		if n == 0 {
			e.Out.Printf("  no differences\n")
		}
	}
	for _, name := range c.byVerdict(verify.CannotTell, -1) {
		j := c.verdicts[name]
		e.Out.Printf("cannot tell which copy of %s is right: the contents differ, the sizes and times are the same\n", ui.Show(name))
		for i, k := range j.holders {
			e.Out.Printf("  %s %s: modified %s\n", c.locs[k].Role, ui.Show(c.locs[k].Path), j.times[i].Local().Format("2006-01-02 15:04:05.000000000"))
		}
	}
}

// result is verify's error: what differs, and how to mend it.
func (c *copies) result(repaired bool) error {
	bad, unknown, edited := c.count(verify.Bad), c.count(verify.CannotTell), c.count(verify.Edited)
	unread, failed := 0, len(c.failed)
	for _, us := range c.unreadable {
		unread += len(us)
	}
	var parts []string
	if bad > 0 {
		parts = append(parts, ui.Count(bad, "bad copy", "bad copies"))
	}
	if unknown > 0 {
		parts = append(parts, ui.Count(unknown, "file whose right copy is unknown", "files whose right copy is unknown"))
	}
	if edited > 0 {
		parts = append(parts, ui.Count(edited, "file that differs in size or time", "files that differ in size or time"))
	}
	if unread > 0 {
		parts = append(parts, ui.Count(unread, "entry that could not be read", "entries that could not be read"))
	}
	if failed > 0 {
		parts = append(parts, ui.Count(failed, "location not compared", "locations not compared"))
	}
	if len(parts) == 0 {
		return nil
	}
	var hints []string
	if bad > 0 && !repaired {
		hints = append(hints, "micsync verify --repair replaces each bad copy from a good one, keeping it in the trash")
	}
	if unknown > 0 {
		hints = append(hints, "open both copies to see which is right; copy the right one over the other with micsync --backup -c or --work -c")
	}
	if edited > 0 {
		hints = append(hints, "files that differ in size or time are copied by the next micsync --backup (or --work)")
	}
	return ui.Failure(fmt.Errorf("the copies of configuration %q differ: %s", c.t.Config.Name, ui.Join(parts, "and")), hints...)
}

// repair replaces every bad copy from a good one, after asking: through rsync, with what it
// replaces kept in the trash of the bad copy's location. Files whose good copy is not known
// are never touched.
func (e *Env) repair(h *held, c *copies, o Options, v *verifyRun) error {
	type pair struct{ good, bad int }
	todo := map[pair][]string{}
	var pairs []pair
	for _, name := range c.byVerdict(verify.Bad, -1) {
		j := c.verdicts[name]
		good := -1
		for _, k := range j.holders {
			if k != j.Bad {
				good = k
				break
			}
		}
		p := pair{good, j.Bad}
		if todo[p] == nil {
			pairs = append(pairs, p)
		}
		todo[p] = append(todo[p], name)
	}
	n := c.count(verify.Bad)
	q := fmt.Sprintf("Replace %s from good ones (what is replaced goes to the trash)?", ui.Count(n, "bad copy", "bad copies"))
	ok, err := e.yesNo(false, o, q, "verify --repair asks before it replaces a bad copy", "--yes")
	if err != nil {
		return err
	}
	if !ok {
		e.Out.Printf("nothing was repaired\n")
		return nil
	}
	var bads []locations.Location
	for _, p := range pairs {
		bads = append(bads, c.locs[p.bad])
	}
	stamp := trash.NewStamp(e.Ctx, e.Reach, bads...)
	var errs []error
	for _, p := range pairs {
		good, bad := c.locs[p.good], c.locs[p.bad]
		job := c.compareJob(p.good, p.bad, todo[p])
		job.Delete, job.NamesFromList = false, true
		// The good copy's disc may keep no modes (exFAT: every file 0777): the bad copy keeps its
		// own mode then, as in every run from such a disc.
		d := &dest{loc: bad, job: job, caps: disc.Everything, srcCaps: e.learnSource(good, o), stamp: stamp}
		d.job.Trash = trash.Dir(bad.Path, stamp, c.t.Rel)
		err := e.repairOne(h, good, d)
		if err == nil {
			v.repaired[p.bad] = append(v.repaired[p.bad], todo[p]...)
		}
		if err != nil {
			v.repairErr[p.bad] = err
			if ui.Interrupted(err) {
				return prompt.ErrInterrupted
			}
			e.Out.Report(bad.Path, err)
			errs = append(errs, err)
			continue
		}
		e.Out.Printf("repaired %s in %s %s from %s %s; the bad %s in %s\n", ui.Count(d.done.Files, "file", "files"),
			bad.Role, ui.Show(bad.Path), good.Role, ui.Show(good.Path), plural(d.done.Files, "copy is", "copies are"), ui.Show(d.job.Trash))
	}
	if len(errs) > 0 {
		return ui.Failure(fmt.Errorf("%d of %d repairs failed", len(errs), len(pairs)))
	}
	return nil
}

// sortNames sorts names as the plans list them.
func sortNames(names []string) []string {
	names = slices.Clone(names)
	slices.SortFunc(names, ui.ComparePaths)
	return names
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// repairOne copies the named files of d's job from good over the bad copies in d.loc: a plan
// by content of just those files, approved as it is, executed as every run is.
func (e *Env) repairOne(h *held, good locations.Location, d *dest) error {
	if err := e.setUp(h, d); err != nil {
		return err
	}
	defer func() {
		if d.job.TempDir != "" {
			os.RemoveAll(d.job.TempDir) // empty unless the run was stopped
		}
	}()
	r := e.Reach.Runner(good, d.loc)
	r.Stderr = e.Out.Prefixed(e.Ctx, "")
	r.Guard = h.guard(good, d)
	d.rsync = r
	p, err := rsyncplan.Make(e.Ctx, r, d.job)
	if err != nil {
		return ui.Failure(err)
	}
	d.plan = p
	d.approval = rsyncplan.Approval{Overwrite: true}
	if err := e.execute(d, Options{}); err != nil {
		return err
	}
	return e.finish(h, good, d)
}
