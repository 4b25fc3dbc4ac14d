package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"micsync/internal/disc"
	"micsync/internal/trash"
	"micsync/locations"
)

// scenarioIDs are the ids of every scenario, in the order a round runs them.
var scenarioIDs = func() []string {
	var ids []string
	for _, s := range (&bench{}).scenarios() {
		ids = append(ids, s.id)
	}
	return ids
}()

func (b *bench) scenarios() []scenario {
	backup := func(args ...string) []string {
		return append([]string{b.bin, "backup", "-m", "--yes"}, append(args, b.cur)...)
	}
	// --max-delete: more than 1000 deletions need a second yes, which --yes does not give.
	work := func(args ...string) []string {
		return append([]string{b.bin, "work", "-D", "-m", "--yes", "--max-delete", "all", "--from", b.old},
			append(args, b.wdst)...)
	}
	rsync := func(args ...string) []string { return append([]string{"rsync"}, args...) }
	// syncfs of dst's filesystem, what micsync does before it says ok (GNU sync -f).
	syncfs := []string{"sync", "-f", b.dst}
	one := []string{"--to", b.dst}
	var two []string
	cur, dst := b.cur+"/", b.dst+"/"
	return []scenario{
		{id: "backup", what: "(a) micsync backup", micsync: true,
			prepare: b.restore(b.old, b.dst), runs: [][]string{backup(one...)},
			// backup never deletes: dst must be cur plus old's extra files.
			verify: b.verify(b.cur, b.dst, true), dsts: []string{b.dst}},
		{id: "work", what: "(a) micsync work -D", micsync: true,
			prepare: b.restore(b.cur, b.wdst), runs: [][]string{work()},
			verify: b.verify(b.old, b.wdst, false), dsts: []string{b.wdst}},
		{id: "work-notrash", what: "(a) micsync work -D --no-trash", micsync: true,
			prepare: b.restore(b.cur, b.wdst), runs: [][]string{work("--no-trash")},
			verify: b.verify(b.old, b.wdst, false), dsts: []string{b.wdst}},
		{id: "rsync", what: "(b) rsync -a --delete, the same changes",
			prepare: b.restore(b.old, b.dst), runs: [][]string{rsync("-a", "--delete", cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}},
		// micsync flushes a destination before it reports ok; plain rsync does not. These are
		// plain rsync with either flush it could have: syncfs at the end, or an fsync per file.
		{id: "rsync-sync", what: "rsync -a --delete, then sync -f DST (syncfs)",
			prepare: b.restore(b.old, b.dst), runs: [][]string{rsync("-a", "--delete", cur, dst), syncfs},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}},
		{id: "rsync-fsync", what: "rsync -a --delete --fsync (an fsync per file)",
			prepare: b.restore(b.old, b.dst), runs: [][]string{rsync("-a", "--delete", "--fsync", cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}},
		{id: "old3", what: "(d) the old tool's three passes",
			prepare: b.restore(b.old, b.dst), runs: [][]string{
				rsync("-n", "-a", "--existing", cur, dst),
				rsync("-n", "-a", "--delete", "--ignore-existing", "--existing", cur, dst),
				rsync("-a", cur, dst),
			},
			verify: b.verify(b.cur, b.dst, true), dsts: []string{b.dst}},
		{id: "backup2", what: "micsync backup to 2 BACKUPs at once (default --jobs)", micsync: true,
			prepare: b.restore(b.old, b.dst, b.dst2), runs: [][]string{backup(two...)},
			verify: b.verify(b.cur, b.dst, true, b.dst2), dsts: []string{b.dst, b.dst2}},
		{id: "backup2-seq", what: "micsync backup to 2 BACKUPs one after the other (--jobs 1)", micsync: true,
			prepare: b.restore(b.old, b.dst, b.dst2), runs: [][]string{backup(append(two, "--jobs", "1")...)},
			verify: b.verify(b.cur, b.dst, true, b.dst2), dsts: []string{b.dst, b.dst2}},
		// With 20 patterns and an ignore file in every tenth directory, all matching nothing:
		// the same plan as backup's, and what the rules cost.
		{id: "backup-filters", what: "micsync backup with 20 --exclude and a .micsyncignore in every tenth directory", micsync: true,
			prepare: b.withIgnoreFiles(b.restore(b.old, b.dst)), runs: [][]string{backup(append(one, excludeArgs()...)...)},
			verify: b.withoutIgnoreFiles(b.verify(b.cur, b.dst, true)), dsts: []string{b.dst}},
		{id: "backup-nochange", what: "(c) micsync backup, nothing changed", micsync: true,
			prepare: b.restore(b.cur, b.dst), runs: [][]string{backup(one...)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}},
		{id: "rsync-nochange", what: "(c) rsync -a --delete, nothing changed",
			prepare: b.restore(b.cur, b.dst), runs: [][]string{rsync("-a", "--delete", cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}},
		{id: "backup-first", what: "(e) micsync backup into an empty BACKUP", micsync: true,
			prepare: b.emptyDst, runs: [][]string{backup(one...)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}, keeps: true},
		{id: "rsync-first", what: "(e) rsync -a into an empty directory",
			prepare: b.emptyDst, runs: [][]string{rsync("-a", cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}, keeps: true},
		{id: "first-sync", what: "rsync -a into an empty directory, then sync -f DST (syncfs)",
			prepare: b.emptyDst, runs: [][]string{rsync("-a", cur, dst), syncfs},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}, keeps: true},
		{id: "first-fsync", what: "rsync -a --fsync into an empty directory (an fsync per file)",
			prepare: b.emptyDst, runs: [][]string{rsync("-a", "--fsync", cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}, keeps: true},
		{id: "first-sparse", what: "rsync -a --sparse into an empty directory (micsync copies with --sparse)",
			prepare: b.emptyDst, runs: [][]string{rsync("-a", "--sparse", cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}, keeps: true},
		// micsync gives rsync a temporary directory of the run's in the location's own directory.
		{id: "first-tempdir", what: "rsync -a --temp-dir=DST/.micsync/tmp/bench (absolute) into an empty directory",
			prepare: b.emptyDstWithTemp, runs: [][]string{rsync("-a", "--temp-dir="+filepath.Join(b.dst, benchTemp), cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}, keeps: true},
		{id: "first-reltemp", what: "rsync -a --temp-dir=.micsync/tmp/bench (relative to DST) into an empty directory",
			prepare: b.emptyDstWithTemp, runs: [][]string{rsync("-a", "--temp-dir="+benchTemp, cur, dst)},
			verify: b.verify(b.cur, b.dst, false), dsts: []string{b.dst}, keeps: true},
	}
}

// emptyDst is the prepare step of the first copies: it moves dst, a full copy, aside and puts
// an empty directory in its place. Deleting the copy instead would measure the filesystem: ext4
// without a journal (as /tmp is on the machine of docs/PERFORMANCE.md) does not reuse the inode
// of a file deleted less than 60 s ago, and it finds a free inode by looking at each such inode
// in turn, so creating 100,000 files right after deleting 100,000 took it 35-45 s instead of 7 s.
// The copies are deleted with the temporary directory at the end.
func (b *bench) emptyDst() error {
	b.asides++
	if err := os.Rename(b.dst, filepath.Join(b.aside, strconv.Itoa(b.asides))); err != nil {
		return err
	}
	if err := os.Mkdir(b.dst, 0o755); err != nil {
		return err
	}
	return b.settle()
}

// benchTemp is the temporary directory of the --temp-dir scenarios, relative to dst: inside
// micsync's own directory, as micsync's is, so that verify leaves it out.
var benchTemp = filepath.Join(disc.Name, "tmp", "bench")

// emptyDstWithTemp is emptyDst with the temporary directory made in the new dst.
func (b *bench) emptyDstWithTemp() error {
	if err := b.emptyDst(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(b.dst, benchTemp), 0o755); err != nil {
		return err
	}
	return b.settle()
}

// checkSpace fails early when the filesystem of dir cannot hold the trees the scenarios fill,
// estimated as one block for each file (they are at most 2 KiB) and directory.
func checkSpace(dir string, o options, scs []scenario) error {
	trees := 2 // cur and old
	filled := map[string]bool{}
	for _, s := range scs {
		for _, d := range s.dsts {
			if !filled[d] {
				filled[d] = true
				trees++
			}
		}
		if s.keeps {
			trees += o.reps + 1
		}
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		return err
	}
	inodes := uint64(trees) * uint64(o.files+o.dirs+o.dirs/100+1)
	bytes := inodes * uint64(fs.Bsize)
	if inodes > fs.Ffree || bytes > fs.Bavail*uint64(fs.Bsize) {
		return fmt.Errorf("%s has %d free inodes and %.1f GB free; %d trees need about %d and %.1f GB "+
			"(the first-copy scenarios keep a tree from every round: leave them out with -only, or lower -reps)",
			dir, fs.Ffree, float64(fs.Bavail*uint64(fs.Bsize))/1e9, trees, inodes, float64(bytes)/1e9)
	}
	return nil
}

// restoreArgs make dst a copy of src, except for micsync's own files in its root: a location
// that was marked counts as not mounted without its marker, and the trash directory and
// micsync's directory (its lock and rsync's temporary files) are there after a location's first
// run (restore empties the trash).
func restoreArgs(src, dst string) []string {
	return []string{"rsync", "-a", "--delete", "--exclude=/" + locations.MarkerName,
		"--exclude=/" + trash.Name + "/", "--exclude=/" + disc.Name + "/", src + "/", dst + "/"}
}

// restore returns a prepare step that makes each dst a copy of src and writes it to disc, so
// that the measured run does not pay for the writeback of the restore.
func (b *bench) restore(src string, dsts ...string) func() error {
	return func() error {
		for _, dst := range dsts {
			argv := restoreArgs(src, dst)
			if out, err := b.command(argv).CombinedOutput(); err != nil {
				return fmt.Errorf("%s: %w\n%s", quote(argv), err, out)
			}
			// Every run starts from the same state: an empty trash.
			kept := filepath.Join(dst, trash.Name)
			runs, err := os.ReadDir(kept)
			if err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			for _, r := range runs {
				if err := os.RemoveAll(filepath.Join(kept, r.Name())); err != nil {
					return err
				}
			}
		}
		return b.settle()
	}
}

// verifyArgs list, without changing anything, how dst differs from src; micsync's own files in
// a location's root are left out.
func verifyArgs(src, dst string) []string {
	return []string{"rsync", "-n", "-a", "-i", "--delete", "--exclude=/" + trash.Name + "/",
		"--exclude=/" + disc.Name + "/", "--exclude=/" + locations.MarkerName, src + "/", dst + "/"}
}

// verify returns a check that dst, and each of more, equals src; with extra, except for old's
// extra files, which a run without deletions leaves in place.
func (b *bench) verify(src, dst string, extra bool, more ...string) func() error {
	return func() error {
		want := 0
		if extra {
			want = b.data.Extra
		}
		for _, d := range append([]string{dst}, more...) {
			argv := verifyArgs(src, d)
			out, err := b.command(argv).Output()
			if err != nil {
				return fmt.Errorf("%s: %w", quote(argv), err)
			}
			lines := strings.Split(strings.TrimSpace(string(out)), "\n")
			if len(out) == 0 {
				lines = nil
			}
			deleting := 0
			for _, l := range lines {
				if strings.HasPrefix(l, "*deleting ") {
					deleting++
				}
			}
			if deleting != len(lines) || deleting != want {
				return fmt.Errorf("%s is not as expected: %s printed %d lines, expected %d lines, all *deleting:\n%s",
					d, quote(argv), len(lines), want, lastLines(string(out), 10))
			}
		}
		return nil
	}
}

// excludeArgs are benchExcludes as micsync's --exclude options.
func excludeArgs() []string {
	var args []string
	for _, p := range benchExcludes {
		args = append(args, "--exclude="+p)
	}
	return args
}
