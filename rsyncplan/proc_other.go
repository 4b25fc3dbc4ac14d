//go:build !linux

package rsyncplan

import (
	"context"
	"os/exec"
)

// command returns the command for a child of micsync's. Only Linux has a parent-death signal;
// elsewhere the context stops the child when micsync ends normally.
func command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, name, args...)
}

// start starts cmd.
func start(cmd *exec.Cmd) error { return cmd.Start() }
