// Package disc is what micsync keeps in a location's own directory on its disc, ROOT/.micsync,
// and what it learns there: the lock that makes a run the one writer of a location (lock.go),
// rsync's temporary files (temp.go), and the disc itself: whether it is still the disc the run
// planned on, its free space, whether it keeps times exactly, and flushing what was written to
// the device (disc.go).
//
// The directory is never synced: every job of a location's root excludes it.
package disc

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Name is micsync's own directory in a location's root.
const Name = ".micsync"

// Holder is a run that holds a location's lock.
type Holder struct {
	PID       int       `json:"pid"`
	Command   string    `json:"command"`
	Start     time.Time `json:"start"`
	Exclusive bool      `json:"exclusive"` // it writes to the location
}

// Me is this process as a Holder.
func Me(exclusive bool) Holder {
	return Holder{PID: os.Getpid(), Command: strings.Join(os.Args, " "), Start: started, Exclusive: exclusive}
}

var started = time.Now()

// Lock is a run's hold of a location: exclusive for a run that writes to it, shared for one
// that reads it. It is an flock on DIR/lock, so the kernel lets it go when the holder dies,
// however it dies; a lock left by a dead process is simply free. Each holder also leaves a note
// (DIR/holder-PID-RANDOM) saying who it is, for the message of the run that has to wait.
type Lock struct {
	Dir  string // the directory that holds the lock (LockDir)
	Disc string // the location's own directory on its disc, ROOT/.micsync; "" on another host
	f    *os.File
	note string
}

// lockBase is where the machine's lock files are when every user may make files there (Debian
// makes /run/lock world-writable, like /tmp); elsewhere (Arch's is root's alone) they are in
// otherBase. Which of the two is used is the same for every user of the machine, so that their
// runs see each other's locks.
var lockBase, otherBase = "/run/lock", "/tmp"

// LockDir is the directory that holds the lock of the location at path on this machine: one of
// micsync's below /run/lock or /tmp, shared by every user's runs, named after path (a
// location's path is its symlinks resolved). It is not on the location's disc: a run keeps its
// lock's file open to its end, and closing a file on a FUSE disc that stopped answering waits
// for the disc in a way that nothing interrupts, not even the kernel ending the process;
// micsync could not end.
func LockDir(path string) (string, error) {
	base := otherBase
	if fi, err := os.Stat(lockBase); err == nil && fi.IsDir() && fi.Mode().Perm() == 0o777 && fi.Mode()&fs.ModeSticky != 0 {
		base = lockBase
	}
	base = filepath.Join(base, "micsync")
	if err := shared(base); err != nil {
		return "", fmt.Errorf("%w %s: %w", ErrNoLock, base, err)
	}
	return filepath.Join(base, LockName(path)), nil
}

// LockName is the name of the lock directory of the location at path, wherever it is kept.
func LockName(path string) string {
	sum := sha256.Sum256([]byte(path))
	return hex.EncodeToString(sum[:8])
}

// BusyError means that another run holds a lock that this run needs.
type BusyError struct {
	Dir     string
	Holders []Holder // what their notes say; empty when they left none
}

func (e *BusyError) Error() string {
	if len(e.Holders) == 0 {
		return "it is in use by another micsync run"
	}
	var runs []string
	for _, h := range e.Holders {
		runs = append(runs, h.String())
	}
	return "it is in use by another micsync run (" + strings.Join(runs, "; ") + ")"
}

func (h Holder) String() string {
	s := "pid " + strconv.Itoa(h.PID)
	if !h.Start.IsZero() {
		s += ", started " + h.Start.Local().Format("2006-01-02 15:04:05")
	}
	if h.Command != "" {
		s += ": " + h.Command
	}
	return s
}

// ErrNoLock means that the lock's directory cannot be made or opened: a read-only disc, or one
// this user may not write to.
var ErrNoLock = errors.New("cannot lock")

