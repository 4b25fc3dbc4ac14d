package run

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"micsync/internal/disc"
	"micsync/internal/trash"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// held is what a run holds of its locations from before planning to its end: the lock of each
// (exclusive where it writes, shared on its source), and what each local root is, so that a
// disc that goes away during the run gets nothing more written to where it was.
type held struct {
	locks []*disc.Lock
	lock  map[string]*disc.Lock // by location path
	id    map[string]disc.ID    // by location path, for locations on this machine
}

// waitEvery is how often --wait tries the locks again.
var waitEvery = 500 * time.Millisecond

// spaceOf reads a disc's free space; tests give a small disc.
var spaceOf = disc.SpaceOf

// hold takes the locks of the run's source and destinations, all or none: a run that cannot
// have one of them changes nothing, or with --wait, waits and tries again. A dry run (-n) writes
// nothing and takes none.
func (e *Env) hold(src locations.Location, dests []*dest, o Options) (*held, error) {
	var ws []want
	for _, d := range dests {
		ws = append(ws, want{loc: d.loc, exclusive: true, dest: d})
	}
	if !sameLocation(src, dests) {
		ws = append(ws, want{loc: src})
	}
	return e.holdAll(ws, o)
}

// holdAll takes the locks that ws want, all or none, and notes what each local root is.
func (e *Env) holdAll(ws []want, o Options) (*held, error) {
	h := &held{lock: map[string]*disc.Lock{}, id: map[string]disc.ID{}}
	if !o.DryRun {
		if err := e.lockAll(h, ws, o.Wait); err != nil {
			return nil, err
		}
	}
	for _, w := range ws {
		l := w.loc
		if l.Remote() {
			continue
		}
		marker := ""
		if l.MarkerID != "" {
			marker = locations.MarkerName
		}
		id, err := disc.Identify(l.Path, marker)
		if err != nil {
			h.release()
			return nil, ui.Failure(fmt.Errorf("%s %s: %w", l.Role, ui.Show(l.Path), err))
		}
		h.id[l.Path] = id
	}
	return h, nil
}

// want is a lock a run needs: exclusive for a location it writes to.
type want struct {
	loc       locations.Location
	exclusive bool
	dest      *dest // the destination that needs it, if one does
}

// lockAll takes the locks, trying again while wait says so and the run goes on.
func (e *Env) lockAll(h *held, ws []want, wait bool) error {
	waiting := false
	for {
		busy, err := h.tryAll(ws)
		if err != nil || busy == nil {
			return err
		}
		if !wait {
			return ui.Failure(busy, "wait for that run to finish, or run again with --wait to wait for it")
		}
		if !waiting {
			e.Out.Printf("waiting: %s\n", busy.Error())
			waiting = true
		}
		select {
		case <-e.Ctx.Done():
			return e.Ctx.Err()
		case <-time.After(waitEvery):
		}
	}
}

func locs(dests []*dest) []locations.Location {
	ls := make([]locations.Location, len(dests))
	for i, d := range dests {
		ls[i] = d.loc
	}
	return ls
}

// busyError is a location whose lock another run holds.
type busyError struct {
	loc  locations.Location
	busy *disc.BusyError
}

func (b *busyError) Error() string {
	return fmt.Sprintf("%s %s is in use by another micsync run%s", b.loc.Role, ui.Show(b.loc.Path), holderText(b.busy))
}

func holderText(b *disc.BusyError) string {
	s := ""
	for i, hd := range b.Holders {
		if i == 0 {
			s += " ("
		} else {
			s += "; "
		}
		s += hd.String()
	}
	if s != "" {
		s += ")"
	}
	return s
}

// tryAll tries every lock once. When one is taken, it lets go of those it got and says which.
func (h *held) tryAll(ws []want) (*busyError, error) {
	for _, w := range ws {
		dir, err := lockDir(w.loc)
		if err == nil {
			var l *disc.Lock
			l, err = disc.Acquire(dir, onDisc(w.loc), disc.Me(w.exclusive))
			if err == nil {
				h.locks = append(h.locks, l)
				h.lock[w.loc.Path] = l
				continue
			}
		}
		var busy *disc.BusyError
		switch {
		case errors.As(err, &busy):
			h.release()
			return &busyError{loc: w.loc, busy: busy}, nil
		case !w.exclusive && errors.Is(err, disc.ErrNoLock):
			// A source this user cannot write to (a read-only disc) is read without a lock:
			// no run of this user's can be writing to it either.
		case w.dest != nil && errors.Is(err, disc.ErrNoLock):
			// A destination this user cannot write to fails alone; the others are done.
			w.dest.err = noLock(w.loc, err)
		default:
			h.release()
			return nil, noLock(w.loc, err)
		}
	}
	return nil, nil
}

