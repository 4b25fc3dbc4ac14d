package tests

// verify, the run records, status and the rules that leave files out, on a BACKUP on a real
// disc of each filesystem: what a disc keeps less of (modes, times to 2 seconds on FAT) must
// not read as a difference, and what micsync writes on the disc must be there after a re-plug.

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/record"
)

// discFilesystems are the filesystems a BACKUP disc is tested on.
var discFilesystems = []string{ext4, exfat, ntfs, fat32}

// threeCopiesOnDisc is a configuration with WORKING w and two BACKUPs: b on a new disc of
// filesystem fsys and b2 on the internal disc, so that verify has three copies to compare.
// More configuration keys (e.g. "exclude") come in extra.
func threeCopiesOnDisc(t *testing.T, fsys string, extra map[string]any) (e *env, d *loopDisc, w, b, b2 string) {
	t.Helper()
	e = newEnv(t)
	d = newDisc(t, fsys, 64)
	w, b, b2 = e.path("w"), d.path("b"), e.path("b2")
	require.NoError(t, os.Mkdir(b, 0o755))
	require.NoError(t, os.Mkdir(b2, 0o755))
	writeDiscConfig(t, e, w, []string{b, b2}, extra)
	return e, d, w, b, b2
}

// writeDiscConfig writes the configuration "c" with WORKING w, BACKUPs backups and the keys of
// extra.
func writeDiscConfig(t *testing.T, e *env, w string, backups []string, extra map[string]any) {
	t.Helper()
	c := map[string]any{"name": "c", "work": []string{w}, "backup": backups}
	for k, v := range extra {
		c[k] = v
	}
	data, err := json.Marshal(map[string]any{"configs": []any{c}})
	require.NoError(t, err)
	e.writeConfig(t, string(data))
}

// rotInPlace flips one bit of the first byte of the file at p through whatever mount holds it,
// without truncating it (fusefat truncates nothing), and puts its modification time back: the
// file keeps its size and time, as a file whose sector went bad does. The file is opened for
// writing only: fusefat drops, without an error, what is written to a file opened O_RDWR.
func rotInPlace(t *testing.T, p string) {
	t.Helper()
	before, err := os.Stat(p)
	require.NoError(t, err)
	content, err := os.ReadFile(p)
	require.NoError(t, err)
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte{content[0] ^ 0x20}, 0)
	require.NoError(t, err)
	require.NoError(t, f.Close())
	setMtime(t, p, before.ModTime())
}

// keptSizeAndTime checks that the file at p has the size and modification time of fi.
func keptSizeAndTime(t *testing.T, p string, fi fs.FileInfo, msg string) {
	t.Helper()
	now, err := os.Stat(p)
	require.NoError(t, err)
	require.Equal(t, fi.Size(), now.Size(), msg)
	require.True(t, fi.ModTime().Equal(now.ModTime()), "%s: %v, was %v", msg, now.ModTime(), fi.ModTime())
}

