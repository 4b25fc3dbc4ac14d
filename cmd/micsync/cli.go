package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/alecthomas/kong"

	"micsync/prompt"
	"micsync/rsyncplan"
)

// cli is micsync's grammar. The original command line names the action as a flag
// (micsync --backup -ms PATH...); actionFlags rewrites that to the command form first.
type cli struct {
	ConfigFile string           `name:"config-file" env:"MICSYNC_CONFIG" placeholder:"PATH" help:"Configuration file (default ~/.micsync.json)."`
	Version    kong.VersionFlag `help:"Print the version and exit."`

	Backup   backupCmd   `cmd:"" help:"Copy WORKING paths to every reachable BACKUP. Never deletes."`
	Work     workCmd     `cmd:"" help:"Copy from a BACKUP to a WORKING; deletes only with -d or -D."`
	Transfer transferCmd `cmd:"" help:"Copy from one BACKUP to other BACKUPs."`
	Tree     treeCmd     `cmd:"" help:"Create in a WORKING the directory skeleton of a BACKUP (no files)."`

	Mark  markCmd  `cmd:"" help:"Mark a location's root so that micsync notices when its disc is not mounted."`
	Trash trashCmd `cmd:"" help:"List, restore from or empty the trash of overwritten and deleted files."`

	setupCmds `embed:""`
}

// The options that every action shares.
type pathsArg struct {
	Paths []string `arg:"" name:"path" help:"Files or directories inside one WORKING or BACKUP location, all in the same directory."`
}

type commonFlags struct {
	HideDirs      bool     `short:"s" name:"hide-dirs" help:"Hide directory-only changes (new directories, directory times) from the lists."`
	Verbose       bool     `short:"v" help:"Print each rsync command, quoted for a shell, and ask before running it."`
	DryRun        bool     `short:"n" name:"dry-run" help:"Show the plan and change nothing."`
	Yes           bool     `xor:"answer" help:"Answer yes to every yes/no question."`
	No            bool     `xor:"answer" help:"Answer no to every yes/no question."`
	From          string   `placeholder:"ROOT" help:"Source location (its root directory), instead of asking."`
	To            []string `placeholder:"ROOT" sep:"none" help:"Destination location (its root directory), instead of asking; repeatable."`
	Configuration string   `placeholder:"NAME" help:"Configuration to use when the paths are in several."`
	Full          bool     `help:"List every change of the plan, not only the first lines of each list."`
	Jobs          int      `placeholder:"N" help:"Copy to at most N destinations at once (default: all of them)."`
	Quiet         bool     `short:"q" help:"Print nothing but errors and questions (for scripts)."`
	ListFile      string   `name:"list-file" placeholder:"FILE" help:"Write every change of the plans to FILE before asking (for long plans)."`
}

type overwriteFlag struct {
	Modified bool `short:"m" help:"Overwrite modified files without asking."`
	NoTrash  bool `name:"no-trash" help:"Do not keep what is overwritten or deleted in the destination's .micsync-trash (this run only)."`
}

type deleteFlags struct {
	Delete           bool   `short:"d" xor:"delete" help:"Delete files that are missing from the source, after asking."`
	DeleteNoAsk      bool   `short:"D" xor:"delete" name:"delete-without-asking" help:"Delete files that are missing from the source without asking."`
	MaxDelete        string `name:"max-delete" placeholder:"N|all" help:"Allow up to N deletions (or all) without the second question that a large deletion needs; required for one without a terminal."`
	AllowEmptySource bool   `name:"allow-empty-source" help:"Delete even when the source is empty (normally taken as a disc that is not mounted)."`
}

