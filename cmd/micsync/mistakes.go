package main

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/alecthomas/kong"

	"micsync/internal/spell"
	"micsync/internal/ui"
	"micsync/rsyncplan"
)

// parseError is the usage error of a command line that kong refused, said plainly for the
// mistakes people make: a deletion asked of a backup, a misspelt option, an option of another
// command, and a path that starts with - taken for options. typed is the command line as it was
// typed, before the original form was rewritten.
func parseError(err error, typed []string, app *kong.Application) error {
	var selected *kong.Node
	var inContext []*kong.Flag
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil {
		selected = pe.Context.Selected()
		inContext = pe.Context.Flags()
	}
	help := "run micsync --help for the actions and their options"
	if selected != nil {
		help = "run micsync help " + selected.Path() + " for its options"
	}
	rest, ok := strings.CutPrefix(err.Error(), "unknown flag ")
	if !ok {
		return ui.Usage(err, help)
	}
	flag, _, _ := strings.Cut(rest, ",") // kong's own suggestions follow
	if selected != nil && selected.Name == "backup" && selected.Parent.Type == kong.ApplicationNode &&
		slices.Contains([]string{"-d", "-D", "--delete", "--delete-without-asking"}, flag) {
		return ui.Usage(fmt.Errorf("--backup never deletes: %s is an option of --work and --transfer", flag),
			"to delete from the BACKUPs what WORKING does not hold (old names): micsync prune PATH",
			"to delete from a WORKING what its BACKUP does not hold: micsync --work -d PATH")
	}
	if selected != nil && selected.Name == "tree" && selected.Parent.Type == kong.ApplicationNode &&
		slices.Contains([]string{"-c", "--checksum"}, flag) {
		return ui.Usage(fmt.Errorf("--tree copies no files, so it has none to compare by content: %s is an option of --backup, --work and --transfer", flag),
			"to bring files back compared by content: micsync --work -c PATH")
	}
	if !strings.HasPrefix(flag, "--") {
		return shortFlagError(flag, typed, selected, inContext, help)
	}
	var names []string // the long options valid here
	for _, f := range inContext {
		if !f.Hidden {
			names = append(names, "--"+f.Name)
		}
	}
	if selected == nil {
		for _, c := range app.Children {
			if _, ok := actionFlags["--"+c.Name]; ok {
				names = append(names, "--"+c.Name)
			}
		}
	}
	var hints []string
	if path := pathArg(typed, flag); path != "" {
		hints = append(hints, dashDashHint(typed, path))
	}
	if near := closest(flag, names); len(near) > 0 {
		return ui.Usage(fmt.Errorf("unknown flag %s: did you mean %s?", flag, ui.Join(near, "or")), append(hints, help)...)
	}
	// An option of other commands, or close to one.
	owners := flagOwners(app)
	var others []string
	for n := range owners {
		others = append(others, n)
	}
	slices.Sort(others)
	if near := closest(flag, others); len(near) == 1 {
		where := near[0] + " is an option of " + strings.Join(owners[near[0]], ", ")
		if selected != nil {
			where += "; not of " + selected.Path()
		}
		msg := fmt.Errorf("unknown flag %s: did you mean %s?", flag, near[0])
		if near[0] == flag {
			msg = fmt.Errorf("unknown flag %s", flag)
		}
		return ui.Usage(msg, append(hints, where, help)...)
	}
	return ui.Usage(fmt.Errorf("unknown flag %s", flag), append(hints, help)...)
}

// shortFlagError is the usage error of an unknown short option such as -w: most often a path
// that starts with -, as in micsync --backup -weird.txt.
func shortFlagError(flag string, typed []string, selected *kong.Node, inContext []*kong.Flag, help string) error {
	letter := strings.TrimPrefix(flag, "-")
	cluster := ""
	for _, a := range typed {
		if a == "--" {
			break
		}
		if len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.Contains(a[1:], letter) {
			cluster = a
			break
		}
	}
	for _, f := range inContext {
		if cluster != "" && !f.Hidden && cluster == "-"+f.Name { // -dry-run for --dry-run
			return ui.Usage(fmt.Errorf("unknown flag %s: did you mean --%s?", cluster, f.Name), help)
		}
	}
	if cluster == "" || cluster == flag {
		if cluster != "" {
			return ui.Usage(fmt.Errorf("unknown flag %s", flag), dashDashHint(typed, cluster), help)
		}
		return ui.Usage(fmt.Errorf("unknown flag %s", flag), help)
	}
	return ui.Usage(fmt.Errorf("unknown flag %s in %s", flag, ui.Show(cluster)), dashDashHint(typed, cluster), help)
}

// dashDashHint says how to name a path that starts with -: after --, which ends the options.
func dashDashHint(typed []string, path string) string {
	const rule = "a path that starts with - is taken for options: put -- before the paths"
	i := slices.Index(typed, path)
	for _, a := range typed[i+1:] {
		if strings.HasPrefix(a, "-") {
			return rule + ", after every option" // the line cannot simply be shown with -- in it
		}
	}
	line := append(slices.Clone(typed[:i]), "--")
	line = append(line, typed[i:]...)
	return rule + ": micsync " + rsyncplan.Quote(line)
}

// pathArg returns the argument of typed that kong took for the long option flag when a file of
// that name exists here: micsync --backup --notes.txt.
func pathArg(typed []string, flag string) string {
	for _, a := range typed {
		if a == "--" {
			break
		}
		if a == flag || strings.HasPrefix(a, flag+"=") {
			if _, err := os.Lstat(a); err == nil {
				return a
			}
			return ""
		}
	}
	return ""
}

// flagOwners maps every visible long option of a command to the commands that have it, in the
// grammar's order; the global options are valid everywhere, and not in it.
func flagOwners(app *kong.Application) map[string][]string {
	owners := map[string][]string{}
	var walk func(n *kong.Node)
	walk = func(n *kong.Node) {
		for _, c := range n.Children {
			if c.Hidden || c.Type != kong.CommandNode {
				continue
			}
			for _, f := range c.Flags {
				if !f.Hidden {
					owners["--"+f.Name] = append(owners["--"+f.Name], c.Path())
				}
			}
			walk(c)
		}
	}
	walk(app.Node)
	return owners
}

// closest returns the names that flag is a misspelling of: flag itself when it is one of them,
// else those that it begins (--dele for --delete), else those at the fewest edits from it, at
// most 2 and at most half its letters.
func closest(flag string, names []string) []string {
	if slices.Contains(names, flag) {
		return []string{flag}
	}
	var near []string
	for _, n := range names {
		if len(flag) > len("--x") && strings.HasPrefix(n, flag) && !slices.Contains(near, n) {
			near = append(near, n)
		}
	}
	if len(near) > 0 {
		return near
	}
	// Farther than 2 edits is no misspelling, and so is changing half of a short name.
	best := min(2, len(strings.TrimLeft(flag, "-"))/2) + 1
	for _, n := range names {
		d := spell.Distance(flag, n)
		if d < best {
			near, best = nil, d
		}
		if d == best && !slices.Contains(near, n) {
			near = append(near, n)
		}
	}
	return near
}
