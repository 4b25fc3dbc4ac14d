package rsyncplan

import (
	"path"
	"slices"
	"strings"
	"unicode"

	"micsync/internal/disc"
)

// Reason is why a filesystem cannot hold an entry.
type Reason uint8

// The reasons of a Refused entry.
const (
	// SameFolded: the directory holds another entry whose name is the same when case is
	// ignored, and the filesystem ignores case.
	SameFolded Reason = iota + 1
	// BadChars: the name holds characters that the filesystem cannot store.
	BadChars
	// NoSymlink: the entry is a symlink, and the filesystem holds none.
	NoSymlink
	// OutOfTime: the file's modification time is outside the range the filesystem keeps: it
	// would come back as another time, and be copied again at every run.
	OutOfTime
	// TooBig: the file is larger than the filesystem's largest file.
	TooBig
)

// Refused is an entry that a plan leaves alone, with everything below it, because the
// filesystem of one side cannot hold it: one that the destination cannot hold is not copied
// (Plan.Refused), and one that the source cannot hold is neither deleted nor overwritten at the
// destination (Plan.Kept): the source lacks it, or holds another entry under its name, only
// because it could not hold it.
type Refused struct {
	Name   string // as a plan item's name
	Reason Reason
	Chars  string // for BadChars: the characters the filesystem cannot store
	// Group is, for SameFolded, the same for every entry of one directory whose names are
	// equal when case is ignored.
	Group string
	Entry Entry // for OutOfTime and TooBig: the file, with its time and size
}

// Limited reports whether a filesystem that keeps caps cannot hold some entries: it ignores
// case, holds no symlinks or refuses characters in names.
func Limited(caps disc.Caps) bool {
	return !caps.CaseSensitive || !caps.Symlinks || caps.BadChars != "" ||
		!caps.MinTime.IsZero() || !caps.MaxTime.IsZero() || caps.MaxFileSize > 0
}

// DirsToCheck returns the directories whose entries Cannot needs to see: the parent of every
// item and every directory above it ("." is the job's directory). inSource picks the items
// that exist in the source (all but deletions); otherwise those that exist at the destination
// (all but new entries).
func DirsToCheck(items []Item, inSource bool) []string {
	seen := map[string]bool{}
	var dirs []string
	for _, it := range items {
		if it.Name == "." || !onSide(it, inSource) {
			continue
		}
		for d := path.Dir(it.Name); !seen[d]; d = path.Dir(d) {
			seen[d] = true
			dirs = append(dirs, d)
			if d == "." || d == "/" {
				break
			}
		}
	}
	slices.Sort(dirs)
	return dirs
}

// onSide reports whether the item's entry exists in the source (inSource) or at the
// destination.
func onSide(it Item, inSource bool) bool {
	if inSource {
		return it.Class != Deleted
	}
	return it.Class != NewFile && it.Class != NewDir && it.Class != NewLink
}

