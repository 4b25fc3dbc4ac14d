package rsyncplan

import (
	"cmp"
	"maps"
	"path"
	"slices"
	"strings"
)

// newTreeMin is the number of entries below new directories from which they are copied with
// one recursive run: rsync reads a --files-from list slowly (about 25 µs an entry), a tree
// walk is much faster, and a first backup of a large tree is all new directories.
const newTreeMin = 256

// parts assigns each top-level entry that the runs touch to one of up to planParts parts, the
// entry with the most listed entries first, each to the part with the fewest so far. It returns
// the part of each listed name and the number of parts. Runs that reach another host keep to
// one part: each would open a connection of its own.
//
// When every listed name is in one directory that the destination has (a location that holds
// one directory, or one named directory), the entries in that directory are the parts, and
// below is that directory: its attributes are set by a run after all parts, which change its
// time when they add or delete entries in it.
func (p *Plan) parts(copies []string, deletes map[string]bool, newTrees map[string][]string) (part func(string) int, k int, below string) {
	if IsRemote(p.Job.SrcDir) || IsRemote(p.Job.DstDir) {
		return func(string) int { return 0 }, 1, ""
	}
	key := topName
	keys, weight := weigh(copies, deletes, newTrees, key)
	if len(keys) == 1 && planParts > 1 && !slices.ContainsFunc(p.Items, func(it Item) bool {
		return it.Name == keys[0] && it.Class != Meta
	}) {
		dir := keys[0]
		inDir := func(n string) string { return dir + "/" + topName(strings.TrimPrefix(n, dir+"/")) }
		var inside []string
		for _, n := range copies {
			if n != dir {
				inside = append(inside, n)
			}
		}
		if ks, w := weigh(inside, deletes, newTrees, inDir); len(ks) > 1 {
			keys, weight, key, below = ks, w, inDir, dir
		}
	}
	if p.linksApart(copies, key) {
		// rsync links only the names of a file that one run lists.
		return func(string) int { return 0 }, 1, ""
	}
	k = max(1, min(planParts, len(keys)))
	load := make([]int, k)
	parts := make(map[string]int, len(keys))
	for _, n := range keys {
		g := slices.Index(load, slices.Min(load))
		parts[n] = g
		load[g] += weight[n]
	}
	return func(n string) int { return parts[key(n)] }, k, below
}

// weigh returns the keys of the listed names, the one with the most listed entries first, and
// how many each has.
func weigh(copies []string, deletes map[string]bool, newTrees map[string][]string, key func(string) string) ([]string, map[string]int) {
	weight := map[string]int{}
	for _, n := range copies {
		weight[key(n)]++
	}
	for n := range deletes {
		weight[key(n)]++
	}
	for top, entries := range newTrees {
		weight[key(top)] += len(entries)
	}
	keys := slices.Collect(maps.Keys(weight))
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Or(cmp.Compare(weight[b], weight[a]), strings.Compare(a, b))
	})
	return keys, weight
}

// topName returns the first component of a slash-separated name.
func topName(name string) string {
	if i := strings.IndexByte(name, '/'); i >= 0 {
		return name[:i]
	}
	return name
}

// splitNewTrees takes the top-most new directories, and everything below them, out of the copy
// list when they hold many entries. Directory skeletons (tree jobs) stay in the list.
func (p *Plan) splitNewTrees(copies []string) (rest []string, trees map[string][]string) {
	// A --files-from run reads no per-directory ignore file, even when it recurses (rsync
	// 3.5.0): a new tree that holds entries the rules leave out differs from what the plan
	// lists for it, so the check before the run (newTreesChanged) has it copied entry by entry.
	if p.Job.Tree || p.Totals[NewDir].Count == 0 {
		return copies, nil
	}
	newDirs := map[string]bool{}
	for _, it := range p.Items {
		if it.Class == NewDir {
			newDirs[it.Name] = true
		}
	}
	trees = map[string][]string{}
	inTree := 0
	for _, name := range copies {
		if top := topNew(name, newDirs); top != "" {
			trees[top] = append(trees[top], name)
			inTree++
		} else {
			rest = append(rest, name)
		}
	}
	if inTree < newTreeMin || p.linksApart(copies, func(n string) string { return topNew(n, newDirs) }) {
		return copies, nil
	}
	return rest, trees
}

// topNew returns the top-most new directory that is name or holds it, or "".
func topNew(name string, newDirs map[string]bool) string {
	top := ""
	for d := name; d != "." && d != "/"; d = path.Dir(d) {
		if newDirs[d] {
			top = d
		}
	}
	return top
}
