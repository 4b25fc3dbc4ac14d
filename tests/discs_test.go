package tests

// Real discs for the tests of issue 13: a sparse image file, a filesystem made on it, a loop
// device and a mount, as a USB disc is. The kernel here has ext4 but no vfat, exfat or ntfs3
// driver, so exFAT, NTFS and FAT32 are mounted with their FUSE drivers (exfat-fuse, ntfs-3g,
// fusefat), whose daemon can be stopped to make a disc that no longer answers
// (../shared/guides/DISCS.md).

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// requireDiscs, set to 1 (as CI does), makes a test that cannot mount its discs fail instead of
// skipping, so that CI cannot pass without running them.
const requireDiscs = "MICSYNC_REQUIRE_DISCS"

// The filesystems a disc can have.
const (
	ext4  = "ext4"
	exfat = "exfat"
	ntfs  = "ntfs"
	fat32 = "fat32"
)

// discDeadline bounds every wait for a disc (a mount, a daemon's exit): a hang fails the test.
const discDeadline = 30 * time.Second

// loopDisc is a filesystem image on a loop device, mounted for one test.
type loopDisc struct {
	t *testing.T
	// FS is ext4, exfat, ntfs or fat32.
	FS string
	// Image is the image file; Dev the loop device it is attached to; Dir the mount point.
	Image, Dev, Dir string
	// Options are mount options (-o), e.g. commit=60 for ext4.
	Options []string

	mounted bool
	stopped int // the FUSE daemon's pid while it is stopped
}

// discUnavailable skips the test with the reason the machine cannot give it a disc, or fails
// it when requireDiscs is set.
func discUnavailable(t *testing.T, format string, args ...any) {
	t.Helper()
	reason := fmt.Sprintf(format, args...)
	if os.Getenv(requireDiscs) == "1" {
		t.Fatalf("cannot mount a disc, and %s=1 is set: %s", requireDiscs, reason)
	}
	t.Skipf("cannot mount a disc here: %s", reason)
}

// discTools are the programs each filesystem needs: mkfs first, then the mount command.
var discTools = map[string][]string{
	ext4:  {"mkfs.ext4", "mount"},
	exfat: {"mkfs.exfat", "mount.exfat-fuse"},
	ntfs:  {"mkntfs", "ntfs-3g"},
	fat32: {"mkfs.fat", "fusefat"},
}

// sbin finds a program in PATH or in the sbin directories, which an ordinary user's PATH often
// lacks; "" when it is nowhere.
func sbin(name string) string {
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if p := filepath.Join(dir, name); isExecutable(p) {
			return p
		}
	}
	return ""
}

