package main

import (
	"fmt"
	"slices"
	"strings"
	"text/template"

	"github.com/alecthomas/kong"
)

// completionCmd prints a completion script made from the grammar, so that it cannot miss an
// action, a command or an option. Configuration names and location roots come from the config
// file in use at the time of completing: the scripts ask "micsync completion-words".
type completionCmd struct {
	Shell string `arg:"" enum:"bash,zsh,fish" help:"The shell: bash, zsh or fish."`
}

func (c *completionCmd) Run(a *app, k *kong.Kong) error {
	t := map[string]*template.Template{"bash": bashScript, "zsh": zshScript, "fish": fishScript}[c.Shell]
	if err := t.Execute(a.stdout, grammarOf(k.Model)); err != nil {
		return failure(fmt.Errorf("completion script: %w", err))
	}
	return nil
}

// completionWordsCmd prints the values the completion scripts offer for --configuration, and for
// the options and arguments that take a location root.
type completionWordsCmd struct {
	Kind string `arg:"" enum:"configurations,roots" help:"configurations (their names) or roots (the root directories of the locations)."`
}

func (c *completionWordsCmd) Run(a *app) error {
	f, err := a.loadSetupConfig()
	if err != nil {
		return err
	}
	var words []string
	for _, cfg := range f.Configs {
		if c.Kind == "configurations" {
			words = append(words, cfg.Name)
			continue
		}
		for _, l := range cfg.All() {
			if !slices.Contains(words, l.Path) {
				words = append(words, l.Path)
			}
		}
	}
	for _, w := range words {
		if !strings.ContainsAny(w, "\n\r") { // one a line
			fmt.Fprintln(a.stdout, w)
		}
	}
	return nil
}

// grammar is what the completion scripts and the manual page need of micsync's command line.
type grammar struct {
	Global   []flagInfo    // the flags of every command
	Commands []commandInfo // the visible commands, each before its subcommands, in the grammar's order
}

// commandInfo is one visible command.
type commandInfo struct {
	Path   string // the words that name it: "backup", "trash list"
	Name   string // its last word
	Parent string // the Path of its parent, "" for a top-level command
	Help   string
	Flags  []flagInfo // its own flags
	Args   []argInfo  // its positional arguments; none when it has subcommands
	Leaf   bool       // it has no subcommands
	Action bool       // the original form names it as a flag too: --backup
}

// argInfo is one positional argument.
type argInfo struct {
	Name     string
	Help     string
	Kind     string // what it is: "file", "root" or "text"
	Optional bool
	Repeat   bool
}

// flagInfo is one flag.
type flagInfo struct {
	Long        string
	Short       string // "" when none
	Help        string
	Placeholder string
	Value       string // what it takes: "" (no value), "file", "configuration", "root" or "text"
	Repeat      bool
	Env         string
	Excludes    []string // its own long name and those of the flags it cannot be used with
}

// grammarOf reads the grammar from kong's model of the command line.
func grammarOf(app *kong.Application) grammar {
	g := grammar{Global: flagInfos(app.Flags)}
	var walk func(n *kong.Node, parent string)
	walk = func(n *kong.Node, parent string) {
		for _, c := range n.Children {
			if c.Hidden || c.Type != kong.CommandNode {
				continue
			}
			path := strings.TrimSpace(parent + " " + c.Name)
			_, action := actionFlags["--"+c.Name]
			ci := commandInfo{Path: path, Name: c.Name, Parent: parent, Help: c.Help, Flags: flagInfos(c.Flags),
				Leaf: c.Leaf(), Action: action && parent == ""}
			for _, p := range c.Positional {
				ci.Args = append(ci.Args, argInfo{Name: p.Name, Help: p.Help, Kind: argKind(p),
					Optional: !p.Required, Repeat: p.IsCumulative()})
			}
			g.Commands = append(g.Commands, ci)
			walk(c, path)
		}
	}
	walk(app.Node, "")
	return g
}

