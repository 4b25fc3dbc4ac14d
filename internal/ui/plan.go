package ui

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"micsync/rsyncplan"
)

// listLines is how many entries of each list a plan shows without --full.
const listLines = 20

// classOrder is the order in which a plan shows its classes: what needs a decision first.
var classOrder = []rsyncplan.Class{rsyncplan.Modified, rsyncplan.Replaced, rsyncplan.Deleted,
	rsyncplan.NewFile, rsyncplan.NewLink, rsyncplan.NewDir, rsyncplan.Meta}

var classMark = map[rsyncplan.Class]string{rsyncplan.NewFile: "+", rsyncplan.NewDir: "+", rsyncplan.NewLink: "+",
	rsyncplan.Modified: "~", rsyncplan.Replaced: "!", rsyncplan.Deleted: "-", rsyncplan.Meta: "."}

// Lists says how much of a plan's lists to show.
type Lists struct {
	Full     bool // every entry, not the first listLines of each class (--full)
	HideDirs bool // no directory-only changes (-s)
}

// Plan prints one destination's plan: where it goes (role and directory), the totals of each
// class, then the lists.
func (o *Output) Plan(role, dir string, p *rsyncplan.Plan, l Lists) {
	o.Plans([]Listed{{Role: role, Dir: dir, Plan: p}}, l)
}

// Plans prints the plan that every destination of group has (see Alike) once, headed with all
// of them.
func (o *Output) Plans(group []Listed, l Lists) {
	if len(group) == 0 {
		return
	}
	dests := make([]string, len(group))
	for i, d := range group {
		dests[i] = Show(d.Dir)
		if i == 0 || d.Role != group[i-1].Role {
			dests[i] = d.Role + " " + dests[i]
		}
	}
	var to strings.Builder
	to.WriteString(Join(dests, "and"))
	switch len(group) {
	case 1:
	case 2:
		to.WriteString(" (the same plan for both)")
	default:
		fmt.Fprintf(&to, " (the same plan for all %d)", len(group))
	}
	o.Printf("\nto %s\n", to.String())
	o.planBody(group[0].Plan, l)
	o.onlyInDst(group, l)
}

// onlyInDst tells, below a backup's plan, what only the destination holds below the synced
// paths: a backup never deletes it, and micsync prune does, into the trash. Without --full it
// gives the count only.
func (o *Output) onlyInDst(group []Listed, l Lists) {
	p := group[0].Plan
	where := "in " + group[0].Role + " " + Show(group[0].Dir)
	if len(group) > 1 {
		where = "in each " + group[0].Role
	}
	line := onlyInDstLine(p, where)
	switch {
	case line == "":
	case p.OnlyInDstUnknown:
		o.Printf("  %s\n", line)
	case !l.Full:
		o.Printf("  %s; --full lists them)\n", line)
	default:
		o.Printf("  %s):\n", line)
		for _, it := range sortedItems(p.OnlyInDst) {
			o.Printf("    %s\n", itemName(it))
		}
	}
}

// onlyInDstLine says how many entries only the destination holds (where: "in BACKUP ...") and
// what would delete them, leaving the parenthesis open for what follows; or that they were
// not looked for; "" when there are none.
func onlyInDstLine(p *rsyncplan.Plan, where string) string {
	if p.OnlyInDstUnknown {
		return fmt.Sprintf("not looked for what is only %s: rsync looks for none when it cannot read all of the source", where)
	}
	n := len(p.OnlyInDst)
	if n == 0 {
		return ""
	}
	is := "are"
	if n == 1 {
		is = "is"
	}
	return fmt.Sprintf("%s %s only %s (not deleted; %s moves them to its trash", Count(n, "entry", "entries"), is, where, PruneCommand(p.Job))
}

