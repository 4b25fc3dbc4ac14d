package clidoc

import (
	"embed"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/template"
)

// The scripts are templates in files of their own, so that an editor shows them as shell.
//
//go:embed completion.bash completion.zsh completion.fish
var scriptFiles embed.FS

var scripts = map[string]*template.Template{
	"bash": parseScript("completion.bash"),
	"zsh":  parseScript("completion.zsh"),
	"fish": parseScript("completion.fish"),
}

func parseScript(name string) *template.Template {
	return template.Must(template.New(name).Funcs(scriptFuncs).ParseFS(scriptFiles, name))
}

// Completion writes the completion script of g for shell: "bash", "zsh" or "fish".
func (g Grammar) Completion(w io.Writer, shell string) error {
	t, ok := scripts[shell]
	if !ok {
		return fmt.Errorf("no completion script for %q", shell)
	}
	return t.Execute(w, g)
}

// ValueCase is a case of a shell function that says what an option takes as its value.
type ValueCase struct {
	Patterns []string // "COMMAND OPTION" patterns, quoted for bash and zsh
	Pairs    []string // "COMMAND OPTION" words for fish, unquoted; none for the global flags
	Globals  []string // the names of a global flag
	Kind     string
}

// ValueCases lists the options that take a value: the global ones after any command or none, the
// others after their commands.
func (g Grammar) ValueCases() []ValueCase {
	var out []ValueCase
	for _, f := range g.Global {
		if f.Value == "" {
			continue
		}
		vc := ValueCase{Kind: f.Value, Globals: f.names()}
		for _, n := range f.names() {
			vc.Patterns = append(vc.Patterns, "*"+shQuote(" "+n))
		}
		out = append(out, vc)
	}
	for _, c := range g.Commands {
		for _, f := range c.Flags {
			if f.Value == "" {
				continue
			}
			// A parent's flags are valid after its subcommands too.
			paths := []string{c.Path}
			for _, d := range g.Commands {
				if strings.HasPrefix(d.Path, c.Path+" ") {
					paths = append(paths, d.Path)
				}
			}
			vc := ValueCase{Kind: f.Value}
			for _, p := range paths {
				for _, n := range f.names() {
					vc.Patterns = append(vc.Patterns, shQuote(p+" "+n))
					vc.Pairs = append(vc.Pairs, p+" "+n)
				}
			}
			out = append(out, vc)
		}
	}
	return out
}

// ArgCase says what the positional arguments of a command are, from the N-th on ("*": all).
type ArgCase struct {
	Pattern string // "COMMAND N" pattern quoted for bash
	Kind    string
}

// ArgCases lists, for every command, what each positional argument is: "commands" for a command
// with subcommands, the kind of the argument for the others. The top level takes a command, or
// the paths of the original form.
func (g Grammar) ArgCases() []ArgCase {
	out := []ArgCase{{shQuote(" 0"), "commands"}, {shQuote(" ") + "*", "file"}}
	for _, c := range g.Commands {
		if !c.Leaf {
			out = append(out, ArgCase{shQuote(c.Path + " 0"), "commands"})
			continue
		}
		for i, a := range c.Args {
			if a.Repeat {
				out = append(out, ArgCase{shQuote(c.Path+" ") + "*", a.Kind}) // after the ones before
				break
			}
			out = append(out, ArgCase{shQuote(fmt.Sprintf("%s %d", c.Path, i)), a.Kind})
		}
	}
	return out
}

// FishArg says how fish completes the positional arguments of a command: the one at N (from 0),
// or every one when N is -1, with the words of Words ("roots", "stamps") or with nothing
// ("none"). Where no FishArg says otherwise, fish offers file names.
type FishArg struct {
	N     int
	Words string
}

// FishArgs returns how fish completes the positional arguments of a leaf command.
func (c Command) FishArgs() []FishArg {
	words := map[string]string{"root": "roots", "stamp": "stamps", "text": "none"} // "" for files
	files := slices.ContainsFunc(c.Args, func(a Arg) bool { return a.Kind == "file" })
	var out []FishArg
	if !files {
		out = append(out, FishArg{-1, "none"})
	}
	for i, a := range c.Args {
		w := words[a.Kind]
		switch {
		case w == "" || w == "none" && !files:
			continue
		case a.Repeat:
			if !files {
				out = append(out, FishArg{-1, w})
			}
		default:
			out = append(out, FishArg{i, w})
		}
	}
	return out
}

// ZshArgs returns the _arguments specs of the positional arguments of a leaf command.
func (c Command) ZshArgs() []string {
	var out []string
	for i, a := range c.Args {
		action := " "
		switch a.Kind {
		case "file":
			action = "_files"
		case "root":
			action = "_micsync_words roots"
		case "stamp":
			action = "_micsync_words stamps"
		}
		pos := fmt.Sprint(i + 1)
		switch {
		case a.Repeat:
			pos = "*"
		case a.Optional:
			pos += ":"
		}
		out = append(out, shQuote(pos+":"+a.Name+":"+action))
	}
	return out
}

var scriptFuncs = template.FuncMap{
	"join": strings.Join,
	"prefix": func(p string, ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = p + s
		}
		return out
	},
	"sqall": func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = shQuote(s)
		}
		return out
	},
	"fishqall": func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = fishQuote(s)
		}
		return out
	},
	"fishcond": fishCond,
	"sq":       shQuote,
	"fishq":    fishQuote,
	"zshdesc":  zshDesc,
	"zshname":  zshName,
	"zshspecs": zshSpecs,
}

// fishCond is the fish condition of a completion of the command at path, at positional argument
// n (from 0), or anywhere when n is -1.
func fishCond(path string, n int) string {
	if n < 0 {
		return fmt.Sprintf("__micsync_using %q", path)
	}
	return fmt.Sprintf("__micsync_at %q %d", path, n)
}

// shQuote quotes s for bash and zsh.
func shQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// fishQuote quotes s for fish, where a backslash escapes ' and \ inside single quotes.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// zshDesc escapes a description in an _arguments spec, and zshName a name in a _describe entry,
// where a colon ends it.
func zshDesc(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

func zshName(s string) string {
	return strings.NewReplacer(`\`, `\\`, ":", `\:`).Replace(s)
}

// zshSpecs returns the _arguments specs of flags, each quoted for zsh.
func zshSpecs(fs []Flag) []string {
	var out []string
	for _, f := range fs {
		var ex []string
		for _, e := range f.Excludes {
			for _, o := range fs {
				if o.Long == e {
					ex = append(ex, o.names()...)
				}
			}
		}
		excl := "(" + strings.Join(ex, " ") + ")"
		switch {
		case f.Long == "help" || f.Long == "version":
			excl = "(- *)" // nothing else matters
		case f.Repeat:
			excl = "*"
		}
		value := ""
		switch f.Value {
		case "file":
			value = ":" + strings.ToLower(f.Placeholder) + ":_files"
		case "configuration":
			value = ":configuration:_micsync_words configurations"
		case "root":
			value = ":root:_micsync_words roots"
		case "text":
			value = ":" + zshName(strings.ToLower(f.Placeholder)) + ": "
		}
		for _, n := range f.names() {
			eq := ""
			if value != "" && strings.HasPrefix(n, "--") {
				eq = "=" // --name=VALUE or --name VALUE
			}
			out = append(out, shQuote(excl+n+eq+"["+zshDesc(f.Help)+"]"+value))
		}
	}
	return out
}
