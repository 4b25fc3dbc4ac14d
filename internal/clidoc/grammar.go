// Package clidoc is the model of micsync's command line read from kong's grammar, and the
// completion scripts and manual page made from it.
package clidoc

import (
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// Grammar is what the completion scripts and the manual page need of micsync's command line.
type Grammar struct {
	Global   []Flag    // the flags of every command
	Commands []Command // the visible commands, each before its subcommands, in the grammar's order
}

// Command is one visible command.
type Command struct {
	Path   string // the words that name it: "backup", "trash list"
	Name   string // its last word
	Parent string // the Path of its parent, "" for a top-level command
	Help   string
	Flags  []Flag // its own flags
	Args   []Arg  // its positional arguments; none when it has subcommands
	Leaf   bool   // it has no subcommands
	Action bool   // the original form names it as a flag too: --backup
}

// Arg is one positional argument.
type Arg struct {
	Name     string
	Help     string
	Kind     string // what it is: "file", "root", "stamp" (a trash run) or "text"
	Optional bool
	Repeat   bool
}

// Flag is one flag.
type Flag struct {
	Long        string
	Short       string // "" when none
	Help        string
	Placeholder string
	Value       string // what it takes: "" (no value), "file", "configuration", "root" or "text"
	Repeat      bool
	Env         string
	Excludes    []string // its own long name and those of the flags it cannot be used with
}

// Read reads the grammar from kong's model of the command line. actions holds the names of the
// top-level commands that the original form names as flags too ("backup" for --backup): kong
// does not know that form, which is rewritten before kong parses.
func Read(app *kong.Application, actions map[string]bool) Grammar {
	g := Grammar{Global: flags(app.Flags)}
	var walk func(n *kong.Node, parent string)
	walk = func(n *kong.Node, parent string) {
		for _, c := range n.Children {
			if c.Hidden || c.Type != kong.CommandNode {
				continue
			}
			path := strings.TrimSpace(parent + " " + c.Name)
			ci := Command{Path: path, Name: c.Name, Parent: parent, Help: c.Help, Flags: flags(c.Flags),
				Leaf: c.Leaf(), Action: actions[c.Name] && parent == ""}
			for _, p := range c.Positional {
				ci.Args = append(ci.Args, Arg{Name: p.Name, Help: p.Help, Kind: argKind(p),
					Optional: !p.Required, Repeat: p.IsCumulative()})
			}
			g.Commands = append(g.Commands, ci)
			walk(c, path)
		}
	}
	walk(app.Node, "")
	return g
}

func flags(fs []*kong.Flag) []Flag {
	var out []Flag
	for _, f := range fs {
		if f.Hidden {
			continue
		}
		fi := Flag{Long: f.Name, Help: f.Help, Placeholder: f.PlaceHolder, Value: valueKind(f),
			Repeat: f.IsSlice() && !f.IsBool()}
		if fi.Placeholder == "" && fi.Value != "" {
			fi.Placeholder = strings.ToUpper(f.Name)
		}
		if f.Short != 0 {
			fi.Short = string(f.Short)
		}
		if len(f.Envs) > 0 {
			fi.Env = f.Envs[0]
		}
		for _, o := range fs {
			if o == f || sharesXor(o, f) {
				fi.Excludes = append(fi.Excludes, o.Name)
			}
		}
		out = append(out, fi)
	}
	return out
}

func sharesXor(a, b *kong.Flag) bool {
	for _, x := range a.Xor {
		if slices.Contains(b.Xor, x) {
			return true
		}
	}
	return false
}

// valueKind says what a flag's value is, for completing it.
func valueKind(f *kong.Flag) string {
	switch {
	case f.IsBool() || f.IsCounter():
		return ""
	case f.Name == "configuration":
		return "configuration"
	case f.PlaceHolder == "ROOT":
		return "root"
	case f.PlaceHolder == "PATH" || f.PlaceHolder == "FILE" || f.PlaceHolder == "DIR":
		return "file"
	}
	return "text"
}

// argKind says what a positional argument is, for completing it.
func argKind(p *kong.Positional) string {
	switch {
	case p.Tag.PlaceHolder == "ROOT":
		return "root"
	case p.Tag.PlaceHolder == "STAMP":
		return "stamp"
	case p.Name == "path" || p.Tag.PlaceHolder == "PATH" || p.Tag.PlaceHolder == "FILE",
		strings.HasSuffix(p.Tag.PlaceHolder, "|PATH"): // a word of its own, or a path
		return "file"
	}
	return "text"
}

// Actions returns the names of the commands that the original form names as flags (--backup).
func (g Grammar) Actions() []string {
	var out []string
	for _, c := range g.Commands {
		if c.Action {
			out = append(out, c.Name)
		}
	}
	return out
}

// Paths returns the paths of every command.
func (g Grammar) Paths() []string {
	var out []string
	for _, c := range g.Commands {
		out = append(out, c.Path)
	}
	return out
}

// Parents returns "" (the top level) and the paths of the commands that have subcommands.
func (g Grammar) Parents() []string {
	out := []string{""}
	for _, c := range g.Commands {
		if !c.Leaf {
			out = append(out, c.Path)
		}
	}
	return out
}

// Leaves returns the commands that have no subcommands.
func (g Grammar) Leaves() []Command {
	var out []Command
	for _, c := range g.Commands {
		if c.Leaf {
			out = append(out, c)
		}
	}
	return out
}

// Children returns the subcommands of the command at path, the top-level commands for "".
func (g Grammar) Children(path string) []Command {
	var out []Command
	for _, c := range g.Commands {
		if c.Parent == path {
			out = append(out, c)
		}
	}
	return out
}

// ChildNames returns the names of the subcommands of the command at path.
func (g Grammar) ChildNames(path string) []string {
	var out []string
	for _, c := range g.Children(path) {
		out = append(out, c.Name)
	}
	return out
}

// command returns the command at path.
func (g Grammar) command(path string) (Command, bool) {
	for _, c := range g.Commands {
		if c.Path == path {
			return c, true
		}
	}
	return Command{}, false
}

// Flags returns the flags valid after the command at path: its own, its parents' and the global
// ones; before any command ("") the global ones.
func (g Grammar) Flags(path string) []Flag {
	var out []Flag
	for p := path; p != ""; {
		c, ok := g.command(p)
		if !ok {
			break
		}
		out = append(out, c.Flags...)
		p = c.Parent
	}
	return append(out, g.Global...)
}

// Options returns every option word valid after the command at path; before any command, the
// original form's action flags too.
func (g Grammar) Options(path string) []string {
	var out []string
	if path == "" {
		for _, a := range g.Actions() {
			out = append(out, "--"+a)
		}
	}
	for _, f := range g.Flags(path) {
		out = append(out, f.names()...)
	}
	return out
}

// names returns --long and, if it has one, -s.
func (f Flag) names() []string {
	if f.Short != "" {
		return []string{"--" + f.Long, "-" + f.Short}
	}
	return []string{"--" + f.Long}
}