// TestDisc16VerifyFindsAndRepairsABadCopyOnTheDisc backs a tree up to a disc and to a second
// BACKUP, and verifies the three copies: the disc's coarser times and the modes it cannot keep
// are no difference. A byte flipped on the disc with size and time kept is, after a re-plug,
// the disc's bad copy; --repair replaces it from a good copy, keeps the bad one in the disc's
// trash, and leaves every file on the disc with its content and the mode the disc shows.
func TestDisc16VerifyFindsAndRepairsABadCopyOnTheDisc(t *testing.T) {
	for _, fsys := range discFilesystems {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e, d, w, b, b2 := threeCopiesOnDisc(t, fsys, nil)
			workTree(t, e, w)
			const rel = "sub/deep/a.txt"
			// At an odd second and a half: FAT's copy is a second off, and still no edit.
			setMtime(t, filepath.Join(w, rel), time.Date(2024, 5, 6, 7, 8, 9, 500000000, time.UTC))
			r := e.run(t, "--backup", w)
			require.Equal(t, 0, r.Code, r)
			require.Equal(t, d.asOn(contents(t, w)), contents(t, b, micsyncsOwn...), "the disc holds the tree")

			r = e.run(t, "verify")
			require.Equal(t, 0, r.Code, "three equal copies: %s", r)
			for _, loc := range []string{"WORKING " + w, "BACKUP " + b, "BACKUP " + b2} {
				assert.Contains(t, section(r.Stdout, loc+":"), "no differences", "%s: %s", loc, r)
			}
			assert.NotContains(t, r.Stdout, "in content and in size or time", "no edit from the disc's times or modes")
			assert.Empty(t, r.Stderr, r)
			assert.FileExists(t, filepath.Join(b, ".micsync", "verified.json"), "what was verified is remembered on the disc")

			good := readFile(t, filepath.Join(w, rel))
			onDisc := filepath.Join(b, rel)
			fi, err := os.Stat(onDisc)
			require.NoError(t, err)
			rotInPlace(t, onDisc)
			d.Remount()
			rotten := readFile(t, onDisc)
			require.NotEqual(t, good, rotten, "the flipped byte reached the disc")
			keptSizeAndTime(t, onDisc, fi, "after the flip and a re-plug")

			r = e.run(t, "verify")
			assert.Equal(t, 1, r.Code, r)
			assert.Contains(t, section(r.Stdout, "BACKUP "+b+":"),
				"  bad copies (the content differs from the 2 other copies, which agree; size and time are the same, so no run copies them): 1\n    "+rel, r)
			assert.Contains(t, section(r.Stdout, "WORKING "+w+":"), "no differences", r)
			assert.Contains(t, section(r.Stdout, "BACKUP "+b2+":"), "no differences", r)
			assert.Contains(t, r.Stderr, `micsync: error: the copies of configuration "c" differ: 1 bad copy`)
			assert.Equal(t, rotten, readFile(t, onDisc), "verify changes nothing")

			r = e.run(t, "verify", "--repair", "--yes")
			require.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout, "repaired 1 file in BACKUP "+b+" from ", r)
			assert.NotContains(t, r.Stderr, "rsync", "no raw rsync message")

			d.Remount() // what is checked now is on the disc, not in the mount's memory
			kept, err := filepath.Glob(filepath.Join(b, ".micsync-trash", "*", rel))
			require.NoError(t, err)
			require.Len(t, kept, 1, "the bad copy is in the disc's trash")
			assert.Equal(t, rotten, readFile(t, kept[0]))
			assert.Equal(t, d.asOn(contents(t, w)), contents(t, b, micsyncsOwn...), "every file on the disc, with its content and mode")
			assert.Equal(t, contents(t, w), contents(t, b2, micsyncsOwn...), "the second BACKUP as it was")
			assert.Equal(t, good, readFile(t, filepath.Join(w, rel)))
			for _, dir := range []string{w, b2} {
				assert.False(t, exists(filepath.Join(dir, ".micsync-trash")), "only the bad copy is replaced")
			}
			keptSizeAndTime(t, onDisc, fi, "the repaired copy has the time of the good one")

			r = e.run(t, "verify")
			assert.Equal(t, 0, r.Code, "after the repair: %s", r)
			r = e.run(t, "--backup", "-m", w)
			require.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout, "nothing to do: up to date", "the repair left nothing for a run")

			// A machine that remembers nothing knows from the disc what was verified there.
			d.Remount()
			require.NoError(t, os.Mkdir(e.path("empty"), 0o755))
			e.Env = append(e.Env, "XDG_STATE_HOME="+e.path("empty"))
			r = e.run(t, "verify", "--status")
			require.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout, "BACKUP "+b+": 5 files (105 B) known\n    verified in the last 30 days: 5 files (105 B), 100%\n", r)
		})
	}
}