// Acquire takes the lock in dir (made when missing) for me, without waiting: it returns a
// *BusyError when another run holds it in a way that conflicts. onDisc is the location's own
// directory on its disc (Lock.Disc); Acquire does not touch it.
func Acquire(dir, onDisc string, me Holder) (*Lock, error) {
	if err := shared(dir); err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrNoLock, dir, err)
	}
	path := filepath.Join(dir, "lock")
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if err == nil {
		f.Chmod(0o666) // whatever the umask: another user's run locks it too
	} else if errors.Is(err, fs.ErrExist) {
		f, err = os.OpenFile(path, os.O_RDONLY, 0)
	}
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrNoLock, path, err)
	}
	how := syscall.LOCK_SH
	if me.Exclusive {
		how = syscall.LOCK_EX
	}
	if err := flock(f, how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, &BusyError{Dir: dir, Holders: holders(dir, me.Exclusive)}
		}
		return nil, fmt.Errorf("%w %s: %w", ErrNoLock, path, err)
	}
	if !stillAt(f, path) {
		// The file was removed (a cleaner of old files in /tmp) between the open and the
		// flock: a run that opens the path now gets another file. Lock the one there now.
		f.Close()
		return Acquire(dir, onDisc, me)
	}
	l := &Lock{Dir: dir, Disc: onDisc, f: f}
	removeDeadNotes(dir, me.Exclusive)
	l.note = writeNote(dir, me)
	return l, nil
}

// stillAt reports whether f is still the file at path.
func stillAt(f *os.File, path string) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := os.Stat(path)
	return err == nil && os.SameFile(a, b)
}

// shared makes dir, when it is missing, as a directory that every user's runs may write in,
// like /tmp: world-writable, each user's files their own (the sticky bit). Two users who may
// both write to a location keep out of each other's way through it. A disc that keeps no
// permissions (FAT, exFAT) ignores the mode.
func shared(dir string) error {
	err := os.Mkdir(dir, 0o777)
	if err == nil {
		os.Chmod(dir, 0o777|fs.ModeSticky)
	}
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	return err
}

// HoldDir holds a lock of directory dir, for a file there that two runs holding their
// location's lock shared (two verifies of one disc) may rewrite at once, and returns what lets
// it go. Where the filesystem has no such locks (some FUSE drivers) it holds none.
func HoldDir(dir string) (unlock func()) {
	f, err := os.Open(dir)
	if err != nil {
		return func() {}
	}
	if flock(f, syscall.LOCK_EX) != nil {
		f.Close()
		return func() {}
	}
	return func() { f.Close() } // closing the descriptor releases the flock
}

// flock is syscall.Flock, again when a signal interrupts it.
func flock(f *os.File, how int) error {
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if !errors.Is(err, syscall.EINTR) {
			return err
		}
	}
}

// Release lets the lock go and removes its note.
func (l *Lock) Release() {
	if l == nil || l.f == nil {
		return
	}
	if l.note != "" {
		os.Remove(l.note)
	}
	l.f.Close() // closing the last descriptor releases the flock
	l.f = nil
}

const notePrefix = "holder-"

// writeNote leaves who holds the lock; a disc this user cannot write to gets none.
func writeNote(dir string, me Holder) string {
	b, err := json.Marshal(me)
	if err != nil {
		return ""
	}
	f, err := os.CreateTemp(dir, fmt.Sprintf("%s%d-*", notePrefix, me.PID))
	if err != nil {
		return ""
	}
	_, err = f.Write(b)
	if err = errors.Join(err, f.Chmod(0o644), f.Close()); err != nil {
		os.Remove(f.Name())
		return ""
	}
	return f.Name()
}

// holders reads the notes of the live runs that hold the lock in a way that conflicts with an
// exclusive (or shared) request.
func holders(dir string, exclusive bool) []Holder {
	var hs []Holder
	for _, n := range notes(dir) {
		h, ok := readNote(n)
		if ok && alive(h.PID) && (exclusive || h.Exclusive) {
			hs = append(hs, h)
		}
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Start.Before(hs[j].Start) })
	return hs
}

// removeDeadNotes removes the notes of runs that hold the lock no more. With the exclusive
// lock no other run holds it; with a shared one, the notes of dead processes.
func removeDeadNotes(dir string, exclusive bool) {
	for _, n := range notes(dir) {
		if h, ok := readNote(n); exclusive || !ok || !alive(h.PID) {
			os.Remove(n)
		}
	}
}

func notes(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), notePrefix) {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

func readNote(path string) (Holder, bool) {
	b, err := os.ReadFile(path)
	if err != nil {
		return Holder{}, false
	}
	var h Holder
	return h, json.Unmarshal(b, &h) == nil && h.PID > 0
}

// alive reports whether a process is there: one of another user's answers EPERM.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
