package disc

import (
	"cmp"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Caps is what a location's filesystem keeps of what rsync gives it, learned by trying it in
// micsync's own directory there (Learn): the driver decides, kernel or FUSE, not the name of the
// filesystem.
type Caps struct {
	// Perms says that permission bits set with chmod are kept. A filesystem that does not keep
	// them (FAT, exFAT, NTFS through ntfs-3g) shows every file with FileMode and every directory
	// with DirMode, whatever it is given; owners are not kept there either.
	Perms             bool
	FileMode, DirMode fs.FileMode
	// Owners says that the owner and group of a file are kept. Only root gives files to
	// others (rsync -o and -g), so that only root's runs try; others take them as kept.
	Owners        bool
	Symlinks      bool // a symlink can be made
	CaseSensitive bool // "A" and "a" are two names
	// TimeStep is the resolution that modification times keep: a nanosecond (ext4, btrfs,
	// xfs), a second for the filesystems that keep fractions coarsely or not at all (NTFS:
	// 100 ns, exFAT: 10 ms, as rsync compares whole seconds), two seconds on FAT.
	TimeStep time.Duration
	// RenameKeepsTimes says that a file renamed keeps the modification time it was given
	// before. rsync sets the time of its temporary file and then renames it; fusefat loses it.
	RenameKeepsTimes bool
	// BadChars are the characters of NameChars that a name may not hold there.
	BadChars string
	// MinTime and MaxTime, when not zero, bound the modification times the filesystem keeps
	// (1980 to 2107 on FAT and exFAT): a time outside comes back as another one (see timeRange).
	MinTime, MaxTime time.Time
	// MaxFileSize, when not zero, is the largest file the filesystem holds: 4 GiB less a byte
	// on FAT, whose directory entries keep a file's size in 32 bits and its time in steps of
	// two seconds, which is how Learn knows it.
	MaxFileSize int64

	HardLinks bool // a second name can be given to a file (rsync -H)
	Xattrs    bool // extended attributes in the user namespace are kept (rsync -X)
	ACLs      bool // POSIX ACLs are kept (rsync -A)
}

// NameChars are the characters that some filesystems refuse in names, as Learn tries them.
const NameChars = `:?*<>|"\`

// Everything is what a filesystem that keeps all of it has: what is assumed of a location that
// cannot be tried (on another host, or where micsync cannot write).
var Everything = Caps{Perms: true, Owners: true, Symlinks: true, CaseSensitive: true, TimeStep: time.Nanosecond, RenameKeepsTimes: true,
	HardLinks: true, Xattrs: true, ACLs: true}

// Learn tries what the filesystem of dir keeps, with entries of its own made in dir (micsync's
// directory in the location, ROOT/.micsync) and removed again. ok is false when dir cannot be
// written: then caps is Everything.
func Learn(dir string) (caps Caps, ok bool) {
	try, err := os.MkdirTemp(dir, "probe-")
	if err != nil {
		return Everything, false
	}
	defer os.RemoveAll(try)
	file := filepath.Join(try, "File")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		return Everything, false
	}
	caps.Perms = keepsMode(file, 0o640) && keepsMode(file, 0o600) && keepsMode(try, 0o750)
	if !caps.Perms {
		if fi, err := os.Stat(file); err == nil {
			caps.FileMode = fi.Mode().Perm()
		}
		if fi, err := os.Stat(try); err == nil {
			caps.DirMode = fi.Mode().Perm()
		}
	}
	caps.Owners = caps.Perms && keepsOwner(file)
	caps.Symlinks = os.Symlink("File", filepath.Join(try, "link")) == nil
	_, err = os.Lstat(filepath.Join(try, "file"))
	caps.CaseSensitive = err != nil
	caps.TimeStep = timeStep(file)
	caps.RenameKeepsTimes = renameKeepsTimes(try, caps.TimeStep)
	if caps.TimeStep >= 2*time.Second {
		caps.MaxFileSize = 1<<32 - 1
	}
	caps.MinTime, caps.MaxTime = timeRange(dir, try)
	caps.HardLinks = hardLinks(file, filepath.Join(try, "hard"))
	caps.Xattrs = keepsXattr(file)
	caps.ACLs = keepsACL(file)
	for _, c := range NameChars {
		name := filepath.Join(try, "n"+string(c))
		if os.WriteFile(name, nil, 0o600) != nil || !listed(try, "n"+string(c)) {
			caps.BadChars += string(c)
		}
	}
	return caps, true
}

// hardLinks reports whether file can get the second name link, and shows two links then.
func hardLinks(file, link string) bool {
	if os.Link(file, link) != nil {
		return false
	}
	var st unix.Stat_t
	return unix.Lstat(file, &st) == nil && st.Nlink == 2
}

// keepsXattr reports whether path takes a user extended attribute and shows it back.
func keepsXattr(path string) bool {
	if unix.Setxattr(path, "user.micsync", []byte("probe"), 0) != nil {
		return false
	}
	buf := make([]byte, 16)
	n, err := unix.Getxattr(path, "user.micsync", buf)
	return err == nil && string(buf[:n]) == "probe"
}

// probeACL is a POSIX ACL in the kernel's xattr form (version 2, then tag, permissions and id
// of each entry) that no mode can stand for: user::rw-, user:UID:r--, group::r--, mask::r--,
// other::---.
func probeACL() []byte {
	entry := func(tag, perm uint16, id uint32) []byte {
		return []byte{byte(tag), byte(tag >> 8), byte(perm), byte(perm >> 8), byte(id), byte(id >> 8), byte(id >> 16), byte(id >> 24)}
	}
	const undefined = 0xffffffff
	acl := []byte{2, 0, 0, 0}
	acl = append(acl, entry(0x01, 6, undefined)...)           // ACL_USER_OBJ
	acl = append(acl, entry(0x02, 4, uint32(os.Getuid()))...) // ACL_USER
	acl = append(acl, entry(0x04, 4, undefined)...)           // ACL_GROUP_OBJ
	acl = append(acl, entry(0x10, 4, undefined)...)           // ACL_MASK
	return append(acl, entry(0x20, 0, undefined)...)          // ACL_OTHER
}

// keepsACL reports whether path takes a POSIX ACL and shows it back.
func keepsACL(path string) bool {
	const name = "system.posix_acl_access"
	if unix.Setxattr(path, name, probeACL(), 0) != nil {
		return false
	}
	buf := make([]byte, 128)
	n, err := unix.Getxattr(path, name, buf)
	return err == nil && n > 4
}

// keepsMode reports whether path takes mode and shows it back.
func keepsMode(path string, mode fs.FileMode) bool {
	if os.Chmod(path, mode) != nil {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm() == mode
}

// keepsOwner reports whether path, when root gives it to another user and group, shows them
// back; true for a run that is not root's, which gives no file away.
func keepsOwner(path string) bool {
	if os.Geteuid() != 0 {
		return true
	}
	const other = 4242
	if os.Lchown(path, other, other) != nil {
		return false
	}
	fi, err := os.Lstat(path)
	if err != nil {
		return false
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && st.Uid == other && st.Gid == other
}

// probeTime has an odd second and a fraction, so that both a lost fraction and FAT's two
// seconds show.
var probeTime = time.Date(2021, 3, 4, 5, 6, 7, 123456789, time.UTC)

func timeStep(path string) time.Duration {
	if os.Chtimes(path, probeTime, probeTime) != nil {
		return 2 * time.Second // times cannot even be set: compare them as loosely as rsync can
	}
	fi, err := os.Stat(path)
	switch {
	case err != nil:
		return 2 * time.Second
	case fi.ModTime().Equal(probeTime):
		return time.Nanosecond
	case fi.ModTime().Unix() == probeTime.Unix():
		return time.Second
	}
	return 2 * time.Second
}

// renameKeepsTimes sets a time on a new file and renames it, as rsync does with its temporary
// file, and reports whether the time is still there, to within step.
func renameKeepsTimes(dir string, step time.Duration) bool {
	from, to := filepath.Join(dir, "before"), filepath.Join(dir, "after")
	if os.WriteFile(from, []byte("x"), 0o600) != nil || os.Chtimes(from, probeTime, probeTime) != nil || os.Rename(from, to) != nil {
		return false
	}
	fi, err := os.Stat(to)
	return err == nil && fi.ModTime().Sub(probeTime).Abs() < step
}

// The times at the edges that Learn asks a filesystem to keep.
var (
	earliest = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(2150, 1, 1, 0, 0, 0, 0, time.UTC)
)

// timeRange learns whether the filesystem of dir keeps a time as early as 1970 and as late as
// 2150, from two files of micsync's that were given those times: a kernel driver changes a time
// it cannot keep at once, a FUSE driver (exfat-fuse) only once the disc was unmounted, so the
// files stay in dir, where a later run, after the disc was plugged in again, finds what the disc
// made of them; try is where a file is tried at once ("": only the kept files are looked at). What comes back is no bound (FAT and
// exFAT drivers wrap the year around): a filesystem that does not keep an edge is taken to keep
// what FAT and exFAT keep, 1980 to 2107 (a day less at each end, for their local times).
func timeRange(dir, try string) (minTime, maxTime time.Time) {
	for _, edge := range []struct {
		name  string
		when  time.Time
		bound time.Time
		got   *time.Time
	}{
		{"time-1970", earliest, time.Date(1980, 1, 2, 0, 0, 0, 0, time.UTC), &minTime},
		{"time-2150", latest, time.Date(2107, 12, 30, 0, 0, 0, 0, time.UTC), &maxTime},
	} {
		kept := filepath.Join(dir, edge.name)
		if _, err := os.Lstat(kept); err != nil && !given(kept, edge.when) {
			os.Remove(kept)
		}
		for _, p := range []string{kept, filepath.Join(try, edge.name)} {
			if p != kept && (try == "" || !given(p, edge.when)) {
				continue
			}
			if fi, err := os.Stat(p); err == nil && !fi.ModTime().Equal(edge.when) {
				*edge.got = edge.bound
			}
		}
	}
	return minTime, maxTime
}

// given makes the file p with the modification time t.
func given(p string, t time.Time) bool {
	return os.WriteFile(p, nil, 0o644) == nil && os.Chtimes(p, t, t) == nil
}

// KeepsTime reports whether the filesystem keeps the modification time t.
func (c Caps) KeepsTime(t time.Time) bool {
	return (c.MinTime.IsZero() || !t.Before(c.MinTime)) && (c.MaxTime.IsZero() || !t.After(c.MaxTime))
}

// listed reports whether dir lists name exactly: a driver may take a name and store another.
func listed(dir, name string) bool {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return false
	}
	for _, e := range entries {
		if e.Name() == name {
			return true
		}
	}
	return false
}

// CanName reports whether the filesystem can hold an entry called name (one component).
func (c Caps) CanName(name string) bool { return !strings.ContainsAny(name, c.BadChars) }

// cached is what a cache file holds: the caps learned on a filesystem of type FSType.
type cached struct {
	FSType int64 `json:"fs_type"`
	Caps   Caps  `json:"caps"`
}

// LearnOnce is Learn for a location that has a marker: what was learned on its disc is kept in
// cache (a file of micsync's state on this machine, named by the marker's id) and taken from
// there while the disc's filesystem is of the same type; only the range of times is looked at
// anew each run, since a disc shows what it could not keep after a re-plug (see timeRange).
// A reformatted disc has lost its marker, and so its cache.
func LearnOnce(dir, cache string) (Caps, bool) {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return Learn(dir)
	}
	var c cached
	if data, err := os.ReadFile(cache); err == nil && json.Unmarshal(data, &c) == nil && c.FSType == int64(st.Type) {
		caps := c.Caps
		minTime, maxTime := timeRange(dir, "")
		if (caps.MinTime.IsZero() && !minTime.IsZero()) || (caps.MaxTime.IsZero() && !maxTime.IsZero()) {
			caps.MinTime, caps.MaxTime = cmp.Or(caps.MinTime, minTime), cmp.Or(caps.MaxTime, maxTime)
			remember(cache, int64(st.Type), caps)
		}
		return caps, true
	}
	caps, ok := Learn(dir)
	if ok {
		remember(cache, int64(st.Type), caps)
	}
	return caps, ok
}

// remember writes caps into the cache file; one that cannot be written is learned again.
func remember(cache string, fsType int64, caps Caps) {
	if data, err := json.Marshal(cached{FSType: fsType, Caps: caps}); err == nil && os.MkdirAll(filepath.Dir(cache), 0o700) == nil {
		os.WriteFile(cache, data, 0o600)
	}
}

// Remembered returns what LearnOnce keeps in cache for the disc that holds dir, without
// learning anything or writing: ok is false when nothing is kept for a filesystem of its type.
// It is for those that only read (micsync status).
func Remembered(dir, cache string) (Caps, bool) {
	var st unix.Statfs_t
	if unix.Statfs(dir, &st) != nil {
		return Caps{}, false
	}
	var c cached
	data, err := os.ReadFile(cache)
	if err != nil || json.Unmarshal(data, &c) != nil || c.FSType != int64(st.Type) {
		return Caps{}, false
	}
	return c.Caps, true
}