func isExecutable(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// newDisc makes a sparse image of sizeMB megabytes with filesystem fs, attaches it to a loop
// device and mounts it, with mount options opts. Everything is undone when the test ends,
// whether it passed or not: a stopped daemon is continued first, or unmounting would hang.
func newDisc(t *testing.T, fs string, sizeMB int, opts ...string) *loopDisc {
	t.Helper()
	if os.Geteuid() != 0 {
		discUnavailable(t, "mounting a loop device needs root")
	}
	for _, dev := range []string{"/dev/loop-control", "/dev/fuse"} {
		if dev == "/dev/fuse" && fs == ext4 {
			continue
		}
		if _, err := os.Stat(dev); err != nil {
			discUnavailable(t, "%v", err)
		}
	}
	for _, tool := range append([]string{"losetup", "umount"}, discTools[fs]...) {
		if sbin(tool) == "" {
			discUnavailable(t, "%s is not installed (see .ci/run for the Debian packages)", tool)
		}
	}

	dir := t.TempDir() // removed after the cleanup below, which is registered later
	d := &loopDisc{t: t, FS: fs, Image: filepath.Join(dir, fs+".img"), Dir: filepath.Join(dir, "mnt"), Options: opts}
	require.NoError(t, os.Mkdir(d.Dir, 0o755))
	f, err := os.Create(d.Image)
	require.NoError(t, err)
	require.NoError(t, f.Truncate(int64(sizeMB)<<20)) // sparse: only what the filesystem writes takes space
	require.NoError(t, f.Close())

	var mkfs []string
	switch fs {
	case ext4:
		mkfs = []string{"mkfs.ext4", "-q", "-F", d.Image}
	case exfat:
		mkfs = []string{"mkfs.exfat", d.Image}
	case ntfs:
		mkfs = []string{"mkntfs", "-Q", "-F", d.Image}
	case fat32:
		mkfs = []string{"mkfs.fat", "-F", "32", d.Image}
	default:
		t.Fatalf("no filesystem %q", fs)
	}
	if out, err := exec.Command(sbin(mkfs[0]), mkfs[1:]...).CombinedOutput(); err != nil {
		discUnavailable(t, "%s: %v\n%s", strings.Join(mkfs, " "), err, out)
	}
	out, err := exec.Command(sbin("losetup"), "-f", "--show", d.Image).CombinedOutput()
	if err != nil {
		discUnavailable(t, "losetup -f --show %s: %v\n%s", d.Image, err, out)
	}
	d.Dev = strings.TrimSpace(string(out))
	t.Cleanup(d.cleanup)
	if err := d.tryMount(); err != nil {
		discUnavailable(t, "%v", err)
	}
	t.Logf("%s disc %s on %s mounted at %s", fs, d.Image, d.Dev, d.Dir)
	return d
}

// path joins rel to the mount point.
func (d *loopDisc) path(rel ...string) string {
	return filepath.Join(append([]string{d.Dir}, rel...)...)
}

// mountCommand returns the command that mounts dev on dir read-write with d's options, or
// read-only.
func (d *loopDisc) mountCommand(dev, dir string, readOnly bool) []string {
	opts := append([]string(nil), d.Options...)
	if readOnly {
		opts = append(opts, "ro")
	}
	var argv []string
	switch d.FS {
	case ext4:
		argv = []string{"mount", "-t", "ext4"}
	case exfat:
		argv = []string{"mount.exfat-fuse"}
	case ntfs:
		argv = []string{"ntfs-3g"}
	case fat32:
		if !readOnly {
			opts = append(opts, "rw+") // fusefat mounts read-only unless told rw+
		}
		argv = []string{"fusefat"}
	}
	if len(opts) > 0 {
		argv = append(argv, "-o", strings.Join(opts, ","))
	}
	return append(argv, dev, dir)
}

// tryMount mounts the loop device on Dir and checks that Dir is then another filesystem.
func (d *loopDisc) tryMount() error {
	argv := d.mountCommand(d.Dev, d.Dir, false)
	if out, err := exec.Command(sbin(argv[0]), argv[1:]...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	d.mounted = true
	if !isMountPoint(d.Dir) {
		return fmt.Errorf("%s said it mounted %s, and %s is still the directory below", argv[0], d.Dev, d.Dir)
	}
	return nil
}

// isMountPoint reports whether dir is on another device than its parent.
func isMountPoint(dir string) bool {
	var st, parent syscall.Stat_t
	if syscall.Stat(dir, &st) != nil || syscall.Stat(filepath.Dir(dir), &parent) != nil {
		return false
	}
	return st.Dev != parent.Dev
}

// Mount mounts the disc again after Unmount, UnmountLazy or KillDaemon.
func (d *loopDisc) Mount() {
	d.t.Helper()
	require.False(d.t, d.mounted, "%s is mounted already", d.Dir)
	require.NoError(d.t, d.tryMount())
}

// Remount unmounts the disc and mounts it again, so that what is read next comes from the
// filesystem on the device, not from what the mount holds in memory.
func (d *loopDisc) Remount() {
	d.t.Helper()
	d.Unmount()
	d.Mount()
}

// Unmount unmounts the disc as a user ejects it, and waits for a FUSE daemon to exit: until it
// has, it holds the loop device and the disc cannot be mounted again.
func (d *loopDisc) Unmount() {
	d.t.Helper()
	pid := 0
	if d.FS != ext4 {
		pid = d.daemon()
	}
	if out, err := exec.Command(sbin("umount"), d.Dir).CombinedOutput(); err != nil {
		d.t.Fatalf("umount %s: %v\n%s", d.Dir, err, out)
	}
	d.mounted = false
	if pid != 0 {
		waitExit(d.t, pid)
	}
}

// UnmountLazy detaches the mount at once, as a disc pulled out mid-run: programs that have
// files or a working directory on it go on using the detached filesystem, and Dir is at once
// the empty directory on the internal disc below it.
func (d *loopDisc) UnmountLazy() {
	d.t.Helper()
	if out, err := exec.Command(sbin("umount"), "-l", d.Dir).CombinedOutput(); err != nil {
		d.t.Fatalf("umount -l %s: %v\n%s", d.Dir, err, out)
	}
	d.mounted = false
}

// daemon returns the pid of the FUSE daemon that serves the disc: the process that has both
// the loop device and /dev/fuse open (fusefat rewrites its command line, so that is no guide).
func (d *loopDisc) daemon() int {
	d.t.Helper()
	require.NotEqual(d.t, ext4, d.FS, "ext4 is the kernel's: no daemon")
	procs, err := os.ReadDir("/proc")
	require.NoError(d.t, err)
	for _, p := range procs {
		pid, err := strconv.Atoi(p.Name())
		if err != nil {
			continue
		}
		fds, err := os.ReadDir(filepath.Join("/proc", p.Name(), "fd"))
		if err != nil {
			continue // gone, or a kernel thread
		}
		var dev, fuse bool
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join("/proc", p.Name(), "fd", fd.Name()))
			if err != nil {
				continue
			}
			dev = dev || target == d.Dev
			fuse = fuse || target == "/dev/fuse"
		}
		if dev && fuse {
			return pid
		}
	}
	d.t.Fatalf("no FUSE daemon holds %s and /dev/fuse", d.Dev)
	return 0
}

