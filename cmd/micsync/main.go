// Command micsync backs up WORKING locations to BACKUP locations with rsync, showing what will
// change and asking before anything is overwritten or deleted.
//
// This package is the command line only: the kong grammar (cli.go, one file per command), the
// Run methods that turn flags into a request for package run, and exitCode, the one place that
// maps errors to exit statuses.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"micsync/prompt"
)

// version is stamped at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Main(ctx, os.Args[1:], os.Stdout, os.Stderr, prompt.New())
	stop()
	os.Exit(code)
}
