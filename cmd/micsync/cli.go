package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"slices"

	"github.com/alecthomas/kong"

	"micsync/internal/reach"
	"micsync/internal/run"
	"micsync/internal/ui"
	"micsync/locations"
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

	Prune  pruneCmd  `cmd:"" help:"Move what only a BACKUP holds below the paths (old names, since a backup never deletes) into its trash, after asking."`
	Mark   markCmd   `cmd:"" help:"Mark a location's root so that micsync notices when its disc is not mounted."`
	Trash  trashCmd  `cmd:"" help:"List, restore from or empty the trash of overwritten and deleted files."`
	Verify verifyCmd `cmd:"" help:"Compare the copies by content, name the bad ones and, with --repair, replace them from good ones."`

	Status statusCmd `cmd:"" help:"Show which disc holds a copy of which folder, since when, and what changed since."`
	Log    logCmd    `cmd:"" help:"List the recorded runs, newest first, or show one run's record."`

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
	Wait          bool     `help:"Wait for another micsync run that uses one of the locations, instead of stopping."`
	Exclude       []string `placeholder:"PATTERN" sep:"none" help:"Leave out what PATTERN matches (rsync's pattern: *.tmp, cache/, /top/dir), besides the configuration's exclude; repeatable."`
	JSONOut       jsonFlag `embed:""`
}

// jsonFlag is --json, for every command that can write its output as one JSON document
// (docs/JSON.md). A command embeds it and runs with a.envFor(quiet, c.JSONOut.JSON).
type jsonFlag struct {
	JSON bool `name:"json" help:"Write one JSON document on stdout (docs/JSON.md) instead of text; questions are answered only by flags."`
}

// overwriteFlag holds the options of the actions that copy files (not --tree).
type overwriteFlag struct {
	Modified bool `short:"m" help:"Overwrite modified files without asking."`
	NoTrash  bool `name:"no-trash" help:"Do not keep what is overwritten or deleted in the destination's .micsync-trash (this run only)."`
	Checksum bool `short:"c" help:"Compare files by content, not by size and time (slow: reads every file on both sides)."`
}

type deleteFlags struct {
	Delete      bool       `short:"d" xor:"delete" help:"Delete files that are missing from the source, after asking."`
	DeleteNoAsk bool       `short:"D" xor:"delete" name:"delete-without-asking" help:"Delete files that are missing from the source without asking."`
	Guards      guardFlags `embed:""`
}

// guardFlags answer the questions of the guards against deleting the wrong things.
type guardFlags struct {
	MaxDelete        string `name:"max-delete" placeholder:"N|all" help:"Allow up to N deletions (or all) without the second question that a large deletion needs; required for one without a terminal."`
	AllowEmptySource bool   `name:"allow-empty-source" help:"Delete even when the source is empty (normally taken as a disc that is not mounted)."`
}

// options turns the flags of an action into the run's options.
func (c commonFlags) options(ow overwriteFlag, del deleteFlags) run.Options {
	return run.Options{HideDirs: c.HideDirs, Verbose: c.Verbose, DryRun: c.DryRun, Yes: c.Yes, No: c.No,
		From: c.From, To: c.To, Configuration: c.Configuration, Full: c.Full, Jobs: c.Jobs, Quiet: c.Quiet || c.JSONOut.JSON,
		ListFile: c.ListFile, Wait: c.Wait, Exclude: c.Exclude, Overwrite: ow.Modified, NoTrash: ow.NoTrash, Checksum: ow.Checksum, Delete: del.Delete,
		DeleteNoAsk: del.DeleteNoAsk, MaxDelete: del.Guards.MaxDelete, AllowEmptySource: del.Guards.AllowEmptySource}
}

