package locations

import (
	"errors"
	"os"
	"path/filepath"
)

// StateDir is where micsync keeps what it remembers on this machine: $XDG_STATE_HOME/micsync,
// by default ~/.local/state/micsync.
func StateDir() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return filepath.Join(dir, "micsync"), nil
	}
	home := os.Getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set")
	}
	return filepath.Join(home, ".local", "state", "micsync"), nil
}
