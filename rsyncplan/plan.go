package rsyncplan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"micsync/internal/disc"
)

// Job is one transfer from a source directory to a destination directory.
type Job struct {
	SrcDir string // absolute directory that holds the entries to sync
	DstDir string // absolute directory that receives them
	// Names are the entries of SrcDir to sync; nil syncs the whole SrcDir (its contents). A name
	// may be a path below SrcDir ("taxes/2024.pdf"): its missing parents are created.
	Names  []string
	Delete bool // plan deletions of what is in DstDir but not in SrcDir
	// OnlyInDst, for a job that does not delete, finds what DstDir holds below the synced
	// paths that SrcDir does not (Plan.OnlyInDst), to be told, never deleted: only the dry run
	// gets --delete, and those entries are never in the plan's items, from which execution
	// takes its lists.
	OnlyInDst bool
	Tree      bool // directories only: the skeleton, never a file
	// Exclude holds rsync patterns that no run of the job sees: what is excluded is never
	// copied, listed or deleted.
	Exclude []string
	// Filter holds rsync filter rules ("- *.tmp", "dir-merge,- .micsyncignore", "+ */") that
	// every run of the job is given after Exclude, in this order (--filter=RULE): the user's
	// patterns, where Exclude holds micsync's own.
	Filter []string
	// Trash, when set, is an absolute directory where every file that execution overwrites or
	// deletes is kept first (rsync's --backup-dir), in its place relative to DstDir.
	Trash string
	// Progress makes execution runs report their progress to Runner.Progress.
	Progress bool
	// TempDir, when set, is where rsync writes a file before it takes its name (--temp-dir): a
	// directory of this run's own on the destination's filesystem, so that what a killed run
	// leaves behind is found there and never in the tree.
	TempDir string
	// ExactTimes compares modification times to the nanosecond (--modify-window=-1): set when
	// the destination keeps the times it is given exactly, so that a file saved twice in one
	// second with the same size is seen as changed.
	ExactTimes bool
	// CoarseTimes compares them to within a second either way (--modify-window=1): set when
	// the destination keeps times in steps of two seconds (FAT).
	CoarseTimes bool
	// DstModes, when set, says that the destination keeps no permissions and shows every file
	// and directory with these modes, whatever it is given: the runs set no permissions, owners
	// or groups, and ask (--chmod) for exactly the modes it shows, so that rsync has nothing to
	// change (fusefat fails every chmod, and rsync with it).
	DstModes *Modes
	// SrcNoPerms says that the source keeps no permissions, so that the modes it shows mean
	// nothing: the runs set none at the destination either; new entries get the user's usual
	// modes (0666 for files and 0777 for directories, less the umask), existing ones keep theirs.
	SrcNoPerms bool
	// NoOwners says that one side keeps no owners and groups: the runs set none.
	NoOwners bool
	// FixTimes says that the destination loses the time rsync gives a file when rsync renames
	// it into place: execution sets the copied files' times again.
	FixTimes bool
	// HardLinks keeps the files of the source that have several names as one file with those
	// names in the destination (-H): set where the destination can make hard links. A plan then
	// keeps every name of such a file in one run (Plan.links).
	HardLinks bool
	// Xattrs and ACLs keep extended attributes (-X) and POSIX ACLs (-A): set when the
	// configuration asks for them ("keep"), and refused (Unkept) where the destination cannot
	// keep them.
	Xattrs, ACLs bool
	// Checksum compares files by content (rsync's --checksum) in the plan and in the runs
	// that copy, instead of by size and time: slow, rsync reads every file on both sides, but
	// it finds a file whose content changed while its size and time stayed the same.
	Checksum bool
	// NamesFromList gives the dry run the Names in a list (--files-from) instead of as
	// arguments, for many names of files (never directories: a listed directory is planned
	// without what it holds).
	NamesFromList bool
	// namesList is that list, while Make plans.
	namesList string
	// Checked, when set on a job planned by content, is called with the size of every file
	// that its dry runs compared, as they go, from runs that may go at the same time: rsync
	// shows no progress of its own while it reads files to compare them.
	Checked func(size int64)
}

