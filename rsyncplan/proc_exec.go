package rsyncplan

import (
	"bytes"
	"os/exec"
)

// output runs cmd as exec.Cmd.Output does, started by start.
func output(cmd *exec.Cmd) ([]byte, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	if err := start(cmd); err != nil {
		return nil, err
	}
	err := cmd.Wait()
	return out.Bytes(), err
}