// recordLines reads the records on the disc as lines of JSON, one record each.
func recordLines(t *testing.T, root string) []record.Record {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(root, ".micsync", "runs.jsonl"))
	require.NoError(t, err)
	require.True(t, strings.HasSuffix(string(data), "\n"), "whole lines: %q", data)
	var recs []record.Record
	for _, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		var rec record.Record
		require.NoError(t, json.Unmarshal([]byte(line), &rec), "line %q", line)
		recs = append(recs, rec)
	}
	require.Equal(t, recs, discRecords(t, root), "micsync reads the same records")
	return recs
}

// TestDisc16TheDiscKeepsItsRunRecords backs up twice to a disc: the disc holds one record a
// run, each ok, written whole (no temporary file is left beside it), and after a re-plug still;
// status on a machine that remembers nothing names the disc's copies from its record alone.
func TestDisc16TheDiscKeepsItsRunRecords(t *testing.T) {
	for _, fsys := range discFilesystems {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e, d, w, b := backupOnDisc(t, fsys)
			e.Env = append(e.Env, "XDG_STATE_HOME="+e.path("state"))
			workTree(t, e, w)
			r := e.run(t, "--backup", filepath.Join(w, "sub"))
			require.Equal(t, 0, r.Code, r)
			assert.NotContains(t, r.Stderr, "not recorded", r)
			r = e.run(t, "--backup", w)
			require.Equal(t, 0, r.Code, r)
			assert.NotContains(t, r.Stderr, "not recorded", r)

			check := func(when string) {
				t.Helper()
				recs := recordLines(t, b)
				require.Len(t, recs, 2, "%s: one line a run", when)
				assert.NotEqual(t, recs[0].ID, recs[1].ID, when)
				for i, paths := range []string{"sub", "."} {
					assert.Equal(t, record.OK, recs[i].Result, "%s: %+v", when, recs[i])
					assert.Equal(t, "backup", recs[i].Action, when)
					assert.Equal(t, paths, strings.Join(namesOf(recs[i].Paths), " "), when)
					assert.Equal(t, b, string(recs[i].Destination.Root), when)
				}
				entries, err := os.ReadDir(filepath.Join(b, ".micsync"))
				require.NoError(t, err)
				for _, en := range entries {
					assert.False(t, strings.HasPrefix(en.Name(), ".runs.jsonl"), "%s: a temporary file is left: %s", when, en.Name())
				}
			}
			check("after the runs")
			d.Remount()
			check("after a re-plug")
			require.FileExists(t, e.path("state/micsync/runs.jsonl"), "this machine's records are in the state directory")

			// A machine that remembers nothing: only the disc tells.
			e.Env = append(e.Env, "XDG_STATE_HOME="+e.path("empty"))
			require.NoError(t, os.Mkdir(e.path("empty"), 0o755))
			r = e.run(t, "status")
			require.Equal(t, 0, r.Code, r)
			assert.Empty(t, r.Stderr)
			assert.Regexp(t, `(?m)^  BACKUP   `+regexp.QuoteMeta(b)+` +reachable; last run just now$`, r.Stdout)
			for _, folder := range []string{"sub", ". (the whole location)"} {
				assert.Regexp(t, `(?m)^    `+regexp.QuoteMeta(b)+`  copy of just now \(.*\); nothing changed in WORKING since$`,
					statusFolder(r.Stdout, folder), "%s: %s", folder, r.Stdout)
			}
			entries, err := os.ReadDir(e.path("empty"))
			require.NoError(t, err)
			assert.Empty(t, entries, "status writes nothing")

			// Without the disc's record the same status knows of no copy: it was the record.
			require.NoError(t, os.Rename(filepath.Join(b, ".micsync", "runs.jsonl"), filepath.Join(b, "runs.away")))
			r = e.run(t, "status")
			require.Equal(t, 0, r.Code, r)
			assert.NotContains(t, r.Stdout, "copy of", r)
		})
	}
}

func namesOf[N ~string](names []N) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = string(n)
	}
	return out
}

