package main

// setupCmds are the commands that set micsync up rather than move data: the config file, the
// completion scripts and the manual page (made from this grammar), and help. completion-words is
// for the completion scripts only.
type setupCmds struct {
	Init  initCmd  `cmd:"" help:"Create the config file (~/.micsync.json): asks on the terminal, or takes --name, --work and --backup."`
	Check checkCmd `cmd:"" help:"Check the config file and show every location and whether it is reachable now."`

	Completion      completionCmd      `cmd:"" help:"Print the completion script for bash, zsh or fish."`
	CompletionWords completionWordsCmd `cmd:"" name:"completion-words" hidden:"" help:"Print the configuration names, location roots or trash runs of the config file, one a line, for the completion scripts."`
	Man             manCmd             `cmd:"" help:"Print the manual page, micsync(1), in roff."`
	Help            helpCmd            `cmd:"" help:"Show the help of micsync, or of an action or command: micsync help backup."`
}
