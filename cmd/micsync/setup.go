package main

// setupCmds are the commands that set micsync up rather than move data. The hidden ones make the
// files of a package: completion scripts and the manual page, from this grammar.
type setupCmds struct {
	Init  initCmd  `cmd:"" help:"Create the config file (~/.micsync.json): asks on the terminal, or takes --name, --work and --backup."`
	Check checkCmd `cmd:"" help:"Check the config file and show every location and whether it is reachable now."`

	Completion      completionCmd      `cmd:"" hidden:"" help:"Print the completion script for bash, zsh or fish."`
	CompletionWords completionWordsCmd `cmd:"" name:"completion-words" hidden:"" help:"Print the configuration names or location roots of the config file, one a line, for the completion scripts."`
	Man             manCmd             `cmd:"" hidden:"" help:"Print the manual page (roff)."`
}