// TestDisc16WhatTheRulesLeaveOutOnTheDisc leaves out *.tmp (the configuration) and proj/local/
// (an ignore file) with a BACKUP on a disc: a backup copies neither; what they name and only
// the disc holds survives a --transfer -D to the disc, and what they name in WORKING survives a
// --work -D from it, while what they do not name is deleted; and verify compares none of it,
// though each copy of it differs.
func TestDisc16WhatTheRulesLeaveOutOnTheDisc(t *testing.T) {
	// FAT keeps even seconds: a time that every disc keeps as it is.
	when := time.Date(2022, 1, 2, 3, 4, 6, 0, time.UTC)
	for _, fsys := range discFilesystems {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			exclude := map[string]any{"exclude": []string{"*.tmp"}}
			e, d, w, b, b2 := threeCopiesOnDisc(t, fsys, exclude)
			workTree(t, e, w)
			e.mkfile(t, filepath.Join(w, "proj/.micsyncignore"), "local/\n")
			e.mkfile(t, filepath.Join(w, "proj/main.go"), "package main")
			e.mkfile(t, filepath.Join(w, "proj/local/state"), "working's state")
			e.mkfile(t, filepath.Join(w, "scratch.tmp"), "scratch")

			r := e.run(t, "--backup", w)
			require.Equal(t, 0, r.Code, r)
			for _, dir := range []string{b, b2} {
				assert.Equal(t, "local/\n", readFile(t, filepath.Join(dir, "proj/.micsyncignore")), "the ignore file is copied")
				assert.Equal(t, "package main", readFile(t, filepath.Join(dir, "proj/main.go")))
				assert.False(t, exists(filepath.Join(dir, "scratch.tmp")), "%s: left out by the configuration", dir)
				assert.False(t, exists(filepath.Join(dir, "proj/local")), "%s: left out by the ignore file", dir)
			}

			// Left out, and in every copy with other content of the same size and time: any
			// comparison of them would find them.
			for dir, content := range map[string]string{w: "WORKING", b: "on disc", b2: "second!"} {
				p := filepath.Join(dir, "same.tmp")
				e.mkfile(t, p, content)
				setMtime(t, p, when)
			}
			e.mkfile(t, filepath.Join(b, "proj/local/disc-only"), "only on the disc")
			e.mkfile(t, filepath.Join(b, "stale.txt"), "not in the other BACKUP: deleted")
			d.Remount()

			r = e.run(t, "--transfer", "-D", b2)
			require.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout, "- stale.txt", r)
			assert.NotContains(t, r.Stdout, "same.tmp", r)
			assert.NotContains(t, r.Stdout, "local", r)
			d.Remount()
			assert.False(t, exists(filepath.Join(b, "stale.txt")), "what the rules do not name is deleted")
			assert.Equal(t, "on disc", readFile(t, filepath.Join(b, "same.tmp")), "what they name survives")
			assert.Equal(t, "only on the disc", readFile(t, filepath.Join(b, "proj/local/disc-only")))
			trashed, err := filepath.Glob(filepath.Join(b, ".micsync-trash", "*", "stale.txt"))
			require.NoError(t, err)
			assert.Len(t, trashed, 1, "the deleted file is in the disc's trash")

			e.mkfile(t, filepath.Join(w, "only-here.txt"), "not on the disc: deleted")
			r = e.run(t, "--work", "-D", b)
			require.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout, "- only-here.txt", r)
			assert.NotContains(t, r.Stdout, ".tmp", r)
			assert.NotContains(t, r.Stdout, "local", r)
			assert.False(t, exists(filepath.Join(w, "only-here.txt")))
			assert.Equal(t, "WORKING", readFile(t, filepath.Join(w, "same.tmp")))
			assert.Equal(t, "scratch", readFile(t, filepath.Join(w, "scratch.tmp")))
			assert.Equal(t, "working's state", readFile(t, filepath.Join(w, "proj/local/state")))
			assert.False(t, exists(filepath.Join(w, "proj/local/disc-only")), "what the rules name is not copied back")

			r = e.run(t, "verify")
			assert.Equal(t, 0, r.Code, "what is left out differs, and nothing else: %s", r)
			assert.NotContains(t, r.Stdout, ".tmp", r)
			assert.NotContains(t, r.Stdout, "local", r)

			// The same verify without the configuration's rule compares same.tmp, and finds it.
			writeDiscConfig(t, e, w, []string{b, b2}, nil)
			r = e.run(t, "verify")
			assert.Equal(t, 1, r.Code, r)
			assert.Contains(t, r.Stdout, "same.tmp", r)
			assert.NotContains(t, r.Stdout, "local", "the ignore files still apply: %s", r)
		})
	}
}