// PruneCommand is the command line of micsync prune for the paths a job syncs, quoted for a
// shell.
func PruneCommand(j rsyncplan.Job) string {
	paths := []string{j.SrcDir}
	if j.Names != nil {
		paths = paths[:0]
		for _, n := range j.Names {
			paths = append(paths, filepath.Join(j.SrcDir, n))
		}
	}
	return rsyncplan.Quote(append([]string{"micsync", "prune"}, paths...))
}

// Alike groups the destinations whose plans are the same, entry for entry, so that Plans shows
// them once: the groups are in the order of their first destination, and a destination
// without a plan is in none.
func Alike(ps []Listed) [][]Listed {
	var groups [][]Listed
	var sorted [][]rsyncplan.Item
next:
	for _, d := range ps {
		if d.Plan == nil {
			continue
		}
		items := sortedItems(d.Plan.Items)
		for i, g := range groups {
			if samePlan(g[0].Plan, d.Plan) && slices.Equal(sorted[i], items) {
				groups[i] = append(g, d)
				continue next
			}
		}
		groups = append(groups, []Listed{d})
		sorted = append(sorted, items)
	}
	return groups
}

// samePlan reports whether two plans show the same apart from their items.
func samePlan(a, b *rsyncplan.Plan) bool {
	return a.Job.Delete == b.Job.Delete && a.DeletionsSkipped == b.DeletionsSkipped && a.OnlyInDstUnknown == b.OnlyInDstUnknown &&
		slices.Equal(sortedItems(a.OnlyInDst), sortedItems(b.OnlyInDst)) &&
		slices.Equal(a.Missing, b.Missing) && slices.Equal(a.Warnings, b.Warnings) && slices.Equal(a.Held, b.Held) && slices.Equal(a.Deferred, b.Deferred) && slices.Equal(a.Unreadable, b.Unreadable) &&
		slices.Equal(a.Refused, b.Refused) && slices.Equal(a.Kept, b.Kept)
}

// planBody prints what a plan changes: the totals of each class, then the lists.
func (o *Output) planBody(p *rsyncplan.Plan, l Lists) {
	for _, n := range p.Missing {
		if !p.Job.Delete {
			o.Printf("  %s is not in the source: nothing to copy for it\n", Show(n))
		}
	}
	for _, w := range p.Warnings {
		o.Printf("  rsync: %s\n", OneLine(w))
	}
	for _, d := range p.Held {
		o.Printf("  %s is not in the source but holds entries that the rules leave out: it is kept as it is\n", Show(d))
	}
	for _, d := range p.Deferred {
		if d == "." {
			d = "the top"
		} else {
			d = Show(d)
		}
		o.Printf("  nothing below %s is deleted in this run: its ignore file is new or changed; the next run deletes what the file does not leave out\n", d)
	}
	if n := len(p.Unreadable); n > 0 {
		o.Printf("  could not read %s, which rsync leaves out:\n", Count(n, "entry", "entries"))
		for i, u := range p.Unreadable {
			if !l.Full && i == listLines {
				o.Printf("    ... and %d more (--full lists them all)\n", n-i)
				break
			}
			o.Printf("    ? %s: %s\n", Show(u.Name), OneLine(u.Reason))
		}
	}
	o.refusedLists(p, l)
	if p.DeletionsSkipped {
		o.Printf("  no deletions planned: rsync deletes nothing when it cannot read all of the source\n")
	}
	if p.Empty() {
		o.Printf("  nothing to do: up to date\n")
		return
	}
	for _, c := range classOrder {
		t := p.Totals[c]
		if t.Count == 0 {
			continue
		}
		size := ""
		if t.Bytes > 0 {
			size = HumanBytes(t.Bytes)
		}
		o.Printf("  %-24s %7d %10s\n", c.String(), t.Count, size)
	}
	items := sortedItems(p.Items)
	for _, c := range classOrder {
		if p.Totals[c].Count == 0 || (l.HideDirs && dirOnly(c)) {
			continue
		}
		shown, hidden := 0, 0
		for _, it := range items {
			if it.Class != c || (l.HideDirs && it.Dir && c == rsyncplan.Meta) {
				continue
			}
			if !l.Full && shown == listLines {
				hidden++
				continue
			}
			if shown == 0 {
				o.Printf("  %s:\n", c)
			}
			shown++
			o.Printf("    %s\n", o.paint(classMark[c], classMark[c]+" "+itemName(it)))
		}
		if hidden > 0 {
			o.Printf("    ... and %d more (--full lists them all)\n", hidden)
		}
	}
}

