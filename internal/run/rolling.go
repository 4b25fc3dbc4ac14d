package run

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"micsync/internal/disc"
	"micsync/internal/ui"
	"micsync/internal/verify"
	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// recordName is the file, in micsync's directory on a location's disc, that says when verify
// last verified each of its files.
const recordName = "verified.json"

// recordPaths returns where the record of what verify verified in l is kept: in micsync's
// state directory on this machine, and, for a location on this machine, on its disc, in
// micsync's own directory there. A WORKING gets that directory only if a run made it already:
// verify adds nothing of its own to the directories you work in.
func recordPaths(l locations.Location) (state, onDisc string) {
	if dir, err := locations.StateDir(); err == nil {
		state = filepath.Join(dir, "verified", disc.LockName(l.Path)+".json")
	}
	if !l.Remote() {
		d := filepath.Join(l.Path, disc.Name)
		if l.Role == locations.Backup || isDir(d) {
			onDisc = filepath.Join(d, recordName)
		}
	}
	return state, onDisc
}

// loadRecord reads what verify remembers of l, from this machine and from the disc.
func loadRecord(l locations.Location) *verify.Record {
	state, onDisc := recordPaths(l)
	var ps []string
	for _, p := range []string{state, onDisc} {
		if p != "" {
			ps = append(ps, p)
		}
	}
	return verify.Load(ps...)
}

// saveRecord writes what verify remembers of l in both places.
func saveRecord(l locations.Location, r *verify.Record) error {
	state, onDisc := recordPaths(l)
	for _, p := range []string{state, onDisc} {
		if p == "" {
			continue
		}
		if err := r.Save(p); err != nil {
			return ui.Failure(fmt.Errorf("%s %s: %w", l.Role, ui.Show(l.Path), err))
		}
	}
	return nil
}

// listFiles returns the files that location k holds below the target and that the rules leave
// in, by name relative to the target's directory, with their sizes, and those of them that
// cannot be opened, with why. rsync lists them, reading the ignore files as a run does.
func (e *Env) listFiles(c *copies, k int) (map[string]int64, map[string]string, error) {
	job := rsyncplan.Job{SrcDir: c.dir(k), Names: c.t.Names, Exclude: excludes(c.t.Rel), Filter: c.rules}
	entries, err := e.Reach.Runner(c.locs[k]).Listed(e.Ctx, job)
	if err != nil {
		return nil, nil, ui.Failure(fmt.Errorf("list %s %s: %w", c.locs[k].Role, ui.Show(c.locs[k].Path), err))
	}
	files := map[string]int64{}
	unread := map[string]string{}
	for _, en := range entries {
		if en.Type != 'f' {
			continue
		}
		files[en.Name] = en.Size
		if !c.locs[k].Remote() {
			if why := openable(filepath.Join(c.dir(k), filepath.FromSlash(en.Name))); why != "" {
				unread[en.Name] = why
			}
		}
	}
	return files, unread, nil
}

// openable returns why the file at p cannot be opened for reading, as rsync says it
// ("Permission denied (13)"), or "". rsync --checksum takes a file it cannot open for one
// with other content, and two such copies for the same, without a word.
func openable(p string) string {
	f, err := os.Open(p)
	if err == nil {
		f.Close()
		return ""
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		msg := errno.Error()
		return strings.ToUpper(msg[:1]) + msg[1:] + fmt.Sprintf(" (%d)", int(errno))
	}
	return err.Error()
}

// rolling is what one verify of a target remembers: each location's record and files.
type rolling struct {
	records []*verify.Record
	files   []map[string]int64  // by location, relative to the target's directory
	unread  []map[string]string // by location, the files of files that could not be opened, with why
}

// remember reads the locations' records and lists their files below the target.
func (e *Env) remember(c *copies) (*rolling, error) {
	r := &rolling{}
	for k, l := range c.locs {
		rec := loadRecord(l)
		files, unread, err := e.listFiles(c, k)
		if err != nil {
			return nil, err
		}
		r.unread = append(r.unread, unread)
		byRoot := map[string]int64{}
		for n, size := range files {
			byRoot[path.Join(c.t.Rel, n)] = size
		}
		if c.t.Names == nil {
			rec.Known(c.t.Rel, byRoot)
		} else {
			for _, n := range c.t.Names {
				rec.Known(path.Join(c.t.Rel, n), byRoot)
			}
		}
		r.records = append(r.records, rec)
		r.files = append(r.files, files)
	}
	return r, nil
}

