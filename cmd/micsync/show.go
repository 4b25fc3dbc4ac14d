package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"micsync/rsyncplan"
)

// listLines is how many entries of each list a plan shows without --full.
const listLines = 20

// classOrder is the order in which a plan shows its classes: what needs a decision first.
var classOrder = []rsyncplan.Class{rsyncplan.Modified, rsyncplan.Replaced, rsyncplan.Deleted,
	rsyncplan.NewFile, rsyncplan.NewLink, rsyncplan.NewDir, rsyncplan.Meta}

var classMark = map[rsyncplan.Class]string{rsyncplan.NewFile: "+", rsyncplan.NewDir: "+", rsyncplan.NewLink: "+",
	rsyncplan.Modified: "~", rsyncplan.Replaced: "!", rsyncplan.Deleted: "-", rsyncplan.Meta: "."}

// showPlan prints one destination's plan: the totals of each class, then the lists.
func (a *app) showPlan(d *dest, o options) {
	p := d.plan
	fmt.Fprintf(a.stdout, "\nto %s %s\n", d.loc.Role, show(d.job.DstDir))
	for _, n := range p.Missing {
		if !d.job.Delete {
			fmt.Fprintf(a.stdout, "  %s is not in the source: nothing to copy for it\n", show(n))
		}
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(a.stdout, "  rsync: %s\n", oneLine(w))
	}
	if p.Empty() {
		fmt.Fprintln(a.stdout, "  nothing to do: up to date")
		return
	}
	for _, c := range classOrder {
		t := p.Totals[c]
		if t.Count == 0 {
			continue
		}
		size := ""
		if t.Bytes > 0 {
			size = humanBytes(t.Bytes)
		}
		fmt.Fprintf(a.stdout, "  %-24s %7d %10s\n", c.String(), t.Count, size)
	}
	for _, c := range classOrder {
		if p.Totals[c].Count == 0 || (o.HideDirs && dirOnly(c)) {
			continue
		}
		shown, hidden := 0, 0
		for _, it := range p.Items {
			if it.Class != c || (o.HideDirs && it.Dir && c == rsyncplan.Meta) {
				continue
			}
			if !o.Full && shown == listLines {
				hidden++
				continue
			}
			if shown == 0 {
				fmt.Fprintf(a.stdout, "  %s:\n", c)
			}
			shown++
			name := show(it.Name)
			if it.Dir {
				name += "/"
			}
			fmt.Fprintf(a.stdout, "    %s\n", a.paint(classMark[c], classMark[c]+" "+name))
		}
		if hidden > 0 {
			fmt.Fprintf(a.stdout, "    ... and %d more (--full lists them all)\n", hidden)
		}
	}
}

// writeLists writes every entry of every plan to path, one a line, as showPlan shows them.
func writeLists(path string, dests []*dest) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("list file: %w", err)
	}
	w := bufio.NewWriter(f)
	for _, d := range dests {
		if d.plan == nil {
			continue
		}
		fmt.Fprintf(w, "# to %s %s\n", d.loc.Role, show(d.job.DstDir))
		for _, c := range classOrder {
			for _, it := range d.plan.Items {
				if it.Class != c {
					continue
				}
				name := show(it.Name)
				if it.Dir {
					name += "/"
				}
				fmt.Fprintf(w, "%s %s\n", classMark[c], name)
			}
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("list file: %w", err)
	}
	return f.Close()
}

// dirOnly reports whether -s hides the whole class: new directories never need a decision.
func dirOnly(c rsyncplan.Class) bool { return c == rsyncplan.NewDir }

// summary says, after execution, what happened at each destination.
func (a *app) summary(dests []*dest) {
	fmt.Fprintln(a.stdout)
	for _, d := range dests {
		switch {
		case errors.Is(d.err, errInterrupted):
			// rsync names a file when it starts copying it, so an unfinished run's counts prove nothing.
			fmt.Fprintf(a.stdout, "STOPPED %s: interrupted; run the same command again to finish\n", show(d.job.DstDir))
		case d.err != nil && d.ran:
			fmt.Fprintf(a.stdout, "FAILED  %s: %s\n", show(d.job.DstDir), oneLine(d.err.Error()))
		case d.err != nil:
			fmt.Fprintf(a.stdout, "FAILED  %s: not planned\n", show(d.job.DstDir))
		case d.plan.Empty():
			fmt.Fprintf(a.stdout, "ok      %s: up to date\n", show(d.job.DstDir))
		case !d.ran:
			fmt.Fprintf(a.stdout, "STOPPED %s: not started\n", show(d.job.DstDir))
		default:
			fmt.Fprintf(a.stdout, "ok      %s: %s\n", show(d.job.DstDir), doneText(d))
		}
		for _, k := range d.done.Kept {
			fmt.Fprintf(a.stdout, "        kept %s/: it changed after planning; run micsync again to review it\n", show(k))
		}
		for _, w := range d.done.Warnings {
			fmt.Fprintf(a.stdout, "        rsync: %s\n", oneLine(w))
		}
	}
}

func doneText(d *dest) string {
	var parts []string
	n := d.done
	if n.Files > 0 {
		parts = append(parts, fmt.Sprintf("%s copied (%s)", count(n.Files, "file", "files"), humanBytes(n.Bytes)))
	}
	if n.Dirs > 0 {
		parts = append(parts, count(n.Dirs, "directory", "directories")+" created")
	}
	if n.Links > 0 {
		parts = append(parts, count(n.Links, "symlink", "symlinks")+" written")
	}
	if n.Deleted > 0 {
		parts = append(parts, count(n.Deleted, "entry", "entries")+" deleted")
	}
	p := d.plan
	if !d.approval.Overwrite && p.Totals[rsyncplan.Modified].Count+p.Totals[rsyncplan.Replaced].Count > 0 {
		parts = append(parts, "modified entries left as they were")
	}
	if !d.approval.Delete && p.Has(rsyncplan.Deleted) {
		parts = append(parts, "nothing deleted")
	}
	if len(parts) == 0 {
		return "attributes updated"
	}
	return strings.Join(parts, ", ")
}

func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// humanBytes formats a size with SI units, as file managers do.
func humanBytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	for _, u := range []string{"kB", "MB", "GB", "TB"} {
		f /= 1000
		if f < 1000 {
			return fmt.Sprintf("%.1f %s", f, u)
		}
	}
	return fmt.Sprintf("%.1f PB", f/1000)
}

// show returns a name as the user sees it: as it is when it is plain printable text, else
// quoted with Go escapes so that newlines, control characters and bytes that are not UTF-8
// cannot be mistaken for something else.
func show(name string) string {
	if name == "" || !utf8.ValidString(name) || strings.ContainsAny(name, "\\\"") ||
		strings.TrimSpace(name) != name {
		return strconv.Quote(name)
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return strconv.Quote(name)
		}
	}
	return name
}