// Unkept returns what the job keeps that a destination that keeps what dst says cannot keep,
// as the configuration names it ("xattrs", "acls"), or nil.
func (j Job) Unkept(dst disc.Caps) []string {
	var lost []string
	if j.Xattrs && !dst.Xattrs {
		lost = append(lost, "xattrs")
	}
	if j.ACLs && !dst.ACLs {
		lost = append(lost, "acls")
	}
	return lost
}

// Keep sets how the job's runs compare times and set attributes for a destination whose
// filesystem keeps what dst says, from a source whose filesystem keeps what src says: times
// are compared as finely as the coarser of the two keeps them.
func (j *Job) Keep(dst, src disc.Caps) {
	step := max(dst.TimeStep, src.TimeStep)
	j.ExactTimes = step <= time.Nanosecond
	j.CoarseTimes = step >= 2*time.Second
	j.DstModes = nil
	if !dst.Perms {
		j.DstModes = &Modes{File: dst.FileMode, Dir: dst.DirMode}
	}
	j.SrcNoPerms = !src.Perms
	j.NoOwners = !dst.Owners || !src.Owners
	j.FixTimes = !dst.RenameKeepsTimes
	j.HardLinks = dst.HardLinks
}

// Modes are the modes a filesystem that keeps no permissions shows.
type Modes struct{ File, Dir fs.FileMode }

// Class is what a planned change does to the destination.
type Class uint8

// The classes of a plan, in the order a plan shows them.
const (
	NewFile  Class = iota // a file (or device, fifo) that the destination lacks
	NewDir                // a directory that the destination lacks
	NewLink               // a symlink that the destination lacks
	Modified              // present on both sides and different: overwritten
	Replaced              // a type change (file to directory, symlink to file, ...): destroys what is there
	Deleted               // in the destination only
	Meta                  // attributes only (times, permissions, owner)
	numClasses
)

var classNames = [numClasses]string{"new files", "new directories", "new symlinks", "modified", "replaced (type changes)", "to delete", "attributes only"}

func (c Class) String() string { return classNames[c] }

// Item is one planned change.
type Item struct {
	Name   string // relative to the job's destination directory, slash-separated, no trailing slash; "." is the root
	Size   int64  // bytes that will be written (new and modified files) or removed (deleted files)
	Class  Class
	Dir    bool  // the entry is a directory (in the source; for deletions, in the destination)
	DstDir bool  // for Replaced: what the destination holds now is a directory
	Attrs  Attrs // the attributes that differ, for Modified and Meta
	// ContentOnly says, for a Modified file of a plan by content (Job.Checksum), that its size
	// and time are the same on both sides: only its content differs, which no plan by size and
	// time ever sees.
	ContentOnly bool
}

// Total is the count and size of one class of a plan.
type Total struct {
	Count int
	Bytes int64
}

// Plan is the result of a dry run: every change rsync would make.
type Plan struct {
	Job      Job
	Items    []Item
	Totals   [numClasses]Total
	Warnings []string // stdout lines of rsync that are not items
	// Held lists the directories that the source lacks but that hold entries the filter rules
	// leave out: they are kept as they are, with what they hold. Deferred lists those whose
	// ignore file the plan copies: nothing below them is deleted by this plan (deferDeletions).
	Held, Deferred []string
	// DstEntries is how many entries the destination holds below the synced path (files,
	// directories, links), from rsync's own count; -1 when rsync did not say.
	DstEntries int
	// Missing lists Names that are absent from SrcDir; with Delete they are planned deletions.
	Missing []string
	// Unreadable lists the entries of the source that rsync could not read, by name: they are
	// left out of the plan, with what they hold, and the rest is planned.
	Unreadable []Unreadable
	// DeletionsSkipped is set when the job deletes but the plan holds no deletions because of
	// Unreadable: rsync deletes nothing once it could not read an entry, so the deletions it
	// shows are only some of them, and which of the destination's entries the unreadable ones
	// hold is unknown.
	DeletionsSkipped bool
	// OnlyInDst lists, for a job that asked (Job.OnlyInDst), the entries below the synced
	// paths that only the destination holds, as Deleted items would be: nothing executes them.
	// OnlyInDstUnknown says that they could not be found: rsync looks for none once it could
	// not read an entry of the source.
	OnlyInDst        []Item
	OnlyInDstUnknown bool
	// Refused lists the entries of the source that the destination cannot hold (see Refuse):
	// they are left out of the plan, with what they hold; Kept those that the source cannot
	// hold, whose deletion or overwrite at the destination is left out (see Keep).
	Refused, Kept []Refused
	// links holds the names of each file that has several in the source, when the job keeps
	// hard links (linkGroups): the runs keep them together.
	links [][]string
}

