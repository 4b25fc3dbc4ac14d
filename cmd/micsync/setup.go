package main

// setupCmds are the commands that set micsync up rather than move data.
type setupCmds struct{}
