package rsyncplan

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// micsync's own temporary directories (lists for rsync's --files-from, empty directories to
// list into, markers fetched from another host) are named tempPrefix* below os.TempDir(), and
// the process that made one keeps it locked (flock on the directory) while it lives. The kernel
// drops the lock when the process dies, however it dies: a directory whose lock can be taken
// was left by a killed run, and the next run removes it (RemoveDeadTempDirs). The directory
// holds nothing of the lock's, so that an empty one stays empty for rsync.
const (
	tempPrefix = "micsync-tmp-"
	// tempGrace is how old an unlocked directory must be before it counts as a dead run's:
	// a younger one may be between its mkdir and its lock.
	tempGrace = time.Minute
)

// tempLocks are the open (and locked) directories of the process's temporary directories.
var tempLocks struct {
	sync.Mutex
	open []*os.File
}

// TempDir creates a new directory for temporary files below os.TempDir(), as
// os.MkdirTemp("", "micsync-tmp-"+pattern) does, and keeps it locked while the process lives.
// The caller removes it with os.RemoveAll; one that a killed run leaves is removed by a later
// run.
func TempDir(pattern string) (string, error) {
	dir, err := os.MkdirTemp("", tempPrefix+pattern)
	if err != nil {
		return "", err
	}
	f, err := os.Open(dir)
	if err == nil {
		if err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
			f.Close()
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	tempLocks.Lock()
	defer tempLocks.Unlock()
	// Callers remove their directories, not the locks: let go of those of removed ones.
	open := tempLocks.open[:0]
	for _, o := range tempLocks.open {
		if removed(o) {
			o.Close()
		} else {
			open = append(open, o)
		}
	}
	tempLocks.open = append(open, f)
	return dir, nil
}

// removed reports whether the open directory f was removed: a removed directory has no links.
func removed(f *os.File) bool {
	fi, err := f.Stat()
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Nlink == 0
}

// RemoveDeadTempDirs removes the temporary directories that runs of the current user left when
// they were killed, and returns how many it removed. A run calls it once when it starts; it
// never touches a directory of a run that is still going, nor another user's.
func RemoveDeadTempDirs() int {
	tmp := os.TempDir()
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), tempPrefix) && e.IsDir() && removeIfDead(filepath.Join(tmp, e.Name())) {
			n++
		}
	}
	return n
}

// removeIfDead removes dir, a temporary directory of micsync's, when the process that made it
// has ended, and reports whether it did.
func removeIfDead(dir string) bool {
	fi, err := os.Lstat(dir)
	if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < tempGrace {
		return false
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); !ok || int(st.Uid) != os.Getuid() {
		return false
	}
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close()
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return false // its process holds the lock: it is running
	}
	return os.RemoveAll(dir) == nil
}