// itemName is how a plan's list shows an entry: its name, a slash for a directory, and for a
// change of attributes only which of them change.
func itemName(it rsyncplan.Item) string {
	name := Show(it.Name)
	if it.Dir {
		name += "/"
	}
	if w := attrWords(it.Attrs); w != "" && it.Class == rsyncplan.Meta {
		name += " (" + w + ")"
	}
	return name
}

// dirOnly reports whether -s hides the whole class: new directories never need a decision.
func dirOnly(c rsyncplan.Class) bool { return c == rsyncplan.NewDir }

// Listed is one destination's plan for a list file.
type Listed struct {
	Role, Dir string
	Plan      *rsyncplan.Plan // nil: not planned, not listed
}

// WriteLists writes every entry of every plan to path, one a line, as Plan shows them.
func WriteLists(path string, plans []Listed) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("list file: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, l := range plans {
		if l.Plan == nil {
			continue
		}
		fmt.Fprintf(w, "# to %s %s\n", l.Role, Show(l.Dir))
		items := sortedItems(l.Plan.Items)
		for _, c := range classOrder {
			for _, it := range items {
				if it.Class == c {
					fmt.Fprintf(w, "%s %s\n", classMark[c], itemName(it))
				}
			}
		}
		// What only the destination holds, as the plan on screen tells it with --full; no
		// mark, since nothing is done to it.
		switch line := onlyInDstLine(l.Plan, "in "+l.Role+" "+Show(l.Dir)); {
		case line == "":
		case l.Plan.OnlyInDstUnknown:
			fmt.Fprintf(w, "# %s\n", line)
		default:
			fmt.Fprintf(w, "# %s):\n", line)
			for _, it := range sortedItems(l.Plan.OnlyInDst) {
				fmt.Fprintf(w, "  %s\n", itemName(it))
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("list file: %w", err)
	}
	return f.Close()
}

// Outcome is what happened at one destination, for the summary.
type Outcome struct {
	Dir      string          // the destination directory
	Plan     *rsyncplan.Plan // nil when planning failed
	Approval rsyncplan.Approval
	Done     rsyncplan.Done
	Err      error
	Ran      bool   // its execution started
	Flushed  bool   // what was written is on the device: an ok line says so
	Skipped  string // why the user's answer left the destination as it was; "" when it was not
}

// Result is how one destination's run ended, in the words of the summary's first column
// and of --json.
type Result string

// The results of a destination.
const (
	ResultOK      Result = "ok"      // done, or up to date
	ResultFailed  Result = "failed"  // not planned, or not everything was done
	ResultSkipped Result = "skipped" // the user's answers left it as it was
	ResultStopped Result = "stopped" // interrupted, or not started
)

// Result says how the destination's run ended.
func (d Outcome) Result() Result {
	switch {
	case d.Skipped != "":
		return ResultSkipped
	case d.Err != nil && Interrupted(d.Err):
		return ResultStopped
	case d.Err != nil:
		return ResultFailed
	case d.Plan.Empty():
		return ResultOK
	case !d.Ran:
		return ResultStopped
	}
	return ResultOK
}

// Summary says, after execution, what happened at each destination.
func (o *Output) Summary(outcomes []Outcome) {
	o.Printf("\n")
	for _, d := range outcomes {
		dir := Show(d.Dir)
		flushed := ""
		if d.Flushed {
			flushed = ", flushed to the disc"
		}
		var incomplete error // what the runs left out, when they went to their end
		var io *rsyncplan.IncompleteError
		var lo *LeftOutError
		switch {
		case errors.As(d.Err, &lo):
			incomplete = lo
		case errors.As(d.Err, &io):
			incomplete = io
		}
		switch r := d.Result(); {
		case r == ResultSkipped:
			o.Printf("SKIPPED %s: %s\n", dir, d.Skipped)
		case r == ResultStopped && d.Err != nil:
			// rsync names a file when it starts copying it, so an unfinished run's counts prove nothing.
			o.Printf("STOPPED %s: interrupted; run the same command again to finish\n", dir)
		case r == ResultStopped:
			o.Printf("STOPPED %s: not started\n", dir)
		case d.Ran && incomplete != nil:
			// Every run went to its end, so that the counts are what was done.
			if done := doneText(d); done != "" {
				o.Printf("FAILED  %s: %s; %s\n", dir, incomplete, done)
			} else {
				o.Printf("FAILED  %s: %s\n", dir, incomplete)
			}
		case r == ResultFailed && d.Ran:
			o.Printf("FAILED  %s: %s\n", dir, OneLine(d.Err.Error()))
		case r == ResultFailed:
			o.Printf("FAILED  %s: not planned\n", dir)
		case d.Plan.Empty():
			o.Printf("ok      %s: up to date%s\n", dir, flushed)
		default:
			done := doneText(d)
			if done == "" {
				done = "attributes updated"
			}
			o.Printf("ok      %s: %s%s\n", dir, done, flushed)
		}
		for _, k := range d.Done.Kept {
			o.Printf("        kept %s/: it changed after planning; run micsync again to review it\n", Show(k))
		}
		for _, u := range d.Done.Unreadable {
			o.Printf("        could not read %s: %s\n", Show(u.Name), OneLine(u.Reason))
		}
		for _, c := range d.Done.Changed {
			o.Printf("        changed during the copy: %s\n", Show(c))
		}
		for _, w := range d.Done.Warnings {
			o.Printf("        rsync: %s\n", OneLine(w))
		}
	}
}

// doneText says what a destination's runs did; "" when they changed attributes only.
func doneText(d Outcome) string {
	var parts []string
	n := d.Done
	if n.Files > 0 {
		parts = append(parts, fmt.Sprintf("%s copied (%s)", Count(n.Files, "file", "files"), HumanBytes(n.Bytes)))
	}
	if n.Dirs > 0 {
		parts = append(parts, Count(n.Dirs, "directory", "directories")+" created")
	}
	if n.Links > 0 {
		parts = append(parts, Count(n.Links, "symlink", "symlinks")+" written")
	}
	if n.Deleted > 0 {
		parts = append(parts, Count(n.Deleted, "entry", "entries")+" deleted")
	}
	a := d.Approval
	if !a.Overwrite && d.Plan.Overwrites() > 0 {
		parts = append(parts, "modified entries left as they were")
	}
	if !a.Delete && d.Plan.Has(rsyncplan.Deleted) {
		parts = append(parts, "nothing deleted")
	}
	var kept, stay int // entries left out when the user picked them
	for _, it := range d.Plan.Items {
		switch {
		case (it.Class == rsyncplan.Modified || it.Class == rsyncplan.Replaced) && a.Overwrite && !a.Overwrites(it.Name):
			kept++
		case it.Class == rsyncplan.Deleted && a.Delete && !a.Deletes(it.Name):
			stay++
		}
	}
	if kept > 0 {
		parts = append(parts, Count(kept, "modified entry", "modified entries")+" not overwritten, as picked")
	}
	if stay > 0 {
		parts = append(parts, Count(stay, "entry", "entries")+" not deleted, as picked")
	}
	if k := len(d.Plan.Kept); k > 0 {
		parts = append(parts, Count(k, "entry", "entries")+" the source cannot hold left as they were")
	}
	return strings.Join(parts, ", ")
}
