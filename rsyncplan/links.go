package rsyncplan

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"syscall"
)

// linkGroups finds the files of the job's source that have several names there: each group
// holds the names (relative to SrcDir, slash-separated) of one file, two or more. rsync -H links
// only the names that one run lists, so that the plan keeps each group's names together. The
// source is walked once, and only where it is on this machine: it costs a stat of every file.
func linkGroups(j Job, present []string) [][]string {
	if !j.HardLinks || j.Tree || IsRemote(j.SrcDir) {
		return nil
	}
	type inode struct{ dev, ino uint64 }
	byInode := map[inode][]string{}
	var patterns []pattern
	for _, p := range j.excludePatterns() {
		patterns = append(patterns, compilePattern(p))
	}
	visit := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // an unreadable entry: the plan says so
		}
		rel, _ := filepath.Rel(j.SrcDir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && excluded(rel, true, patterns) {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			return nil
		}
		// Only the few files with several names are matched against the patterns: matching
		// every file would cost more than the walk.
		st, ok := fi.Sys().(*syscall.Stat_t)
		if ok && st.Nlink > 1 && !excluded(rel, false, patterns) {
			k := inode{uint64(st.Dev), uint64(st.Ino)}
			byInode[k] = append(byInode[k], rel)
		}
		return nil
	}
	roots := []string{j.SrcDir}
	if j.Names != nil {
		roots = nil
		for _, n := range present {
			roots = append(roots, filepath.Join(j.SrcDir, n))
		}
	}
	for _, r := range roots {
		filepath.WalkDir(r, visit)
	}
	var groups [][]string
	for _, names := range byInode {
		if len(names) > 1 {
			groups = append(groups, names)
		}
	}
	return groups
}

// excluded reports whether one of rsync's exclude patterns matches the entry rel (Matches).
func excluded(rel string, dir bool, patterns []pattern) bool {
	if len(patterns) == 0 {
		return false
	}
	b := bytewise(rel)
	for _, x := range patterns {
		if x.re != nil && (dir || !x.dirOnly) && x.re.MatchString(b) {
			return true
		}
	}
	return false
}

// withLinks adds to copies, the names a run copies, the other names of each file that has one
// in copies and others that the plan leaves as they are: rsync links a name to a file that is
// already there only when it lists both. A name that the plan holds as an item is left to the
// approval, whichever it is, and one that a side cannot hold is never added.
func (p *Plan) withLinks(copies []string) []string {
	if len(p.links) == 0 {
		return copies
	}
	listed := make(map[string]bool, len(copies))
	for _, n := range copies {
		listed[n] = true
	}
	planned := make(map[string]bool, len(p.Items))
	for _, it := range p.Items {
		planned[it.Name] = true
	}
	// What a side cannot hold stays out, whatever it is linked to.
	out := map[string]bool{}
	for _, r := range slices.Concat(p.Refused, p.Kept) {
		out[r.Name] = true
	}
	for _, g := range p.links {
		if !anyOf(g, listed) {
			continue
		}
		for _, n := range g {
			if !listed[n] && !planned[n] && !out[n] && !under(n, out) && !p.mayBeIgnored(n) {
				copies = append(copies, n)
				listed[n] = true
			}
		}
	}
	return copies
}

// linksApart reports whether the names of one file that copies holds have different keys: then
// the runs that copy them must be one.
func (p *Plan) linksApart(copies []string, key func(string) string) bool {
	if len(p.links) == 0 {
		return false
	}
	listed := make(map[string]bool, len(copies))
	for _, n := range copies {
		listed[n] = true
	}
	for _, g := range p.links {
		first, seen := "", false
		for _, n := range g {
			if !listed[n] {
				continue
			}
			if k := key(n); !seen {
				first, seen = k, true
			} else if k != first {
				return true
			}
		}
	}
	return false
}

func anyOf(names []string, set map[string]bool) bool {
	for _, n := range names {
		if set[n] {
			return true
		}
	}
	return false
}

// mayBeIgnored reports whether an ignore file (a dir-merge rule's file) may leave out the name
// n, which the plan does not hold: one is in SrcDir or a directory between it and n. The runs
// read no such file, so that such a name is not added to them; an unchanged name of a linked
// file there stays a copy of its own. The rules of Filter that are no dir-merge rules guard
// the runs themselves.
func (p *Plan) mayBeIgnored(n string) bool {
	var names []string
	for _, f := range p.Job.Filter {
		if _, name, ok := dirMerge(f); ok {
			names = append(names, name)
		}
	}
	if len(names) == 0 {
		return false
	}
	for d := path.Dir(n); ; d = path.Dir(d) {
		for _, name := range names {
			if _, err := os.Lstat(filepath.Join(p.Job.SrcDir, filepath.FromSlash(d), name)); err == nil {
				return true
			}
		}
		if d == "." || d == "/" {
			return false
		}
	}
}
