// Package run carries out what micsync is asked to do, one flow for every action (Run):
// load the config file, find the locations that hold the paths, choose the configuration, the
// source and the destinations (asking when there are several), check that they are reachable,
// plan every destination with rsync dry runs, show the plans, ask about what overwrites or
// deletes (and again about a large deletion), then execute exactly what was approved, several
// destinations at once, and summarise. The actions differ only in data (Action). The trash's
// list, restore and empty (trash.go) use the same pieces, and so do micsync init, check and
// mark (init.go, setup.go).
//
// Every question goes through prompt.Asker, every line through ui.Output, every check of a
// location through reach.Checker: Env holds them, so that tests run the flow in process with a
// scripted asker and real rsync.
package run

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"

	"micsync/internal/reach"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// Env is what a run needs from the world.
type Env struct {
	Ctx   context.Context
	Out   *ui.Output
	Ask   prompt.Asker
	Reach *reach.Checker
	Rsync rsyncplan.Runner // how rsync is run; each destination gets a copy
	Cwd   string           // relative paths are read from here
	// Config says where the config file is; its error (no HOME) is the user's to fix.
	Config func() (string, error)
	// Doc takes the one JSON document of a command run with --json (Document); nil without.
	// Out is quiet then, and Ask answers nothing: the flags answer the questions.
	Doc io.Writer

	skipped []unreachable // the locations this run skipped as unreachable, for Document
}

// LoadConfig loads the config file for an action. A missing file is a usage error that says
// how to make one.
func (e *Env) LoadConfig() (*locations.File, error) {
	return e.readConfig(func(p string) []string {
		return []string{"create it with: " + initCommand(p), "or copy micsync.json.example to " + p + " and set your locations (README.md, Configuration)"}
	})
}

// initCommand is the command that makes the config file at p: with --config-file unless p is
// the default file.
func initCommand(p string) string {
	if p == filepath.Join(os.Getenv("HOME"), ".micsync.json") {
		return "micsync init"
	}
	return "micsync --config-file " + ui.Show(p) + " init"
}

// LoadSetupConfig loads the config file for the setup commands. A missing file is answered with
// micsync init.
func (e *Env) LoadSetupConfig() (*locations.File, error) {
	return e.readConfig(func(p string) []string {
		return []string{"create it: " + initCommand(p) + " (it asks for the locations), or copy micsync.json.example to " + p}
	}, "fix the file, then run micsync check again")
}

// readConfig loads the config file. A missing file is a usage error with the hints that missing
// gives for its path; an invalid one, with the hints invalid.
func (e *Env) readConfig(missing func(path string) []string, invalid ...string) (*locations.File, error) {
	p, err := e.Config()
	if err != nil {
		return nil, err
	}
	f, err := locations.Load(p)
	var nf *locations.NotFoundError
	switch {
	case errors.As(err, &nf):
		return nil, ui.Usage(err, missing(p)...)
	case err != nil:
		return nil, ui.Usage(err, invalid...)
	}
	return f, nil
}