// Empty reports whether the plan has nothing to do: it changes nothing, it could read every
// entry, and the destination can hold every entry (an entry it could not read or that the
// destination cannot hold makes the destination's result a failure).
func (p *Plan) Empty() bool {
	return len(p.Items) == 0 && len(p.Unreadable) == 0 && len(p.Refused) == 0
}

// Has reports whether the plan holds changes of class c.
func (p *Plan) Has(c Class) bool { return p.Totals[c].Count > 0 }

// Overwrites returns how many entries the plan overwrites: modified files and entries whose type changes. They need the user's approval (Approval.Overwrite).
func (p *Plan) Overwrites() int { return p.Totals[Modified].Count + p.Totals[Replaced].Count }

// sources returns the source arguments and the destination argument of a job.
// Whole-directory jobs end both roots with a slash so that rsync syncs the contents.
func (j Job) sources() (srcs []string, dst string) {
	dst = withSlash(j.DstDir)
	if j.Names == nil {
		return []string{withSlash(j.SrcDir)}, dst
	}
	for _, n := range j.Names {
		if j.relative() {
			// "/./" tells --relative where the name that reaches the destination starts.
			srcs = append(srcs, withSlash(j.SrcDir)+"./"+n)
		} else {
			srcs = append(srcs, filepath.Join(j.SrcDir, n))
		}
	}
	return srcs, dst
}

// relative reports whether a name is a path, which needs rsync's --relative.
func (j Job) relative() bool {
	for _, n := range j.Names {
		if strings.Contains(n, "/") {
			return true
		}
	}
	return false
}

func withSlash(dir string) string {
	if strings.HasSuffix(dir, "/") {
		return dir
	}
	return dir + "/"
}

// timeArgs returns how the job's runs compare modification times, and which attributes they
// set besides (-a sets them all).
func (j Job) timeArgs() []string {
	var args []string
	switch {
	case j.CoarseTimes:
		args = append(args, "--modify-window=1")
	case j.ExactTimes:
		args = append(args, "--modify-window=-1")
	}
	switch {
	case j.DstModes != nil:
		args = append(args, "--no-perms", "--no-owner", "--no-group",
			"--chmod="+chmodOf("D", j.DstModes.Dir)+","+chmodOf("F", j.DstModes.File))
	case j.SrcNoPerms:
		// --chmod sets what the source is taken to say; --no-perms then applies the umask
		// to new entries and leaves existing ones as they are.
		args = append(args, "--no-perms", "--no-owner", "--no-group", "--chmod=Dugo=rwx,Fugo=rw")
	case j.NoOwners:
		args = append(args, "--no-owner", "--no-group")
	}
	if j.HardLinks {
		args = append(args, "--hard-links")
	}
	if j.Xattrs {
		args = append(args, "--xattrs")
	}
	if j.ACLs {
		args = append(args, "--acls")
	}
	return args
}

// compareArgs returns how the job's plan and copy runs tell whether a file that both sides
// hold differs: by content with Checksum, else by rsync's quick check of size and time. The
// runs that only set times (--size-only) or never overwrite (--ignore-existing) do not
// compare and do not get it: reading every file again there would only cost.
func (j Job) compareArgs() []string {
	if j.Checksum {
		return []string{"--checksum"}
	}
	return nil
}

