package disc

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// tempName is the directory below Lock.Disc that holds each run's directory for rsync's
// temporary files.
const tempName = "tmp"

// TempDir makes a directory of this run's own for rsync's temporary files (--temp-dir), on
// the location's filesystem so that rsync's rename stays atomic. The run holds the location's
// exclusive lock; a run that dies leaves the directory, and the next run removes it
// (RemoveLeftovers).
func (l *Lock) TempDir() (string, error) {
	if err := shared(l.Disc); err != nil {
		return "", fmt.Errorf("make micsync's directory on the disc: %w", err)
	}
	parent := filepath.Join(l.Disc, tempName)
	if err := shared(parent); err != nil {
		return "", fmt.Errorf("make the directory for rsync's temporary files: %w", err)
	}
	dir, err := os.MkdirTemp(parent, fmt.Sprintf("%d-", os.Getpid()))
	if err != nil {
		return "", fmt.Errorf("make the directory for rsync's temporary files: %w", err)
	}
	return dir, nil
}

// Leftovers is what RemoveLeftovers removed.
type Leftovers struct {
	Files int
	Bytes int64
}

// RemoveLeftovers removes the temporary files of runs that died while they wrote to the
// location. It is called with the exclusive lock held, so that no run that is still going has
// any there: all that the directory holds is left over. What another user's run left, this
// user may not remove: that user's next run does.
func (l *Lock) RemoveLeftovers() Leftovers {
	var left Leftovers
	parent := filepath.Join(l.Disc, tempName)
	entries, _ := os.ReadDir(parent)
	for _, e := range entries {
		dir := filepath.Join(parent, e.Name())
		var here Leftovers
		filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				here.Files++
				if fi, err := d.Info(); err == nil {
					here.Bytes += fi.Size()
				}
			}
			return nil
		})
		if os.RemoveAll(dir) == nil {
			left.Files += here.Files
			left.Bytes += here.Bytes
		}
	}
	return left
}