func flagInfos(fs []*kong.Flag) []flagInfo {
	var out []flagInfo
	for _, f := range fs {
		if f.Hidden {
			continue
		}
		fi := flagInfo{Long: f.Name, Help: f.Help, Placeholder: f.PlaceHolder, Value: valueKind(f),
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
	case p.Name == "path" || p.Tag.PlaceHolder == "PATH" || p.Tag.PlaceHolder == "FILE":
		return "file"
	}
	return "text"
}

// Actions returns the names of the commands that the original form names as flags (--backup).
func (g grammar) Actions() []string {
	var out []string
	for _, c := range g.Commands {
		if c.Action {
			out = append(out, c.Name)
		}
	}
	return out
}

// Paths returns the paths of every command.
func (g grammar) Paths() []string {
	var out []string
	for _, c := range g.Commands {
		out = append(out, c.Path)
	}
	return out
}

// Parents returns "" (the top level) and the paths of the commands that have subcommands.
func (g grammar) Parents() []string {
	out := []string{""}
	for _, c := range g.Commands {
		if !c.Leaf {
			out = append(out, c.Path)
		}
	}
	return out
}

// Leaves returns the commands that have no subcommands.
func (g grammar) Leaves() []commandInfo {
	var out []commandInfo
	for _, c := range g.Commands {
		if c.Leaf {
			out = append(out, c)
		}
	}
	return out
}

// Children returns the subcommands of the command at path, the top-level commands for "".
func (g grammar) Children(path string) []commandInfo {
	var out []commandInfo
	for _, c := range g.Commands {
		if c.Parent == path {
			out = append(out, c)
		}
	}
	return out
}

// ChildNames returns the names of the subcommands of the command at path.
func (g grammar) ChildNames(path string) []string {
	var out []string
	for _, c := range g.Children(path) {
		out = append(out, c.Name)
	}
	return out
}

// command returns the command at path.
func (g grammar) command(path string) (commandInfo, bool) {
	for _, c := range g.Commands {
		if c.Path == path {
			return c, true
		}
	}
	return commandInfo{}, false
}

// Flags returns the flags valid after the command at path: its own, its parents' and the global
// ones; before any command ("") the global ones.
func (g grammar) Flags(path string) []flagInfo {
	var out []flagInfo
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
func (g grammar) Options(path string) []string {
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

// valueCase is a case of a shell function that says what an option takes as its value.
type valueCase struct {
	Patterns []string // "COMMAND OPTION" patterns, quoted for bash and zsh
	Pairs    []string // "COMMAND OPTION" words for fish, unquoted; none for the global flags
	Globals  []string // the names of a global flag
	Kind     string
}

// ValueCases lists the options that take a value: the global ones after any command or none, the
// others after their commands.
func (g grammar) ValueCases() []valueCase {
	var out []valueCase
	for _, f := range g.Global {
		if f.Value == "" {
			continue
		}
		vc := valueCase{Kind: f.Value, Globals: f.names()}
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
			vc := valueCase{Kind: f.Value}
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

// argCase says what the positional arguments of a command are, from the N-th on ("*": all).
type argCase struct {
	Pattern string // "COMMAND N" pattern quoted for bash
	Kind    string
}

// ArgCases lists, for every command, what each positional argument is: "commands" for a command
// with subcommands, the kind of the argument for the others. The top level takes a command, or
// the paths of the original form.
func (g grammar) ArgCases() []argCase {
	out := []argCase{{shQuote(" 0"), "commands"}, {shQuote(" ") + "*", "file"}}
	for _, c := range g.Commands {
		if !c.Leaf {
			out = append(out, argCase{shQuote(c.Path + " 0"), "commands"})
			continue
		}
		for i, a := range c.Args {
			if a.Repeat {
				out = append(out, argCase{shQuote(c.Path+" ") + "*", a.Kind}) // after the ones before
				break
			}
			out = append(out, argCase{shQuote(fmt.Sprintf("%s %d", c.Path, i)), a.Kind})
		}
	}
	return out
}

// names returns --long and, if it has one, -s.
func (f flagInfo) names() []string {
	if f.Short != "" {
		return []string{"--" + f.Long, "-" + f.Short}
	}
	return []string{"--" + f.Long}
}

// FishArgs says how fish completes the arguments of a leaf command: "" for file names (its
// default), "roots" for location roots, "none" for nothing.
func (c commandInfo) FishArgs() string {
	kind := "none"
	for _, a := range c.Args {
		switch {
		case a.Kind == "file":
			return ""
		case a.Kind == "root":
			kind = "roots"
		}
	}
	return kind
}

// ZshArgs returns the _arguments specs of the positional arguments of a leaf command.
func (c commandInfo) ZshArgs() []string {
	var out []string
	for i, a := range c.Args {
		action := " "
		switch a.Kind {
		case "file":
			action = "_files"
		case "root":
			action = "_micsync_words roots"
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
	"sq":       shQuote,
	"fishq":    fishQuote,
	"zshdesc":  zshDesc,
	"zshname":  zshName,
	"zshspecs": zshSpecs,
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
func zshSpecs(fs []flagInfo) []string {
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

var bashScript = template.Must(template.New("bash").Funcs(scriptFuncs).Parse(`# bash completion for micsync                              -*- shell-script -*-
# Made by "micsync completion bash" from micsync's grammar: change cmd/micsync, not this file.

# _micsync_value COMMAND OPTION prints what OPTION takes as its value after COMMAND ("" before
# any): file, configuration, root or text; nothing when it takes no value.
_micsync_value() {
	case "$1 $2" in
{{- range .ValueCases}}
	{{join .Patterns " | "}}) echo {{.Kind}} ;;
{{- end}}
	esac
}

# _micsync_arg COMMAND N prints what the positional argument N (from 0) after COMMAND is:
# commands, file, root or text.
_micsync_arg() {
	case "$1 $2" in
{{- range .ArgCases}}
	{{.Pattern}}) echo {{.Kind}} ;;
{{- end}}
	esac
}

# _micsync_command PATH succeeds when PATH names a command: "backup", "trash list".
_micsync_command() {
	case $1 in
	{{join (sqall .Paths) " | "}}) return 0 ;;
	esac
	return 1
}

# _micsync_children COMMAND prints the subcommands of COMMAND ("" for the top level).
_micsync_children() {
	case $1 in
{{- range .Parents}}
	{{sq .}}) echo {{join ($.ChildNames .) " "}} ;;
{{- end}}
	esac
}

# _micsync_options COMMAND prints the options valid after COMMAND ("" before any).
_micsync_options() {
	case $1 in
{{- range .Paths}}
	{{sq .}}) echo {{join ($.Options .) " "}} ;;
{{- end}}
	"") echo {{join ($.Options "") " "}} ;;
	esac
}

# _micsync_words KIND CONFIG adds to COMPREPLY the configuration names or location roots that
# start with $cur, as the micsync being completed prints them for the config file CONFIG.
_micsync_words() {
	local word
	compopt -o filenames 2>/dev/null
	while IFS= read -r word; do
		[[ $word == "$cur"* ]] && COMPREPLY+=("$word")
	done < <("$micsync" ${2:+--config-file "$2"} completion-words "$1" 2>/dev/null)
}

_micsync() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
	local micsync=${COMP_WORDS[0]/#\~/$HOME} cmd="" config="" word i n=0
	# bash splits --option=value into three words at the "=".
	if [[ $cur == = ]]; then
		cur=""
	elif [[ $prev == = ]]; then
		prev=${COMP_WORDS[COMP_CWORD-2]}
	fi
	# The command is named by words (micsync trash list ...) or, in the original form, by a flag
	# anywhere before "--" (micsync ... --backup ...). n counts the arguments after it.
	for ((i = 1; i < COMP_CWORD; i++)); do
		word=${COMP_WORDS[i]}
		if [[ $word == -- ]]; then
			[[ $(_micsync_arg "$cmd" "$n") == file ]] || compopt +o default 2>/dev/null
			return # only arguments follow
		fi
		if [[ -n $(_micsync_value "$cmd" "$word") ]]; then
			[[ ${COMP_WORDS[i+1]} == = ]] && ((i++))
			((i++))
			[[ $word == --config-file ]] && config=${COMP_WORDS[i]/#\~/$HOME}
			continue
		fi
		case $word in
		{{join (prefix "--" .Actions) " | "}}) cmd=${word#--} n=0 ;;
		-*) ;;
		*)
			if ((n == 0)) && _micsync_command "${cmd:+$cmd }$word"; then
				cmd="${cmd:+$cmd }$word"
			else
				((n++))
			fi
			;;
		esac
	done
	case $(_micsync_value "$cmd" "$prev") in
	file) return ;; # readline completes file names: complete -o default
	configuration) _micsync_words configurations "$config"; return ;;
	root) _micsync_words roots "$config"; return ;;
	text) compopt +o default 2>/dev/null; return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_micsync_options "$cmd")" -- "$cur"))
		return
	fi
	case $(_micsync_arg "$cmd" "$n") in
	commands)
		COMPREPLY=($(compgen -W "$(_micsync_children "$cmd")" -- "$cur"))
		[[ -n $cmd ]] && compopt +o default 2>/dev/null # at the top, no match: a path of the original form
		;;
	file) ;;
	root) _micsync_words roots "$config" ;;
	*) compopt +o default 2>/dev/null ;;
	esac
} &&
	complete -o default -F _micsync micsync
`))

var zshScript = template.Must(template.New("zsh").Funcs(scriptFuncs).Parse(`#compdef micsync
# zsh completion for micsync. Made by "micsync completion zsh" from micsync's grammar: change
# cmd/micsync, not this file.

# _micsync_words KIND offers the configuration names or location roots that the micsync being
# completed prints for the config file of the command line. _arguments puts its own options
# before KIND.
_micsync_words() {
  local kind=${@[-1]} cfg expl i=${words[(I)--config-file]}
  local -a list
  if (( i )); then
    cfg=${words[i+1]}
  elif [[ -n ${words[(r)--config-file=*]} ]]; then
    cfg=${${words[(r)--config-file=*]}#--config-file=}
  fi
  cfg=${cfg/#\~/$HOME}
  list=(${(f)"$(${words[1]/#\~/$HOME} ${cfg:+--config-file} ${cfg:+$cfg} completion-words $kind 2>/dev/null)"})
  if [[ $kind == roots ]]; then
    _wanted roots expl 'location root' compadd -a list || _directories # a root typed as ~/...
  else
    _wanted configurations expl 'configuration' compadd -a list
  fi
}

# _micsync_value COMMAND OPTION succeeds when OPTION takes a value after COMMAND ("" before any).
_micsync_value() {
  case "$1 $2" in
{{- range .ValueCases}}
    ({{join .Patterns "|"}}) return 0 ;;
{{- end}}
  esac
  return 1
}

# _micsync_commands COMMAND offers the subcommands of COMMAND, or for "" the top-level commands,
# or there the path that comes first in the original form (micsync PATH --backup). _arguments
# puts its own options before COMMAND.
_micsync_commands() {
  local parent=${@[-1]}
  local -a cmds
  case $parent in
{{- range .Parents}}
    ({{sq .}})
      cmds=(
{{- range $.Children .}}
        {{sq (printf "%s:%s" (zshname .Name) .Help)}}
{{- end}}
      ) ;;
{{- end}}
  esac
  _describe -t commands 'micsync command' cmds || { [[ -z $parent ]] && _files }
}

_micsync() {
  local cmd word i nargs=0
  local -a specs drop rest
  # The command is named by words (micsync trash list ...) or, in the original form, by a flag
  # anywhere before "--" (micsync ... --backup ...). Those words are dropped for _arguments.
  for (( i = 2; i < CURRENT; i++ )); do
    word=$words[i]
    [[ $word == -- ]] && break
    if _micsync_value "$cmd" "$word"; then
      (( i++ ))
      continue
    fi
    case $word in
      ({{join (prefix "--" .Actions) "|"}}) cmd=${word#--}; drop+=($i) ;;
      (-*) ;;
      (*)
        case "${cmd:+$cmd }$word" in
          ({{join (sqall .Paths) "|"}}) (( nargs )) || { cmd="${cmd:+$cmd }$word"; drop+=($i) } ;;
          (*) (( nargs++ )) ;;
        esac ;;
    esac
  done
  if (( ${#drop} )); then
    rest=()
    for (( i = 1; i <= ${#words}; i++ )); do
      (( ${drop[(Ie)$i]} )) || rest+=("$words[i]")
    done
    (( CURRENT -= ${#drop} ))
    words=("${rest[@]}")
  fi
  specs=(
{{- range zshspecs .Global}}
    {{.}}
{{- end}}
  )
  case $cmd in
    ('')
      specs+=(
{{- range .Commands}}{{if .Action}}
        {{sq (printf "--%s[%s]" .Name (zshdesc .Help))}}
{{- end}}{{end}}
        '1: :_micsync_commands ""'
        '*:path:_files'
      ) ;;
{{- range .Commands}}
    ({{sq .Path}})
      specs+=(
{{- if .Leaf}}
{{- range zshspecs .Flags}}
        {{.}}
{{- end}}
{{- range .ZshArgs}}
        {{.}}
{{- end}}
{{- else}}
        {{sq (printf "1: :_micsync_commands %s" (sq .Path))}}
{{- end}}
      ) ;;
{{- end}}
  esac
  _arguments -s -S : $specs
}

_micsync "$@"
`))

var fishScript = template.Must(template.New("fish").Funcs(scriptFuncs).Parse(`# fish completion for micsync. Made by "micsync completion fish" from micsync's grammar: change
# cmd/micsync, not this file.

# __micsync_value COMMAND OPTION succeeds when OPTION takes a value after COMMAND ("" before any).
function __micsync_value
    contains -- "$argv[2]"{{range .ValueCases}}{{range .Globals}} {{fishq .}}{{end}}{{end}}
    or contains -- "$argv[1] $argv[2]"{{range .ValueCases}}{{range .Pairs}} {{fishq .}}{{end}}{{end}}
end

# __micsync_command prints the command of the command line: named by words (micsync trash list ...)
# or, in the original form, by a flag anywhere before "--" (micsync ... --backup ...).
function __micsync_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l cmd ""
    set -l skip 0
    set -l args 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        if test "$token" = --
            break
        end
        if __micsync_value "$cmd" "$token"
            set skip 1
        else if contains -- "$token" {{join (fishqall (prefix "--" .Actions)) " "}}
            set cmd (string sub -s 3 -- "$token")
        else if string match -q -- '-*' "$token"
            continue
        else if test $args = 0; and contains -- (string trim -- "$cmd $token") {{join (fishqall .Paths) " "}}
            set cmd (string trim -- "$cmd $token")
        else
            set args (math $args + 1)
        end
    end
    echo $cmd
end

# __micsync_using COMMAND succeeds when the command line's command is COMMAND ("" for none yet).
function __micsync_using
    set -l cmd (__micsync_command)
    test "$cmd" = "$argv[1]"
end

# __micsync_words KIND prints the configuration names or location roots that the micsync being
# completed prints for the config file of the command line.
function __micsync_words
    set -l tokens (commandline -opc)
    set -l config
    set -l i (contains -i -- --config-file $tokens)
    if test -n "$i"
        set config --config-file (string replace -r '^~' "$HOME" -- $tokens[(math $i + 1)])
    else if set -l given (string match -- '--config-file=*' $tokens)
        set config --config-file (string replace -r '^~' "$HOME" -- (string sub -s 15 -- $given[1]))
    end
    $tokens[1] $config completion-words $argv[1] 2>/dev/null
end
{{range .Parents}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" .)}} -f
{{- range $.Children .}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" .Parent)}} -a {{fishq .Name}} -d {{fishq .Help}}
{{- end}}
{{- end}}
{{- range .Commands}}{{if .Action}}
complete -c micsync -n '__micsync_using ""' -l {{.Name}} -d {{fishq .Help}}
{{- end}}{{end}}
{{- range .Global}}
complete -c micsync{{template "fishflag" .}}
{{- end}}
{{- range $c := .Leaves}}
{{- range .Flags}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" $c.Path)}}{{template "fishflag" .}}
{{- end}}
{{- if eq .FishArgs "none"}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" .Path)}} -f
{{- else if eq .FishArgs "roots"}}
complete -c micsync -n {{fishq (printf "__micsync_using \"%s\"" .Path)}} -f -a '(__micsync_words roots)'
{{- end}}
{{- end}}
{{define "fishflag"}}{{if .Short}} -s {{.Short}}{{end}} -l {{.Long}}
{{- if eq .Value "file"}} -r -F
{{- else if eq .Value "configuration"}} -x -a '(__micsync_words configurations)'
{{- else if eq .Value "root"}} -x -a '(__micsync_words roots)'
{{- else if eq .Value "text"}} -x
{{- end}} -d {{fishq .Help}}{{end}}`))