// verified notes the files of names (relative to the target's directory) that c compared in
// each location as verified now: not those of a location whose comparison failed, nor those
// that could not be read.
func (r *rolling) verified(c *copies, names []string, now time.Time) {
	unread := map[string]bool{}
	for _, us := range c.unreadable {
		for _, u := range us {
			unread[u.Name] = true
		}
	}
	for k := range c.locs {
		if k > 0 && c.failed[k] != nil || k == 0 && len(c.failed) == len(c.locs)-1 {
			continue
		}
		for _, n := range names {
			if _, ok := r.files[k][n]; ok && !unread[n] && r.unread[k][n] == "" {
				r.records[k].Verified(path.Join(c.t.Rel, n), now)
			}
		}
	}
}

// report adds the files that could not be opened to what c found, for the report.
func (r *rolling) report(c *copies, names []string) {
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	for k, unread := range r.unread {
		for n, why := range unread {
			if names == nil || want[n] {
				c.unreadable[k] = append(c.unreadable[k], rsyncplan.Unreadable{Name: n, Reason: why})
			}
		}
		slices.SortFunc(c.unreadable[k], func(a, b rsyncplan.Unreadable) int { return ui.ComparePaths(a.Name, b.Name) })
	}
}

// save writes every location's record.
func (r *rolling) save(c *copies) error {
	for k, l := range c.locs {
		if err := saveRecord(l, r.records[k]); err != nil {
			return err
		}
	}
	return nil
}

// bytes returns the size of the files that location k holds among names (all when nil).
func (r *rolling) bytes(k int, names []string) int64 {
	var n int64
	if names == nil {
		for _, size := range r.files[k] {
			n += size
		}
		return n
	}
	for _, name := range names {
		n += r.files[k][name]
	}
	return n
}

// candidates returns every file that one of the locations holds below the target, those
// verified longest ago first.
func (r *rolling) candidates(c *copies) []verify.Candidate {
	by := map[string]*verify.Candidate{}
	for k, files := range r.files {
		for n, size := range files {
			when := r.records[k].Files[path.Join(c.t.Rel, n)].Verified
			cd, ok := by[n]
			if !ok {
				by[n] = &verify.Candidate{Name: n, Size: size, Verified: when}
				continue
			}
			cd.Size = max(cd.Size, size)
			cd.Verified = min(cd.Verified, when)
		}
	}
	cs := make([]verify.Candidate, 0, len(by))
	for _, cd := range by {
		cs = append(cs, *cd)
	}
	verify.Oldest(cs)
	return cs
}

// batchFiles is the most files one comparison of a budgeted verify names (in a list, rsync's
// --files-from): what a batch found is remembered even when a later one is stopped.
const (
	batchFiles = 1000
	// firstBatch is how many bytes the first batch of a verify within a time compares.
	firstBatch = 16 << 20
)