// Stop stops the FUSE daemon (SIGSTOP): from then on every access to the disc waits, as with a
// disc that stopped answering, until Continue.
func (d *loopDisc) Stop() {
	d.t.Helper()
	pid := d.daemon()
	require.NoError(d.t, syscall.Kill(pid, syscall.SIGSTOP))
	d.stopped = pid
}

// Continue lets a stopped daemon go on.
func (d *loopDisc) Continue() {
	d.t.Helper()
	if d.stopped != 0 {
		require.NoError(d.t, syscall.Kill(d.stopped, syscall.SIGCONT))
		d.stopped = 0
	}
}

// KillDaemon kills the FUSE daemon (SIGKILL) and waits until it is gone, as a driver that
// crashes: what it had not written to the device is lost. The mount is then dead; Mount mounts
// the disc again.
func (d *loopDisc) KillDaemon() {
	d.t.Helper()
	pid := d.daemon()
	require.NoError(d.t, syscall.Kill(pid, syscall.SIGKILL))
	d.stopped = 0
	waitExit(d.t, pid)
	// The kernel keeps the dead mount ("Transport endpoint is not connected") until unmounted.
	if out, err := exec.Command(sbin("umount"), d.Dir).CombinedOutput(); err != nil {
		out2, err2 := exec.Command(sbin("umount"), "-l", d.Dir).CombinedOutput()
		require.NoError(d.t, err2, "umount %s: %v\n%s\numount -l: %s", d.Dir, err, out, out2)
	}
	d.mounted = false
}

// waitExit waits until process pid has exited, and fails the test if it still runs after
// discDeadline. A zombie has exited: pid 1 here may take a second or more to reap the FUSE
// daemons it inherited.
func waitExit(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(discDeadline); running(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("process %d still runs after %v", pid, discDeadline)
		}
	}
}

// running reports whether process pid exists and is no zombie.
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// "PID (COMM) STATE ...": COMM may hold blanks and parentheses, the last ")" ends it.
	i := bytes.LastIndexByte(stat, ')')
	fields := strings.Fields(string(stat[i+1:]))
	return i >= 0 && len(fields) > 0 && fields[0] != "Z" && fields[0] != "X"
}