// TestDisc16StatusTakesCoarserTimesOnAnUnknownDiscForNoChange needs no disc: a copy whose
// times are kept less finely than WORKING's (to 100 ns as on NTFS, to 2 s as on FAT), on a
// BACKUP that this machine knows nothing of, is no change in status; an edit still is.
func TestDisc16StatusTakesCoarserTimesOnAnUnknownDiscForNoChange(t *testing.T) {
	e := docsOneBackup(t)
	at := past.Add(123456789 * time.Nanosecond) // past is at an odd second
	e.mkfile(t, "Documents/taxes/ntfs.txt", "to 100 ns")
	e.mkfile(t, "Documents/taxes/fat.txt", "to 2 s")
	setMtime(t, e.path("Documents/taxes/ntfs.txt"), at)
	setMtime(t, e.path("Documents/taxes/fat.txt"), at)
	r := e.run(t, "--backup", e.path("Documents/taxes"))
	require.Equal(t, 0, r.Code, r)
	setMtime(t, e.path("disk1/Documents/taxes/ntfs.txt"), at.Truncate(100*time.Nanosecond))
	setMtime(t, e.path("disk1/Documents/taxes/fat.txt"), past.Add(time.Second)) // FAT rounds up to an even second

	r = e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Regexp(t, `(?m)^    `+regexp.QuoteMeta(e.path("disk1/Documents"))+`  copy of just now \(.*\); nothing changed in WORKING since$`,
		statusFolder(r.Stdout, "taxes"), r.Stdout)

	e.mkfile(t, "Documents/taxes/fat.txt", "edited, and longer")
	setMtime(t, e.path("Documents/taxes/fat.txt"), at)
	r = e.run(t, "status")
	require.Equal(t, 0, r.Code, r)
	assert.Regexp(t, `(?m)^    `+regexp.QuoteMeta(e.path("disk1/Documents"))+`  copy of just now \(.*\); 1 entry new or modified in WORKING since$`,
		statusFolder(r.Stdout, "taxes"), r.Stdout)
}

// TestDisc16RepairFromADiscKeepsWorkingsMode repairs a bad copy in WORKING whose good copies
// are on a disc that keeps no modes (and on the internal disc): the repaired file has its
// content back and keeps the mode it had in WORKING, not the disc's 0777 or 0700.
func TestDisc16RepairFromADiscKeepsWorkingsMode(t *testing.T) {
	for _, fsys := range []string{exfat, ntfs, fat32} {
		t.Run(fsys, func(t *testing.T) {
			t.Parallel()
			e, _, w, b, b2 := threeCopiesOnDisc(t, fsys, nil)
			workTree(t, e, w)
			r := e.run(t, "--backup", w)
			require.Equal(t, 0, r.Code, r)
			want := contents(t, w)

			const rel = "private.txt" // 0600
			rotInPlace(t, filepath.Join(w, rel))
			r = e.run(t, "verify", "--repair", "--yes")
			require.Equal(t, 0, r.Code, r)
			assert.Contains(t, r.Stdout, "repaired 1 file in WORKING "+w+" from ", r)
			assert.Equal(t, want, contents(t, w, micsyncsOwn...), "every file in WORKING with its content and mode")
			assert.Equal(t, want, contents(t, b2, micsyncsOwn...))
			assert.NotContains(t, contents(t, b, micsyncsOwn...), ".micsync-trash", "nothing replaced on the disc")
		})
	}
}
