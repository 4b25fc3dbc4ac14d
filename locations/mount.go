package locations

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// parentThere reports whether p, a directory that does not exist, is missing from a disc that is
// there (the directory was not created yet) rather than because its disc is not mounted. Only
// the parent directory is looked at, and it must be a directory that a mounted disc explains:
//   - a mount point: the disc is mounted there (/run/media/me/disk for .../disk/Documents);
//   - or a directory that holds something, but no mount point (~/Backups for ~/Backups/docs).
//
// An empty directory that is not a mount point is what a mount point looks like while its disc
// is not mounted (/mnt/disk, made for fstab), and a directory that holds mount points is where
// p itself would be mounted (/run/media/me, beside a mounted /run/media/me/disk2, for
// /run/media/me/disk1): both read as a disc that is not mounted, as does a missing parent.
func parentThere(p string) bool {
	parent := filepath.Dir(p)
	if fi, err := os.Stat(parent); err != nil || !fi.IsDir() || parent == p {
		return false
	}
	mounts := mountPoints()
	if mounts[parent] {
		return true
	}
	for m := range mounts {
		if m != parent && filepath.Dir(m) == parent {
			return false
		}
	}
	d, err := os.Open(parent)
	if err != nil {
		return false
	}
	defer d.Close()
	names, _ := d.Readdirnames(1)
	return len(names) > 0
}

// mountPoints returns the mount points of this machine, from /proc/self/mountinfo; none where it
// cannot be read. Tests replace it.
var mountPoints = func() map[string]bool {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	return parseMountinfo(bufio.NewScanner(f))
}

// parseMountinfo reads the mount points, the fifth field of each line, of /proc/self/mountinfo.
func parseMountinfo(sc *bufio.Scanner) map[string]bool {
	mounts := map[string]bool{}
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 5 {
			mounts[unescapeMount(fields[4])] = true
		}
	}
	return mounts
}

// unescapeMount undoes the octal escapes (\040 for a space) of a path in /proc/self/mountinfo.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if n, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(n))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// NotCreated returns the directory that raw names, a location on this machine as written in a
// config file in the directory dir, and whether it is not created yet (NotCreatedYet): it does
// not exist, but its parent does, as on a disc that is there. Always false for a location on
// another host, whose directory only ssh could look at.
func NotCreated(raw, dir string) (string, bool) {
	if raw == "" || IsRemote(raw) {
		return "", false
	}
	p, err := absLocation(raw, dir)
	if err != nil {
		return "", false
	}
	p = evalExisting(p)
	return p, Location{Path: p}.Unreachable() == NotCreatedYet
}
