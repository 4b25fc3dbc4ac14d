package disc

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// ID is what a location's root is: the device and inode of the root directory, and of its
// marker where it has one. A disc that is unmounted, even lazily while rsync writes to it,
// leaves its mount point behind as a directory of another device; one mounted in its place has
// another marker.
type ID struct {
	Dev, Ino             uint64
	Marker               string // the marker's path, "" when the location has none
	MarkerDev, MarkerIno uint64 // the marker's device and inode
}

// ErrGone means that a location's root is no longer the directory it was.
var ErrGone = errors.New("went away during the run")

// Identify says what the directory root and, when marker is set, the marker file in it are now.
func Identify(root, marker string) (ID, error) {
	var id ID
	var err error
	if id.Dev, id.Ino, err = devIno(root, true); err != nil {
		return id, err
	}
	if marker != "" {
		id.Marker = filepath.Join(root, marker)
		if id.MarkerDev, id.MarkerIno, err = devIno(id.Marker, false); err != nil {
			return id, err
		}
	}
	return id, nil
}

// Check fails with ErrGone when root is no longer what id says.
func (id ID) Check(root string) error {
	dev, ino, err := devIno(root, true)
	if err != nil || dev != id.Dev || ino != id.Ino {
		return ErrGone
	}
	if id.Marker != "" {
		dev, ino, err := devIno(id.Marker, false)
		if err != nil || dev != id.MarkerDev || ino != id.MarkerIno {
			return ErrGone
		}
	}
	return nil
}

func devIno(path string, dir bool) (dev, ino uint64, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	if dir && !fi.IsDir() {
		return 0, 0, fmt.Errorf("%s is not a directory", path)
	}
	st := fi.Sys().(*syscall.Stat_t)
	return uint64(st.Dev), st.Ino, nil
}

// Space is what a location's filesystem has room for.
type Space struct {
	Free  int64 // bytes this user may still write
	Block int64 // the size a file's space is rounded up to
}

// ErrNoSize means that a filesystem does not tell its size.
var ErrNoSize = errors.New("the filesystem does not tell its size")

// SpaceOf reads the free space of the filesystem that holds dir.
func SpaceOf(dir string) (Space, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return Space{}, fmt.Errorf("read the free space of %s: %w", dir, err)
	}
	if st.Blocks == 0 {
		// fusefat says nothing of its size: zero blocks, none of them free.
		return Space{}, fmt.Errorf("read the free space of %s: %w", dir, ErrNoSize)
	}
	return Space{Free: int64(st.Bavail) * int64(st.Bsize), Block: int64(st.Bsize)}, nil
}

// Takes returns the space a file of size bytes takes there, where allocated says how much of it is
// really allocated in the source (-1 when unknown) and holes says whether the destination
// keeps holes (rsync --sparse writes them).
func (s Space) Takes(size, allocated int64, holes bool) int64 {
	if holes && allocated >= 0 && allocated < size {
		size = allocated
	}
	if s.Block > 0 {
		size = (size + s.Block - 1) / s.Block * s.Block
	}
	return size
}

// Allocated returns the bytes that a file really occupies (st_blocks), -1 when unknown.
func Allocated(path string) int64 {
	fi, err := os.Lstat(path)
	if err != nil {
		return -1
	}
	return fi.Sys().(*syscall.Stat_t).Blocks * 512
}

// probe makes a file of micsync's in dir (the lock's directory), for a test of what the
// filesystem keeps, and returns it to be removed by the caller.
func probe(dir string) (*os.File, error) {
	return os.CreateTemp(dir, "probe-")
}

// KeepsHoles reports whether the filesystem of dir stores a file with a hole as sparse.
func KeepsHoles(dir string) bool {
	f, err := probe(dir)
	if err != nil {
		return false
	}
	defer os.Remove(f.Name())
	defer f.Close()
	if f.Truncate(1<<20) != nil {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Sys().(*syscall.Stat_t).Blocks*512 < 1<<20
}

// KeepsNanoseconds reports whether the filesystem of dir keeps a modification time to the
// nanosecond, as ext4, btrfs and xfs do and FAT (2 s), exFAT (10 ms) and NTFS (100 ns) do not.
func KeepsNanoseconds(dir string) bool {
	f, err := probe(dir)
	if err != nil {
		return false
	}
	name := f.Name()
	f.Close()
	defer os.Remove(name)
	t := time.Date(2021, 3, 4, 5, 6, 7, 123456789, time.UTC)
	if os.Chtimes(name, t, t) != nil {
		return false
	}
	fi, err := os.Stat(name)
	return err == nil && fi.ModTime().Equal(t)
}

// Flush writes what this machine holds in memory for the filesystem of dir to its device:
// syncfs for the kernel's part, then an fsync of a file of micsync's, which a FUSE driver
// (exFAT, NTFS and FAT ones) needs to write out what it keeps itself. A disc may be pulled out
// once it returns.
//
// Both are done by coreutils' sync, in a process of its own: a flush waits for the disc in a
// way that nothing interrupts, and a disc that stops answering in the middle of it (a dying
// stick, a FUSE driver that hangs) would keep micsync itself from ending, Ctrl-C or not. Where
// there is no sync, micsync flushes itself.
func Flush(dir string) error {
	name := filepath.Join(dir, "flushed")
	err := os.WriteFile(name, []byte(time.Now().UTC().Format(time.RFC3339)+"\n"), 0o666)
	if err != nil {
		return fmt.Errorf("flush %s: %w", dir, err)
	}
	sync, err := exec.LookPath("sync")
	if err != nil {
		return flushHere(dir, name)
	}
	for _, args := range [][]string{{"-f", "--", dir}, {"--", name}} {
		var stderr strings.Builder
		cmd := exec.Command(sync, args...)
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("flush %s: sync: %s", dir, cmp.Or(strings.TrimSpace(stderr.String()), err.Error()))
		}
	}
	return nil
}

// flushHere is Flush in micsync's own process.
func flushHere(dir, name string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("flush %s: %w", dir, err)
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("flush %s: %w", dir, err)
	}
	f, err := os.OpenFile(name, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("flush %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil && !errors.Is(err, syscall.ENOSYS) && !errors.Is(err, fs.ErrInvalid) {
		return fmt.Errorf("flush %s: %w", dir, err)
	}
	return nil
}