// sync runs an action on paths.
func (a *app) sync(act run.Action, c commonFlags, o run.Options, paths []string) error {
	return run.Run(a.envFor(o.Quiet, c.JSONOut.JSON), run.Request{Action: act, Paths: paths, Options: o})
}

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
		if action == "" && a == "help" && commands[a] {
			return helpArgs(args), nil
		}
		if action == "" && commands[a] {
			return args, nil
		}
		if cmd, ok := actionFlags[a]; ok {
			if action != "" && action != cmd {
				return nil, ui.Usage(fmt.Errorf("--%s and --%s cannot be used together", action, cmd), "choose one action")
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

// helpArgs names the original form's actions as commands after help: micsync help --backup is
// micsync help backup.
func helpArgs(args []string) []string {
	out := slices.Clone(args)
	for i, a := range out {
		if cmd, ok := actionFlags[a]; ok {
			out[i] = cmd
		}
	}
	return out
}

// app is what every command needs. Tests build one with their own streams.
type app struct {
	ctx     context.Context
	stdout  io.Writer
	stderr  io.Writer
	ask     prompt.Asker
	cwd     string
	cfgPath string // --config-file or MICSYNC_CONFIG
	// batch forbids ssh to ask for a password or a host key: there is no terminal to answer.
	batch bool
}

// env returns what a run of an action or a command needs. quiet sends nothing to stdout.
func (a *app) env(quiet bool) *run.Env { return a.newEnv(quiet, a.batch) }

func (a *app) newEnv(quiet, batch bool) *run.Env {
	rsync := rsyncplan.Runner{Stderr: a.stderr}
	return &run.Env{Ctx: a.ctx, Out: ui.New(a.stdout, a.stderr, quiet), Ask: a.ask,
		Reach: reach.New(a.ctx, rsync, batch), Rsync: rsync, Cwd: a.cwd, Config: a.configPath, Version: version}
}

// envFor returns what a run needs, for a command that may write JSON: with json the document
// is the only thing on stdout (no text, no progress line), and no question is asked; the flags
// answer them, or the run fails as it does without a terminal.
func (a *app) envFor(quiet, json bool) *run.Env {
	if !json {
		return a.env(quiet)
	}
	e := a.newEnv(true, true) // ssh may not ask either
	e.Ask = prompt.NotAsked{}
	e.Doc = a.stdout
	return e
}

// configPath returns the config file this run uses: --config-file or MICSYNC_CONFIG (kong puts
// both in cfgPath), else ~/.micsync.json.
func (a *app) configPath() (string, error) {
	if a.cfgPath != "" {
		return a.cfgPath, nil
	}
	p, err := locations.DefaultPath()
	if err != nil {
		return "", ui.Usage(err, "set HOME, or name the file with --config-file or MICSYNC_CONFIG")
	}
	return p, nil
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
	err := dispatch(ctx, args, stdout, stderr, ask)
	return report(stderr, err)
}

const intro = `micsync keeps WORKING directories and their BACKUP copies in step, with rsync.
It shows what will change and asks before anything is overwritten or deleted.

  micsync --backup PATH...   copy PATH from its WORKING to every reachable BACKUP
  micsync --work PATH...     bring PATH back from a BACKUP into its WORKING
  micsync help               every action and command
  micsync help ACTION        the options of one, e.g. micsync help backup

Start with: micsync init      (writes ~/.micsync.json; see README.md)
`

// kongExit lets kong's --help and --version end the run without os.Exit.
type kongExit struct{ code int }

// exitStatus is an exit status that kong chose, as an error.
type exitStatus struct {
	code int
	err  error
}

func (e *exitStatus) Error() string { return e.err.Error() }
func (e *exitStatus) Unwrap() error { return e.err }

// rawStrings keeps the bytes of every argument as they are: kong's own string mapper passes
// values through JSON, which turns bytes that are not UTF-8 (a file named in Latin-1) into
// U+FFFD, a name that does not exist.
var rawStrings = kong.KindMapper(reflect.String, kong.MapperFunc(func(ctx *kong.DecodeContext, target reflect.Value) error {
	t, err := ctx.Scan.PopValue("string")
	if err != nil {
		return err
	}
	s, ok := t.Value.(string)
	if !ok {
		s = fmt.Sprint(t.Value)
	}
	target.SetString(s)
	return nil
}))

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, ask prompt.Asker) (err error) {
	var c cli
	parser, err := kong.New(&c,
		kong.Name("micsync"),
		kong.Description("Back up WORKING locations to BACKUP locations with rsync, asking before anything is overwritten or deleted. The original form micsync --backup|--work|--transfer|--tree [options] PATH... works too."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) { panic(kongExit{code}) }),
		kong.Vars{"version": "micsync " + version},
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
		rawStrings,
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
				err = &exitStatus{code: k.code, err: errors.New("invalid command line")}
			}
		}
	}()
	commands := map[string]bool{}
	for _, n := range parser.Model.Children {
		commands[n.Name] = true
	}
	typed := args
	if args, err = rewriteArgs(args, commands); err != nil {
		return err
	}
	kctx, err := parser.Parse(args)
	if err != nil {
		return parseError(err, typed, parser.Model)
	}
	cwd, err := os.Getwd()
	if err != nil {
		return ui.Failure(fmt.Errorf("current directory: %w", err))
	}
	a := &app{ctx: ctx, stdout: stdout, stderr: stderr, ask: ask, batch: !ui.IsTerminal(os.Stdin),
		cwd: cwd, cfgPath: c.ConfigFile}
	return kctx.Run(a)
}

// report prints err the one way micsync prints errors and returns the exit status.
func report(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	ui.New(io.Discard, stderr, true).Report("", err)
	return exitCode(err)
}

// exitCode is the one place that maps errors to exit statuses: 130 interrupted, 2 the user's
// mistake (or a question that had no terminal to be asked on), kong's own status for its
// exits, 1 for every other failure.
func exitCode(err error) int {
	var ue *ui.Error
	var nt *ui.NoTerminalError
	var st *exitStatus
	switch {
	case err == nil:
		return 0
	case ui.Interrupted(err):
		return 130
	case errors.As(err, &st):
		return st.code
	case errors.As(err, &nt), errors.As(err, &ue) && ue.Usage:
		return 2
	}
	return 1
}