func noLock(l locations.Location, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe // it names the path
	}
	return ui.Failure(fmt.Errorf("cannot lock %s %s: %w", l.Role, ui.Show(l.Path), err),
		"check that you may write to the directory that the error names")
}

// sameLocation reports whether the source is one of the destinations: a restore from the trash
// reads and writes one location.
func sameLocation(src locations.Location, dests []*dest) bool {
	for _, d := range dests {
		if d.loc.Path == src.Path {
			return true
		}
	}
	return false
}

// lockDir is where a location's lock is: for one on this machine, in the machine's lock
// directory, shared by every user (disc.LockDir); for one on another host, in micsync's state
// directory on this machine, which keeps the runs of this machine apart.
func lockDir(l locations.Location) (string, error) {
	if !l.Remote() {
		return disc.LockDir(l.Path)
	}
	state, err := locations.StateDir()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(state, "locks")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	return filepath.Join(dir, disc.LockName(l.Path)), nil
}

// onDisc is the location's own directory on its disc, for rsync's temporary files, the
// probes and the flush; "" for a location on another host.
func onDisc(l locations.Location) string {
	if l.Remote() {
		return ""
	}
	return filepath.Join(l.Path, disc.Name)
}

// release lets go of every lock.
func (h *held) release() {
	for _, l := range h.locks {
		l.Release()
	}
	h.locks = nil
}

// setUp readies a destination's job on its disc: what a dead run left there is removed, rsync
// gets a directory of this run's for its temporary files, and times are compared exactly where
// the disc keeps them.
func (e *Env) setUp(h *held, d *dest) error {
	if d.loc.Remote() {
		d.job.Keep(d.caps, d.srcCaps)
		if h.lock[d.loc.Path] != nil { // not a dry run
			d.records = fetchForRecord(e.Reach.Runner(d.loc), d.loc)
		}
		return nil
	}
	l := h.lock[d.loc.Path]
	if l == nil {
		d.job.Keep(d.caps, d.srcCaps)
		// A dry run takes no lock and makes no directory, but plans as the run would, where
		// an earlier run made micsync's directory to probe in.
		if dir := onDisc(d.loc); isDir(dir) {
			d.caps = learn(d.loc, dir)
			d.job.Keep(d.caps, d.srcCaps)
		}
		return unkept(d)
	}
	if left := l.RemoveLeftovers(); left.Files > 0 {
		e.Out.Printf("removed %s (%s) left by an interrupted run in %s\n",
			ui.Count(left.Files, "temporary file", "temporary files"), ui.HumanBytes(left.Bytes), ui.Show(d.loc.Path))
	}
	var err error
	if d.job.TempDir, err = l.TempDir(); err != nil {
		if !errors.Is(err, syscall.EROFS) {
			return ui.Failure(err)
		}
		// A disc mounted read-only is planned as any: one that is up to date is ok; the plan
		// refuses it when there is something to write (plan).
		d.readOnly = true
	}
	d.caps = learn(d.loc, l.Disc)
	d.job.Keep(d.caps, d.srcCaps)
	return unkept(d)
}

// unkept refuses a destination whose filesystem cannot keep what the configuration asks to
// keep, before anything is copied there.
func unkept(d *dest) error {
	lost := d.job.Unkept(d.caps)
	if len(lost) == 0 {
		return nil
	}
	what := strings.Join(lost, " and ")
	return ui.Failure(fmt.Errorf("%s %s cannot keep %s: its filesystem does not take them; nothing was copied there",
		d.loc.Role, ui.Show(d.loc.Path), what),
		fmt.Sprintf(`remove %s from "keep" in the configuration, or use a location on a filesystem that keeps them (ext4, btrfs, xfs)`, quoted(lost)))
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, " and ")
}

// learnSource learns what the source's filesystem keeps, where micsync has its directory
// there, or may make it (on a BACKUP, which micsync writes to anyway; a WORKING gets no
// directory of micsync's for a backup): a source that keeps no permissions (a BACKUP on exFAT)
// must not give its 0777 to the destination.
func (e *Env) learnSource(src locations.Location, o Options) disc.Caps {
	dir := onDisc(src)
	if dir == "" {
		return disc.Everything
	}
	if !o.DryRun && src.Role == locations.Backup && !isDir(dir) {
		if err := os.Mkdir(dir, 0o755); err != nil {
			return disc.Everything
		}
	}
	return learn(src, dir)
}