// FromImage returns a directory that shows rel (a path on the disc) as the image file holds it
// now: what a reader of the device would find if the disc were pulled out at this moment,
// without what the mount still holds in memory. The directory goes away when the test ends.
//
// ext4 is read with debugfs (its rdump keeps modes and times); the FUSE filesystems are
// mounted read-only from a second, read-only loop device on the same image, which reads the
// image file and none of the first loop device's cache.
func (d *loopDisc) FromImage(rel string) string {
	d.t.Helper()
	out := d.t.TempDir()
	rel = strings.Trim(filepath.Clean("/"+rel), "/")
	if d.FS == ext4 {
		src := "/" + rel
		dest := out
		if rel == "" {
			dest = filepath.Join(out, "root")
			require.NoError(d.t, os.Mkdir(dest, 0o755))
		}
		argv := []string{"debugfs", "-R", fmt.Sprintf("rdump %q %q", src, dest), d.Image}
		got, err := exec.Command(sbin(argv[0]), argv[1:]...).CombinedOutput()
		require.NoError(d.t, err, "%s: %s", strings.Join(argv, " "), got)
		if rel == "" {
			return dest
		}
		return filepath.Join(out, filepath.Base(rel)) // debugfs may say nothing when rel is not there
	}
	dev, err := exec.Command(sbin("losetup"), "-f", "--show", "-r", d.Image).CombinedOutput()
	require.NoError(d.t, err, "losetup -r %s: %s", d.Image, dev)
	second := strings.TrimSpace(string(dev))
	mnt := filepath.Join(out, "mnt")
	require.NoError(d.t, os.Mkdir(mnt, 0o755))
	d.t.Cleanup(func() {
		if isMountPoint(mnt) {
			if o, err := exec.Command(sbin("umount"), mnt).CombinedOutput(); err != nil {
				d.t.Errorf("umount %s: %v\n%s", mnt, err, o)
				exec.Command(sbin("umount"), "-l", mnt).Run()
			}
		}
		// The daemon of the read-only mount may still hold the device for a moment; losetup -d
		// then marks it to be detached when it is let go.
		if o, err := exec.Command(sbin("losetup"), "-d", second).CombinedOutput(); err != nil {
			d.t.Errorf("losetup -d %s: %v\n%s", second, err, o)
		}
	})
	argv := d.mountCommand(second, mnt, true)
	got, err := exec.Command(sbin(argv[0]), argv[1:]...).CombinedOutput()
	require.NoError(d.t, err, "%s: %s", strings.Join(argv, " "), got)
	return filepath.Join(mnt, rel)
}

// cleanup undoes newDisc whatever state the test left the disc in.
func (d *loopDisc) cleanup() {
	t := d.t
	if d.stopped != 0 {
		syscall.Kill(d.stopped, syscall.SIGCONT) // a stopped daemon would hang the unmount
		d.stopped = 0
	}
	if isMountPoint(d.Dir) {
		if out, err := exec.Command(sbin("umount"), d.Dir).CombinedOutput(); err != nil {
			// Busy (a process of the test still runs there): detach it; the kernel lets go of the
			// filesystem when the last user does.
			t.Logf("umount %s: %v: %s; detaching it with umount -l", d.Dir, err, out)
			if out, err := exec.Command(sbin("umount"), "-l", d.Dir).CombinedOutput(); err != nil {
				t.Errorf("umount -l %s: %v\n%s", d.Dir, err, out)
			}
		}
	}
	// Detach the loop device. While a FUSE daemon or a lazily unmounted filesystem still holds
	// it, losetup -d only marks it to go when it is let go, which is all we need.
	if out, err := exec.Command(sbin("losetup"), "-d", d.Dev).CombinedOutput(); err != nil {
		t.Errorf("losetup -d %s: %v\n%s", d.Dev, err, out)
	}
}

// keepsModes reports whether the filesystem keeps file modes: exFAT and NTFS (ntfs-3g's
// defaults) show every file and directory as 0777, FAT32 (fusefat) as 0700.
func (d *loopDisc) keepsModes() bool { return d.FS == ext4 }

