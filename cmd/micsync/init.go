package main

import "micsync/internal/run"

// initCmd creates the config file, or adds a configuration to it: from its flags, for scripts, or
// by asking on the terminal. The file is written only once it passes the checks of every run.
type initCmd struct {
	Name   string   `placeholder:"NAME" help:"Name of the configuration."`
	Work   []string `placeholder:"PATH" sep:"none" help:"A WORKING location, a directory you work in; repeatable."`
	Backup []string `placeholder:"PATH" sep:"none" help:"A BACKUP location, where the copies go; repeatable."`
	Force  bool     `xor:"init-file" help:"Replace the config file if it exists."`
	Add    bool     `xor:"init-file" help:"Add the configuration to the config file if it exists."`
	Create bool     `help:"Create the WORKING and BACKUP directories that do not exist yet but whose parent directory does."`
}

func (c *initCmd) Run(a *app) error {
	return run.Init(a.env(false), run.InitRequest{Name: c.Name, Work: c.Work, Backup: c.Backup, Force: c.Force, Add: c.Add, Create: c.Create})
}