// Cannot returns the entries of one side, the source (inSource) or the destination, that a
// filesystem keeping caps cannot hold, sorted by name, none below another. dirs holds the
// entries of that side in each directory of DirsToCheck, by directory (their Names are bare
// names); of the plan's items, those that exist on that side are checked for their names'
// characters and for being symlinks.
func Cannot(items []Item, inSource bool, dirs map[string][]Entry, caps disc.Caps) []Refused {
	byName := map[string]Refused{}
	if !caps.CaseSensitive {
		for dir, entries := range dirs {
			groups := map[string][]string{}
			for _, e := range entries {
				k := fold(e.Name)
				groups[k] = append(groups[k], e.Name)
			}
			for k, names := range groups {
				if len(names) < 2 {
					continue
				}
				for _, n := range names {
					name := path.Join(dir, n)
					byName[name] = Refused{Name: name, Reason: SameFolded, Group: path.Join(dir, k)}
				}
			}
		}
	}
	types := map[string]byte{}
	all := map[string]Entry{}
	for dir, entries := range dirs {
		for _, e := range entries {
			types[path.Join(dir, e.Name)] = e.Type
			all[path.Join(dir, e.Name)] = e
		}
	}
	for _, it := range items {
		if it.Name == "." || !onSide(it, inSource) {
			continue
		}
		if _, ok := byName[it.Name]; ok {
			continue
		}
		if bad := badChars(path.Base(it.Name), caps.BadChars); bad != "" {
			byName[it.Name] = Refused{Name: it.Name, Reason: BadChars, Chars: bad}
		} else if !caps.Symlinks && (it.Class == NewLink || types[it.Name] == 'L') {
			byName[it.Name] = Refused{Name: it.Name, Reason: NoSymlink}
		} else if e, ok := all[it.Name]; ok && inSource && e.Type == 'f' {
			// A directory's time is no reason to leave out what it holds.
			switch {
			case caps.MaxFileSize > 0 && e.Size > caps.MaxFileSize:
				byName[it.Name] = Refused{Name: it.Name, Reason: TooBig, Entry: e}
			case !caps.KeepsTime(e.ModTime):
				byName[it.Name] = Refused{Name: it.Name, Reason: OutOfTime, Entry: e}
			}
		}
	}
	names := map[string]bool{}
	for n := range byName {
		names[n] = true
	}
	var out []Refused
	for n, r := range byName {
		if !under(n, names) {
			out = append(out, r)
		}
	}
	slices.SortFunc(out, func(a, b Refused) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// badChars returns the characters of name that are in bad, each once, in bad's order.
func badChars(name, bad string) string {
	var out []rune
	for _, c := range bad {
		if strings.ContainsRune(name, c) {
			out = append(out, c)
		}
	}
	return string(out)
}

// fold returns a key that two names share when they are equal with case ignored (as
// strings.EqualFold compares them): each rune is replaced with the smallest of its case orbit.
func fold(name string) string {
	var b strings.Builder
	for _, r := range name {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		b.WriteRune(min)
	}
	return b.String()
}

// Refuse leaves out of the plan the entries that its destination cannot hold, with what they
// hold: they are not copied, and the plan records them (Plan.Refused).
func (p *Plan) Refuse(rs []Refused) {
	if len(rs) == 0 {
		return
	}
	p.Refused = append(p.Refused, rs...)
	p.drop(rs, false)
}

// Keep leaves out of the plan the changes to the entries that its source cannot hold, with
// what they hold: they are neither deleted nor overwritten, and the plan records them
// (Plan.Kept). A directory that is to be deleted and holds one of them stays too.
func (p *Plan) Keep(rs []Refused) {
	if len(rs) == 0 {
		return
	}
	p.Kept = append(p.Kept, rs...)
	p.drop(rs, true)
}

// drop takes the items named in rs, and those below them, out of the plan; with parents, the
// deletions of the directories above them too. The totals are counted again.
func (p *Plan) drop(rs []Refused, parents bool) {
	names := map[string]bool{}
	above := map[string]bool{}
	for _, r := range rs {
		names[r.Name] = true
		for d := path.Dir(r.Name); d != "." && d != "/"; d = path.Dir(d) {
			above[d] = true
		}
	}
	p.Items = slices.DeleteFunc(p.Items, func(it Item) bool {
		return names[it.Name] || under(it.Name, names) || (parents && it.Class == Deleted && above[it.Name])
	})
	p.Totals = [numClasses]Total{}
	for _, it := range p.Items {
		p.Totals[it.Class].Count++
		p.Totals[it.Class].Bytes += it.Size
	}
}

// untree takes back into the copy list the new trees that hold an entry the plan refused: a
// new tree's run copies everything in it (--recursive), the refused entries too. all is the
// copy list before splitNewTrees took the trees out of it, whose order the result keeps.
func (p *Plan) untree(all, rest []string, trees map[string][]string) ([]string, map[string][]string) {
	if len(p.Refused) == 0 || len(trees) == 0 {
		return rest, trees
	}
	taken := false
	for top := range trees {
		tops := map[string]bool{top: true}
		if slices.ContainsFunc(p.Refused, func(r Refused) bool { return under(r.Name, tops) }) {
			delete(trees, top)
			taken = true
		}
	}
	if !taken {
		return rest, trees
	}
	inTree := map[string]bool{}
	for _, entries := range trees {
		for _, n := range entries {
			inTree[n] = true
		}
	}
	rest = nil
	for _, n := range all {
		if !inTree[n] {
			rest = append(rest, n)
		}
	}
	if len(trees) == 0 {
		trees = nil
	}
	return rest, trees
}