// fixedMode is the mode every entry of a filesystem that keeps no modes reads back with.
func (d *loopDisc) fixedMode() fs.FileMode {
	if d.FS == fat32 {
		return 0o700
	}
	return 0o777
}

// contents lists the directories and regular files below dir (symlinks as their target) with
// their mode and, for files, their sha256, so that a listing says exactly what a copy holds
// and a failure shows no file's bytes. Entries named in skip (relative paths) are left out
// with all they hold; lost+found is always left out, as the filesystem's own.
func contents(t *testing.T, dir string, skip ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "lost+found" || contains(skip, rel) {
			if de.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if rel == "." {
			return nil
		}
		fi, err := de.Info()
		if err != nil {
			return err
		}
		switch {
		case fi.Mode().IsRegular():
			out[rel] = fmt.Sprintf("%s %s", fi.Mode(), fileSum(t, p))
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out[rel] = "-> " + target
		default:
			out[rel] = fi.Mode().String()
		}
		return nil
	})
	require.NoError(t, err, "list %s", dir)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// fileSum is the sha256 of a file's content, and its size.
func fileSum(t *testing.T, path string) string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	require.NoError(t, err, "read %s", path)
	return fmt.Sprintf("sha256:%x size:%d", h.Sum(nil), n)
}

// asOn returns a listing of contents as the filesystem of d shows the same entries: where it
// keeps no modes, with its fixed mode instead of each entry's own.
func (d *loopDisc) asOn(listing map[string]string) map[string]string {
	if d.keepsModes() {
		return listing
	}
	out := map[string]string{}
	for k, v := range listing {
		mode, rest, _ := strings.Cut(v, " ")
		if strings.HasPrefix(mode, "d") {
			out[k] = (fs.ModeDir | d.fixedMode()).String()
		} else if mode != "->" {
			out[k] = strings.TrimSpace(d.fixedMode().String() + " " + rest)
		} else {
			out[k] = v
		}
	}
	return out
}

// freeBytes is what root may still write on the filesystem of dir: the tests run as root, and
// root may use the blocks ext4 keeps for it, which an ordinary user may not.
func freeBytes(t *testing.T, dir string) int64 {
	t.Helper()
	var st syscall.Statfs_t
	require.NoError(t, syscall.Statfs(dir, &st))
	return int64(st.Bfree) * st.Bsize
}

// TestDiscHarness checks the harness itself on every filesystem, so that a fault test that
// fails fails for micsync's reason: a file written survives Remount, FromImage shows it once it
// is flushed, and a FUSE daemon can be found, stopped, continued and killed.
func TestDiscHarness(t *testing.T) {
	for _, fsys := range []string{ext4, exfat, ntfs, fat32} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			d := newDisc(t, fsys, 64)
			require.NoError(t, os.Mkdir(d.path("b"), 0o755))
			require.NoError(t, os.WriteFile(d.path("b", "f.txt"), []byte("on the disc"), 0o644))
			d.Remount()
			require.Equal(t, "on the disc", readFile(t, d.path("b", "f.txt")))
			require.Equal(t, "on the disc", readFile(t, filepath.Join(d.FromImage("b"), "f.txt")),
				"a clean unmount wrote it to the image")
			if !d.keepsModes() {
				fi, err := os.Stat(d.path("b", "f.txt"))
				require.NoError(t, err)
				require.Equal(t, d.fixedMode(), fi.Mode().Perm())
			}
			if fsys == ext4 {
				d.UnmountLazy()
				require.False(t, isMountPoint(d.Dir))
				d.Mount()
				return
			}
			d.Stop()
			d.Continue()
			require.Equal(t, "on the disc", readFile(t, d.path("b", "f.txt")))
			d.KillDaemon()
			require.False(t, isMountPoint(d.Dir))
			d.Mount()
			require.Equal(t, "on the disc", readFile(t, d.path("b", "f.txt")))
			d.Stop() // left stopped: the cleanup must continue it before it unmounts
		})
	}
}