// learn learns what the filesystem of l keeps, in dir, micsync's directory there: once for a
// disc with a marker, whose id names what this machine remembers of it.
func learn(l locations.Location, dir string) disc.Caps {
	if l.MarkerID != "" && !strings.ContainsAny(l.MarkerID, `/\.`) {
		if state, err := locations.StateDir(); err == nil {
			caps, _ := disc.LearnOnce(dir, filepath.Join(state, "discs", l.MarkerID+".json"))
			return caps
		}
	}
	caps, _ := disc.Learn(dir)
	return caps
}

func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// goneError is a location whose disc is no longer the one the run planned on.
type goneError struct{ loc locations.Location }

func (g *goneError) Error() string {
	return fmt.Sprintf("the disc of %s %s went away during the run; nothing was written after that", g.loc.Role, ui.Show(g.loc.Path))
}

func (g *goneError) Unwrap() error { return disc.ErrGone }

// guard checks, before every rsync run of a destination and while it goes on, that the source's
// disc and the destination's are still the ones the run planned on.
func (h *held) guard(src locations.Location, d *dest) func() error {
	return func() error {
		for _, l := range []locations.Location{src, d.loc} {
			if id, ok := h.id[l.Path]; ok && id.Check(l.Path) != nil {
				return &goneError{loc: l}
			}
		}
		return nil
	}
}

// finish checks a destination once more after its last run and flushes what was written to
// its disc, so that the disc can be pulled out when micsync says ok. A disc that went away
// gets nothing, not even the flush.
func (e *Env) finish(h *held, src locations.Location, d *dest) error {
	if err := h.guard(src, d)(); err != nil {
		return ui.Failure(err, goneHint(d.loc))
	}
	l := h.lock[d.loc.Path]
	if l == nil || d.loc.Remote() {
		return nil
	}
	if err := disc.Flush(l.Disc); err != nil {
		return ui.Failure(err, "the copies may not be on the disc yet: do not pull it out before it is unmounted")
	}
	d.flushed = true
	return nil
}

func goneHint(l locations.Location) string {
	return "plug in or mount the disc of " + ui.Show(l.Path) + " again, then run micsync again: it copies what is missing"
}

// fits refuses a plan that the destination's disc has no room for, before anything is copied.
// It counts the files that the approved plan writes: the space each takes there (a sparse file,
// which rsync --sparse copies as one, what it takes in the source where the disc keeps holes).
func (e *Env) fits(h *held, d *dest) error {
	l := h.lock[d.loc.Path]
	if l == nil || d.loc.Remote() || d.plan == nil {
		return nil
	}
	space, err := spaceOf(l.Disc)
	if err != nil {
		return nil // a disc that cannot say has the copy itself tell
	}
	var items []rsyncplan.Item
	var whole int64
	for _, it := range d.plan.Items {
		writes := it.Class == rsyncplan.NewFile ||
			(d.approval.Overwrites(it.Name) && !it.Dir && (it.Class == rsyncplan.Modified || it.Class == rsyncplan.Replaced))
		if writes {
			items = append(items, it)
			whole += space.Takes(it.Size, -1, false)
		}
	}
	if whole <= space.Free {
		return nil
	}
	need := whole
	if !rsyncplan.IsRemote(d.job.SrcDir) {
		holes := disc.KeepsHoles(l.Disc)
		need = 0
		for _, it := range items {
			need += space.Takes(it.Size, disc.Allocated(filepath.Join(d.job.SrcDir, filepath.FromSlash(it.Name))), holes)
		}
	}
	if need <= space.Free {
		return nil
	}
	return ui.Failure(fmt.Errorf("not copied: the plan needs %s but the disc of %s %s has %s free",
		ui.HumanBytes(need), d.loc.Role, ui.Show(d.loc.Path), ui.HumanBytes(space.Free)), fullHints(d.loc)...)
}

// fullHints says how to make room on a location's disc, starting with micsync's own trash.
func fullHints(l locations.Location) []string {
	hints := []string{"free some space on the disc of " + ui.Show(l.Path) + " and run micsync again; no file was left half-written"}
	if n := trashBytes(l); n > 0 {
		hints = append(hints, fmt.Sprintf("micsync's trash there holds %s: micsync trash empty %s deletes it (micsync trash list shows it), and --no-trash keeps nothing this time",
			ui.HumanBytes(n), rsyncplan.Quote([]string{l.Path})))
	} else {
		hints = append(hints, "--no-trash keeps nothing of what is overwritten this time")
	}
	return hints
}

// trashBytes is the size of the files in a local location's trash.
func trashBytes(l locations.Location) int64 {
	if l.Remote() {
		return 0
	}
	var n int64
	filepath.WalkDir(filepath.Join(l.Path, trash.Name), func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}