// exitError carries an exit status and optional hints to the one place that prints errors.
type exitError struct {
	code  int
	err   error
	hints []string
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usage marks err as the user's mistake (exit status 2), with hints.
func usage(err error, hints ...string) error { return &exitError{code: 2, err: err, hints: hints} }

// failure marks err as a failure (exit status 1), with hints.
func failure(err error, hints ...string) error { return &exitError{code: 1, err: err, hints: hints} }

// errInterrupted is returned when the user pressed Ctrl-C.
var errInterrupted = errors.New("interrupted")

// actionFlags maps the original tool's action flags to commands.
var actionFlags = map[string]string{"--backup": "backup", "--work": "work", "--transfer": "transfer", "--tree": "tree"}

// rewriteArgs turns the original form "micsync [opts] --backup [opts] PATH..." into
// "micsync backup [opts] PATH...". Arguments after "--" are paths and are left alone, and so is
// a command line that names one of commands before any action flag: its own options
// (micsync init --work PATH) are not the original form's actions.
func rewriteArgs(args []string, commands map[string]bool) ([]string, error) {
	var action string
	rest := make([]string, 0, len(args))
	for i, a := range args {
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		if action == "" && commands[a] {
			return args, nil
		}
		if cmd, ok := actionFlags[a]; ok {
			if action != "" && action != cmd {
				return nil, usage(fmt.Errorf("--%s and --%s cannot be used together", action, cmd), "choose one action")
			}
			action = cmd
			continue
		}
		rest = append(rest, a)
	}
	if action == "" {
		return args, nil
	}
	return append([]string{action}, rest...), nil
}

// app is what every action needs. Tests build one with their own streams.
type app struct {
	ctx     context.Context
	stdout  io.Writer
	stderr  io.Writer
	ask     prompt.Asker
	rsync   *rsyncplan.Runner
	cwd     string
	cfgPath string
	colour  bool // colour the plans' marks
	// batch forbids ssh to ask for a password or a host key: there is no terminal to answer.
	batch bool
	reach reachability
}

// Main runs micsync with args (without the program name) and returns the exit status.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer, ask prompt.Asker) (code int) {
	switch {
	case len(args) == 0:
		fmt.Fprint(stderr, intro)
		return 0
	case len(args) == 1 && args[0] == "--version":
		// Answered before the grammar is built: scripts and file managers call it often.
		fmt.Fprintln(stdout, "micsync", version)
		return 0
	}
	err := run(ctx, args, stdout, stderr, ask)
	return report(stderr, err)
}

const intro = `micsync keeps WORKING directories and their BACKUP copies in step, with rsync.
It shows what will change and asks before anything is overwritten or deleted.

  micsync --backup PATH...   copy PATH from its WORKING to every reachable BACKUP
  micsync --work PATH...     bring PATH back from a BACKUP into its WORKING
  micsync --help             every action and option

Start with: micsync init      (writes ~/.micsync.json; see README.md)
`

// kongExit lets kong's --help and --version end the run without os.Exit.
type kongExit struct{ code int }

func run(ctx context.Context, args []string, stdout, stderr io.Writer, ask prompt.Asker) (err error) {
	var c cli
	parser, err := kong.New(&c,
		kong.Name("micsync"),
		kong.Description("Back up WORKING locations to BACKUP locations with rsync, asking before anything is overwritten or deleted. The original form micsync --backup|--work|--transfer|--tree [options] PATH... works too."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(kongExit{code}) }),
		kong.Vars{"version": "micsync " + version},
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			k, ok := r.(kongExit)
			if !ok {
				panic(r)
			}
			if k.code != 0 {
				err = &exitError{code: k.code, err: errors.New("invalid command line")}
			}
		}
	}()
	commands := map[string]bool{}
	for _, n := range parser.Model.Children {
		commands[n.Name] = true
	}
	if args, err = rewriteArgs(args, commands); err != nil {
		return err
	}
	args, raw := hideRaw(args)
	kctx, err := parser.Parse(args)
	if err != nil {
		return usage(err, "run micsync --help for the actions and their options")
	}
	restoreRaw(reflect.ValueOf(&c), raw)
	cwd, err := os.Getwd()
	if err != nil {
		return failure(fmt.Errorf("current directory: %w", err))
	}
	a := &app{ctx: ctx, stdout: stdout, stderr: stderr, ask: ask, rsync: &rsyncplan.Runner{Stderr: stderr}, batch: !isTerminal(os.Stdin),
		cwd: cwd, cfgPath: c.ConfigFile}
	return kctx.Run(a)
}

// report prints err the one way micsync prints errors and returns the exit status.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	code := 1
	var hints []string
	var ee *exitError
	if errors.As(err, &ee) {
		code = ee.code
		hints = ee.hints
	}
	if errors.Is(err, errInterrupted) || errors.Is(err, prompt.ErrInterrupted) || errors.Is(err, context.Canceled) {
		code = 130
	}
	fmt.Fprintf(stderr, "micsync: error: %s\n", oneLine(err.Error()))
	for _, h := range hints {
		fmt.Fprintf(stderr, "micsync: hint: %s\n", oneLine(h))
	}
	return code
}

// oneLine keeps a message on one line and free of terminal control: names in it may hold
// newlines, escape sequences and bytes that are not UTF-8, which are shown escaped.
func oneLine(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case unicode.IsControl(r) && r != '\t':
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