// compareWithin compares the files verified longest ago, a batch at a time, until the budget
// is spent, and returns what it found and the names it compared; when it is interrupted, also
// what the batches before found.
func (e *Env) compareWithin(h *held, c *copies, r *rolling, b verify.Budget, quiet bool) (*copies, []string, error) {
	how := c.like()
	cs := r.candidates(c)
	var total int64
	if b.Bytes > 0 {
		total = b.Bytes * int64(len(c.locs)-1)
	} else {
		for _, cd := range cs {
			total += cd.Size
		}
		total *= int64(len(c.locs) - 1)
	}
	m := startMeter(e.Out, quiet, total)
	how.meter = m
	defer m.end()
	start := time.Now()
	found := newCopies(c.t, c.locs, c.rules)
	var done []string
	var bytes int64
	for i := 0; i < len(cs); {
		n := min(batchFiles, len(cs)-i)
		switch {
		case b.Bytes > 0:
			if left := b.Bytes - bytes; left <= 0 || (i > 0 && cs[i].Size > left) {
				n = 0 // only the first file may be larger than what is left
				break
			}
			n = min(n, verify.Take(cs[i:], b.Bytes-bytes))
		case b.Time > 0:
			elapsed := time.Since(start)
			left := b.Time - elapsed
			if left <= 0 {
				n = 0
				break
			}
			if bytes == 0 || elapsed <= 0 {
				// A first small batch tells how fast these discs are.
				n = min(n, 10, verify.Take(cs[i:], firstBatch))
				break
			}
			rate := float64(bytes) / elapsed.Seconds()
			n = min(n, verify.Take(cs[i:], int64(rate*left.Seconds())))
		}
		if n == 0 {
			break
		}
		var names []string
		for _, cd := range cs[i : i+n] {
			names = append(names, cd.Name)
			bytes += cd.Size
		}
		part, err := e.compareNames(h, how, names, false)
		if err != nil {
			if ui.Interrupted(err) {
				if len(done) > 0 {
					r.save(found) // what was verified before the interrupt counts
				}
				return found, done, err // for the records
			}
			return nil, nil, err
		}
		r.verified(part, names, time.Now())
		r.report(part, names)
		found.add(part)
		done = append(done, names...)
		i += n
	}
	var size int64
	for _, cd := range cs[:len(done)] {
		size += cd.Size
	}
	rest := len(cs) - len(done)
	m.end()
	e.Out.Printf("verified %s (%s) of %d within the budget", ui.Count(len(done), "file", "files"), ui.HumanBytes(size), len(cs))
	if rest > 0 {
		e.Out.Printf("; the next verify goes on with the %d verified longest ago\n", rest)
	} else {
		e.Out.Printf("\n")
	}
	return found, done, nil
}

// add takes in what another comparison of the same locations found.
func (c *copies) add(o *copies) {
	for n, ks := range o.differ {
		for k := range ks {
			mark(c.differ, n, k)
		}
	}
	for k, ns := range o.missing {
		c.missing[k] = append(c.missing[k], ns...)
	}
	for k, ns := range o.only {
		c.only[k] = append(c.only[k], ns...)
	}
	for k, us := range o.unreadable {
		c.unreadable[k] = append(c.unreadable[k], us...)
	}
	for k, err := range o.failed {
		if c.failed[k] == nil {
			c.failed[k] = err
		}
	}
	for n, j := range o.verdicts {
		c.verdicts[n] = j
	}
}

// periods are the spans that verify --status counts.
var periods = []struct {
	days int
}{{30}, {90}, {365}}

// VerifyStatus says, for each location of the configurations that hold the paths (or all),
// how much of it verify verified in the last 30, 90 and 365 days. It reads what verify
// remembers on this machine, and on the discs that are reachable.
func VerifyStatus(e *Env, req VerifyRequest) error {
	file, err := e.LoadConfig()
	if err != nil {
		return err
	}
	targets, err := e.verifyTargets(file, req)
	if err != nil {
		return err
	}
	now := time.Now()
	doc := newVerifyStatusDoc(now)
	for i, t := range targets {
		if i > 0 {
			e.Out.Printf("\n")
		}
		e.Out.Printf("configuration %q\n", t.Config.Name)
		cd := verifyStatusConfigDoc{Name: t.Config.Name, Locations: []verifyStatusLocationDoc{}}
		ls := t.Config.All()
		e.Reach.Probe(ls...)
		for _, l := range ls {
			if e.Ctx.Err() != nil {
				return prompt.ErrInterrupted
			}
			var rec *verify.Record
			state, _ := recordPaths(l)
			why := e.Reach.Unreachable(l)
			if why != "" {
				rec = verify.Load(state)
			} else {
				rec = loadRecord(l)
			}
			cd.Locations = append(cd.Locations, statusLocation(l, why == "", rec, now))
			files, bytes := rec.Total()
			if files == 0 {
				e.Out.Printf("  %s %s: never verified\n", l.Role, ui.Show(l.Path))
				continue
			}
			e.Out.Printf("  %s %s: %s (%s) known\n", l.Role, ui.Show(l.Path), ui.Count(files, "file", "files"), ui.HumanBytes(bytes))
			for _, p := range periods {
				n, b := rec.Within(now, time.Duration(p.days)*24*time.Hour)
				e.Out.Printf("    verified in the last %d days: %s (%s), %d%%\n", p.days, ui.Count(n, "file", "files"), ui.HumanBytes(b), n*100/files)
			}
		}
		doc.Configurations = append(doc.Configurations, cd)
	}
	return e.Document(doc)
}