// chmodOf writes mode as rsync's --chmod takes it for the kind of entry (D or F) that it
// prefixes to every part: "Du=rwx,Dg=,Do=" for a directory's 0700.
func chmodOf(kind string, m fs.FileMode) string {
	var parts []string
	for i, who := range []string{"u", "g", "o"} {
		bits := (m.Perm() >> (6 - 3*i)) & 7
		p := kind + who + "="
		for j, c := range "rwx" {
			if bits&(4>>j) != 0 {
				p += string(c)
			}
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, ",")
}

// treeFilter keeps directories and nothing else.
var treeFilter = []string{"--include=*/", "--exclude=*"}

// PlanArgs returns the rsync arguments of the dry run for the job, given the names that exist in
// SrcDir (present) and those that do not (missing).
func PlanArgs(j Job, present, missing []string) []string {
	// --force lets the dry run show a directory replaced by a file instead of failing on it
	// ("could not make way"); what the directory holds is then listed as deleted.
	args := []string{"-n", "-a", "--force", "--stats", "--no-human-readable", outFormat}
	args = append(args, j.timeArgs()...)
	args = append(args, j.compareArgs()...)
	if j.Checksum && j.Checked != nil {
		args = append(args, "--info=name2") // a line for every file, changed or not
	}
	switch {
	case j.Delete:
		args = append(args, "--delete")
		if len(missing) > 0 {
			args = append(args, "--delete-missing-args")
		}
	case j.OnlyInDst:
		// A dry run deletes nothing; it lists what only the destination holds as "*deleting",
		// which Make takes out of the plan's items. It costs the receiver a look at each of the
		// destination's directories: 0.17 s became 0.22 s for 30,000 files that had not changed,
		// and listing 30,000 entries that only the destination held took 0.12 s more.
		args = append(args, "--delete")
	}
	args = append(args, j.filterArgs()...)
	if j.Tree {
		args = append(args, treeFilter...)
	}
	if j.namesList != "" {
		// --files-from implies --relative, and lists every name below the roots.
		return append(args, "--files-from="+j.namesList, "--from0", "--", withSlash(j.SrcDir), withSlash(j.DstDir))
	}
	if j.relative() {
		args = append(args, "--relative")
	}
	sub := j
	if j.Names != nil {
		sub.Names = append(append([]string{}, present...), missing...)
	}
	srcs, dst := sub.sources()
	args = append(args, "--")
	args = append(args, srcs...)
	return append(args, dst)
}

// ErrSourceMissing means that the job's source directory does not exist.
var ErrSourceMissing = errors.New("source directory does not exist")

// Make plans the job with one rsync dry run, or on this machine with several at once that each
// plan a part of it (see dryRunArgs). A dry run that fails yields no plan: its output may be
// incomplete, and a plan made from it could delete or overwrite the wrong things. The one
// failure that still yields a plan is entries that rsync could not read and skipped, and
// nothing else (Plan.Unreadable); that plan deletes nothing (Plan.DeletionsSkipped).
func Make(ctx context.Context, r *Runner, j Job) (*Plan, error) {
	src, err := r.Stat(ctx, j.SrcDir, append([]string{"."}, j.Names...))
	if err != nil {
		return nil, err
	}
	if !src["."].Dir() {
		return nil, fmt.Errorf("%s: %w", j.SrcDir, ErrSourceMissing)
	}
	p := &Plan{Job: j, DstEntries: -1}
	var present []string
	for _, n := range j.Names {
		if _, ok := src[n]; !ok {
			p.Missing = append(p.Missing, n)
		} else {
			present = append(present, n)
		}
	}
	// Without deletion a missing name has nothing to contribute, and rsync would fail on it.
	missing := p.Missing
	if !j.Delete {
		missing = nil
	}
	if j.Names != nil && len(present)+len(missing) == 0 {
		return p, nil
	}
	// The source's linked files are looked for while rsync plans, which takes longer.
	walked := make(chan struct{})
	go func() {
		defer close(walked)
		p.links = linkGroups(j, present)
	}()
	runs := dryRunArgs(j, src, present, missing)
	if j.NamesFromList && j.Names != nil {
		dir, err := TempDir("names-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		if j.namesList, err = WriteList(dir, "names.list", append(slices.Clone(present), missing...)); err != nil {
			return nil, err
		}
		runs = []planRun{{args: PlanArgs(j, present, missing)}}
	}
	parts, unread, err := dryRuns(ctx, r, j, runs)
	<-walked
	if err == nil && len(p.links) > 0 && len(runs) > 1 {
		// Dry runs of parts each saw only some names of a file, and planned the others as
		// copies of their own.
		parts, unread, err = dryRuns(ctx, r, j, []planRun{{args: PlanArgs(j, present, missing)}})
	}
	if err != nil {
		return nil, err
	}
	all := merge(parts)
	c, st := all.c, all.st
	p.Items, p.Warnings, p.Unreadable = all.items, all.warnings, unread
	if err := c.lookUp(ctx, r, p); err != nil {
		return nil, err
	}
	p.dropUnreadable()
	if err := p.dropKept(ctx, r, all.kept); err != nil {
		return nil, err
	}
	p.deferDeletions()
	switch {
	case len(unread) > 0 && j.Delete:
		p.dropDeletions()
	case len(unread) > 0 && j.OnlyInDst:
		p.dropDeletions()
		p.DeletionsSkipped, p.OnlyInDstUnknown = false, true
	}
	for _, it := range p.Items {
		p.Totals[it.Class].Count++
		p.Totals[it.Class].Bytes += it.Size
	}
	p.foldReplaced()
	if j.OnlyInDst && !j.Delete {
		p.takeOnlyInDst()
	}
	if st.files >= 0 {
		// rsync counts a type change as created, though the destination held an entry there.
		p.DstEntries = st.files - st.created + st.deleted + c.replaced
	}
	return p, nil
}

// stats reads the counts of rsync's --stats block, which follows the item lines.
type stats struct {
	in                      bool // the block has begun: its other lines are not warnings
	files, created, deleted int
	createdDirs             int   // of created, the directories
	createdLinks            int   // of created, the symlinks
	sent                    int   // regular files transferred
	sentBytes               int64 // their size
}

// add takes one stdout line and reports whether it belongs to the stats block.
func (s *stats) add(line []byte) bool {
	text := string(line)
	if strings.HasPrefix(text, "Number of files: ") {
		s.in = true
		s.files = leadingInt(strings.TrimPrefix(text, "Number of files: "))
	}
	if !s.in {
		return false
	}
	if v, ok := strings.CutPrefix(text, "Number of created files: "); ok {
		// "Number of created files: 5 (reg: 1, dir: 2, link: 1, special: 1)"
		s.created = leadingInt(v)
		_, kinds, _ := strings.Cut(strings.TrimSuffix(v, ")"), "(")
		for _, kind := range strings.Split(kinds, ", ") {
			name, n, _ := strings.Cut(kind, ": ")
			switch name {
			case "dir":
				s.createdDirs = leadingInt(n)
			case "link":
				s.createdLinks = leadingInt(n)
			}
		}
	}
	if v, ok := strings.CutPrefix(text, "Number of deleted files: "); ok {
		s.deleted = leadingInt(v)
	}
	if v, ok := strings.CutPrefix(text, "Number of regular files transferred: "); ok {
		s.sent = leadingInt(v)
	}
	if v, ok := strings.CutPrefix(text, "Total transferred file size: "); ok {
		s.sentBytes = int64(leadingInt(v))
	}
	return true
}

func leadingInt(s string) int {
	n := 0
	for i := 0; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// foldReplaced counts what a type change destroys as part of it: rsync lists the contents of a
// directory that a file replaces as deleted, even when the plan deletes nothing else.
func (p *Plan) foldReplaced() {
	if !p.Has(Replaced) {
		return
	}
	replaced := map[string]bool{}
	for _, it := range p.Items {
		if it.Class == Replaced {
			replaced[it.Name] = true
		}
	}
	for i := range p.Items {
		it := &p.Items[i]
		if it.Class == Deleted && under(it.Name, replaced) {
			p.Totals[Deleted].Count--
			p.Totals[Deleted].Bytes -= it.Size
			it.Class = Replaced
			p.Totals[Replaced].Count++
			p.Totals[Replaced].Bytes += it.Size
		}
	}
}

// takeOnlyInDst moves the deletions that a job's dry run found only to tell them out of the
// plan's items into OnlyInDst. Those under a type change stay: they go with it.
func (p *Plan) takeOnlyInDst() {
	p.Items = slices.DeleteFunc(p.Items, func(it Item) bool {
		if it.Class == Deleted {
			p.OnlyInDst = append(p.OnlyInDst, it)
			return true
		}
		return false
	})
	p.Totals[Deleted] = Total{}
}

// DeletionsOnly takes everything out of the plan but its deletions, for a run that deletes
// and does nothing else: nothing else is listed for execution. What the destination cannot
// hold is no matter then, since nothing is copied there.
func (p *Plan) DeletionsOnly() {
	p.Items = slices.DeleteFunc(p.Items, func(it Item) bool { return it.Class != Deleted })
	p.Refused = nil
	p.links = nil
	p.Totals = [numClasses]Total{}
	for _, it := range p.Items {
		p.Totals[it.Class].Count++
		p.Totals[it.Class].Bytes += it.Size
	}
}

// classifier sorts dry-run items into classes. rsync shows a type change as "new" with no line
// for what it replaces, and a deletion without its size: both are looked up in the destination
// once the dry run is over, in one go, which is one connection when it is on another host.
type classifier struct {
	lookups  []int // indices of the items to look up
	replaced int   // entries shown as new that replace another type
}

func (c *classifier) add(items *[]Item, it rawItem) {
	item := Item{Name: it.name, Dir: it.dir, Attrs: attrsOf(it.code)}
	code := it.code
	switch {
	case code[0] == '*': // "*deleting"
		item.Class = Deleted
		if !it.dir {
			c.lookups = append(c.lookups, len(*items))
		}
	case strings.HasPrefix(code[2:], "+++++++++"):
		item.Class = newClass(code[1])
		c.lookups = append(c.lookups, len(*items))
		if code[1] == 'f' && code[0] != 'h' { // a hard link ("hf") is a name, not a copy: no bytes
			item.Size = it.size
		}
	case code[0] == 'h' && (code[3] == 's' || code[4] == 't'):
		// Another name of a file that is sent ("hf.st"): what the destination holds under it
		// is overwritten by a link to that file.
		item.Class = Modified
	case code[0] == '>' || code[0] == '<' || (code[0] == 'c' && code[2] == 'c'):
		item.Class = Modified
		if code[1] == 'f' {
			item.Size = it.size
			item.ContentOnly = code[2] == 'c' && code[3] != 's' && item.Attrs&AttrTime == 0
		}
	default:
		item.Class = Meta
	}
	*items = append(*items, item)
}

// lookUp finds the destination's entries for new and deleted items. A new entry whose parent
// directory is new too has nothing in the destination to replace: a first backup of a large
// tree looks up only the top of each new tree.
func (c *classifier) lookUp(ctx context.Context, r *Runner, p *Plan) error {
	newDirs := map[string]bool{}
	for _, i := range c.lookups {
		if it := p.Items[i]; it.Class == NewDir {
			newDirs[it.Name] = true
		}
	}
	// What a job that deletes nothing would delete is only told, without sizes: only what a
	// type change destroys is looked up, once the type changes are known.
	told := p.Job.OnlyInDst && !p.Job.Delete
	var names []string
	var idx, later []int
	for _, i := range c.lookups {
		it := p.Items[i]
		switch {
		case it.Class != Deleted && newDirs[path.Dir(it.Name)]:
			continue
		case it.Class == Deleted && told:
			later = append(later, i)
			continue
		}
		names = append(names, it.Name)
		idx = append(idx, i)
	}
	if err := c.lookUpItems(ctx, r, p, names, idx); err != nil {
		return err
	}
	if len(later) == 0 || c.replaced == 0 {
		return nil
	}
	replaced := map[string]bool{}
	for _, it := range p.Items {
		if it.Class == Replaced {
			replaced[it.Name] = true
		}
	}
	names, idx = nil, nil
	for _, i := range later {
		if under(p.Items[i].Name, replaced) {
			names = append(names, p.Items[i].Name)
			idx = append(idx, i)
		}
	}
	return c.lookUpItems(ctx, r, p, names, idx)
}

// lookUpItems looks up the items at idx, named names, in the destination: a deleted file gets
// its size, and an entry shown as new that is there is a type change.
func (c *classifier) lookUpItems(ctx context.Context, r *Runner, p *Plan, names []string, idx []int) error {
	found, err := r.Stat(ctx, p.Job.DstDir, names)
	if err != nil {
		return fmt.Errorf("look up the destination: %w", err)
	}
	for _, i := range idx {
		it := &p.Items[i]
		e, ok := found[it.Name]
		switch {
		case !ok:
		case it.Class == Deleted:
			if e.Type == 'f' {
				it.Size = e.Size
			}
		default:
			it.Class = Replaced
			it.DstDir = e.Dir()
			c.replaced++
		}
	}
	return nil
}

func newClass(kind byte) Class {
	switch kind {
	case 'd':
		return NewDir
	case 'L':
		return NewLink
	}
	return NewFile
}

// under reports whether name is below (not equal to) one of the names in set.
func under(name string, set map[string]bool) bool {
	if len(set) == 0 {
		return false
	}
	for d := path.Dir(name); d != "." && d != "/"; d = path.Dir(d) {
		if set[d] {
			return true
		}
	}
	return false
}

// splitLines splits rsync's output into lines at "\n" and at "\r", which ends each progress
// update. Names cannot hold either: rsync escapes them.
func splitLines(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if i := bytes.IndexAny(data, "\r\n"); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// scanLines calls fn for each line of r. Lines may be long: names are up to 4096 bytes and
// escaping makes them up to four times longer.
func scanLines(sc *bufio.Scanner, fn func([]byte)) error {
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	sc.Split(splitLines)
	for sc.Scan() {
		fn(sc.Bytes())
	}
	return sc.Err()
}

// notEmpty starts the line of a dry run with --delete for a directory that it lists as deleted
// but that holds entries the rules leave out: rsync never deletes those, so it keeps the
// directory too (and says so in the run that deletes, with exit status 0).
const notEmpty = "cannot delete non-empty directory: "

// dropKept takes the directories that rsync keeps for what they hold out of the deletions: they
// stay, and are neither deleted nor counted. One that the source lacks is kept whole (Held): a run can delete entries only in a directory that the source holds (rsync ends with
// exit status 24 otherwise, the parent having "vanished").
func (p *Plan) dropKept(ctx context.Context, r *Runner, kept []string) error {
	if len(kept) == 0 {
		return nil
	}
	there, err := r.Stat(ctx, p.Job.SrcDir, kept)
	if err != nil {
		return fmt.Errorf("look up the source: %w", err)
	}
	keep := make(map[string]bool, len(kept))
	whole := map[string]bool{}
	for _, k := range kept {
		keep[k] = true
		if _, ok := there[k]; !ok {
			whole[k] = true
		}
	}
	items := p.Items[:0]
	for _, it := range p.Items {
		if it.Class == Deleted && (keep[it.Name] || under(it.Name, whole)) {
			continue
		}
		items = append(items, it)
	}
	p.Items = items
	for _, k := range kept {
		if whole[k] && !under(k, whole) {
			p.Held = append(p.Held, k)
		}
	}
	return nil
}

// deferDeletions leaves out the deletions below a directory whose ignore file the plan copies
// (new or changed): rsync decides what the destination keeps by the ignore files the
// destination holds, and a dry run copies none. What the new rules leave out is then kept,
// and the next plan, with the ignore file in place, deletes the rest.
func (p *Plan) deferDeletions() {
	names := map[string]bool{}
	for _, f := range p.Job.Filter {
		if _, name, ok := dirMerge(f); ok {
			names[name] = true
		}
	}
	if len(names) == 0 || !p.Job.Delete {
		return
	}
	changed := map[string]bool{}
	for _, it := range p.Items {
		if (it.Class == NewFile || it.Class == Modified || it.Class == Replaced) && names[path.Base(it.Name)] {
			changed[path.Dir(it.Name)] = true
		}
	}
	if len(changed) == 0 {
		return
	}
	deferred := map[string]bool{}
	items := p.Items[:0]
	for _, it := range p.Items {
		if it.Class == Deleted && (changed["."] || under(it.Name, changed)) {
			d := path.Dir(it.Name)
			for d != "." && !changed[d] {
				d = path.Dir(d)
			}
			deferred[d] = true
			continue
		}
		items = append(items, it)
	}
	p.Items = items
	p.Deferred = slices.Sorted(maps.Keys(deferred))
}
