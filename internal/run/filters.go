package run

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// IgnoreFile is the name of the files that hold patterns of what to leave out in their
// directory and below, one a line.
const IgnoreFile = ".micsyncignore"

// gitIgnoreFile is read as IgnoreFile is when a configuration asks for it ("gitignore").
const gitIgnoreFile = ".gitignore"

// pattern is one pattern of what to leave out, with where it comes from and the directory
// (relative to the location's root, "" for the root) where a leading "/" anchors it.
type pattern struct {
	text, from, base string
}

// filters are the rules of a run and the patterns they come from.
type filters struct {
	rules   []string  // rsync's filter rules, for every job of the run (rsyncplan.Job.Filter)
	exclude []pattern // every pattern that leaves entries out, to check the named paths
	only    []string  // the configuration's "only"
	config  string    // the configuration's name
}

// newFilters returns the filter rules of a run on the directory rel of the locations of cfg
// (slash-separated, "" for the root), whose source location's root is srcRoot, with the
// patterns of --exclude. In this order: --exclude, the configuration's "exclude", the ignore
// files of the directories above rel (which rsync, syncing rel, never reads), the ignore
// files of rel and below (rsync's dir-merge: a file's patterns apply to its directory and
// below), and last "only", which keeps every directory and, of the rest, what it names.
//
// A pattern anchored with "/" means the location's root, or the directory of its ignore file;
// rsync anchors at the transfer's root, rel, so the pattern is written from there, and left
// out when it cannot match below rel.
func newFilters(cfg *locations.Config, flags []string, src locations.Location, rel string) (filters, error) {
	f := filters{config: cfg.Name}
	for _, p := range flags {
		f.exclude = append(f.exclude, pattern{text: p, from: "--exclude"})
	}
	for _, p := range cfg.Exclude {
		f.exclude = append(f.exclude, pattern{text: p, from: fmt.Sprintf("the \"exclude\" of configuration %q", cfg.Name)})
	}
	files := []string{IgnoreFile}
	if cfg.GitIgnore {
		files = append(files, gitIgnoreFile)
	}
	// The ignore files above rel, and rel's own, which the checks of named paths need. On
	// another host they are not read: rsync reads those of rel and below there.
	var own []pattern
	if !src.Remote() {
		dirs := []string{""}
		for i, c := range strings.Split(rel, "/") {
			if rel != "" {
				dirs = append(dirs, path.Join(dirs[i], c))
			}
		}
		if rel == "" {
			dirs = dirs[:1]
		}
		for _, d := range dirs {
			for _, name := range files {
				ps, err := readIgnoreFile(filepath.Join(src.Path, filepath.FromSlash(d), name), d)
				if err != nil {
					return filters{}, ui.Failure(err)
				}
				if d == rel {
					own = append(own, ps...)
				} else {
					f.exclude = append(f.exclude, ps...)
				}
			}
		}
	}
	for _, p := range f.exclude {
		for _, r := range rebased(p.text, p.base, rel) {
			f.rules = append(f.rules, "- "+r)
		}
	}
	f.exclude = append(f.exclude, own...)
	f.rules = append(f.rules, "dir-merge,- "+IgnoreFile)
	if cfg.GitIgnore {
		f.rules = append(f.rules, ":- "+gitIgnoreFile)
	}
	if len(cfg.Only) > 0 {
		f.only = cfg.Only
		f.rules = append(f.rules, "+ */")
		for _, p := range cfg.Only {
			for _, r := range rebased(p, "", rel) {
				f.rules = append(f.rules, "+ "+r)
			}
		}
		f.rules = append(f.rules, "- *")
	}
	return f, nil
}

// readIgnoreFile returns the patterns of the ignore file at p, in the directory dir of its
// location: a line each, blank lines and lines that start with "#" left out, as rsync reads a
// merge file. A file that is not there holds none.
func readIgnoreFile(p, dir string) ([]pattern, error) {
	data, err := os.ReadFile(p)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the ignore file %s: %w", ui.Show(p), err)
	}
	var ps []pattern
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, pattern{text: line, from: ui.Show(p), base: dir})
	}
	return ps, sc.Err()
}

// rebased returns the patterns that match below rel what the pattern p, written for the
// directory base (rel or above it), matches there: p itself when it is not anchored, and for a
// pattern with a "/" inside, also each anchored rest of it whose first directories match the
// last ones of rel ("Downloads/cache/" below "Downloads" is "/cache/" too). An anchored pattern
// is written from rel (rebase).
func rebased(p, base, rel string) []string {
	if strings.HasPrefix(p, "/") {
		if r, ok := rebase(p, base, rel); ok {
			return []string{r}
		}
		return nil
	}
	out := []string{p}
	body := strings.TrimSuffix(p, "/")
	if rel == base || !strings.Contains(body, "/") {
		return out
	}
	comps := strings.Split(body, "/")
	dirs := strings.Split(strings.TrimPrefix(strings.TrimPrefix(rel, base), "/"), "/")
	for k := 1; k < len(comps) && k <= len(dirs); k++ {
		lead := strings.Join(comps[:k], "/")
		if strings.Contains(lead, "**") {
			break
		}
		if rsyncplan.Matches("/"+lead, strings.Join(dirs[len(dirs)-k:], "/"), true) {
			out = append(out, "/"+strings.Join(comps[k:], "/")+suffix(strings.HasSuffix(p, "/")))
		}
	}
	return out
}

// rebase writes the pattern p, anchored (when it starts with "/") at the directory base, as
// rsync reads it anchored at rel, a directory below base or base itself. ok is false when it
// cannot match anything below rel. A "**" in the part that leads to rel may match any part of
// it, and the rest stays anchored after a "**".
func rebase(p, base, rel string) (string, bool) {
	body, anchored := strings.CutPrefix(p, "/")
	if !anchored || rel == base {
		return p, true
	}
	dirOnly := strings.HasSuffix(body, "/")
	comps := strings.Split(strings.TrimSuffix(body, "/"), "/")
	below := strings.Split(strings.TrimPrefix(strings.TrimPrefix(rel, base), "/"), "/")
	for i, dir := range below {
		if i >= len(comps) {
			return "", false // p names rel or a directory above it: not a rule below rel
		}
		if strings.Contains(comps[i], "**") {
			return "/" + strings.Join(comps[i:], "/") + suffix(dirOnly), true
		}
		if !rsyncplan.Matches("/"+comps[i], dir, true) {
			return "", false
		}
	}
	if len(comps) == len(below) {
		return "", false
	}
	return "/" + strings.Join(comps[len(below):], "/") + suffix(dirOnly), true
}

func suffix(dirOnly bool) string {
	if dirOnly {
		return "/"
	}
	return ""
}

// leftOut refuses a run whose directory rel or one of whose named entries (names in rel) the
// patterns leave out: such a run would do nothing with it, though the user named it.
func (f filters) leftOut(loc locations.Location, rel string, names []string) error {
	type entry struct {
		rel string
		dir bool
	}
	var check []entry
	if rel != "" {
		parts := strings.Split(rel, "/")
		for i := range parts {
			check = append(check, entry{strings.Join(parts[:i+1], "/"), true})
		}
	}
	for _, n := range names {
		e := entry{rel: path.Join(rel, n)}
		if !loc.Remote() {
			if fi, err := os.Lstat(filepath.Join(loc.Path, filepath.FromSlash(e.rel))); err == nil {
				e.dir = fi.IsDir()
			}
		}
		check = append(check, e)
	}
	for _, e := range check {
		full := ui.Show(filepath.Join(loc.Path, filepath.FromSlash(e.rel)))
		for _, p := range f.exclude {
			sub := e.rel
			if p.base != "" {
				var ok bool
				if sub, ok = strings.CutPrefix(e.rel, p.base+"/"); !ok {
					continue // the pattern's ignore file is not above the entry
				}
			}
			if rsyncplan.Matches(p.text, sub, e.dir) {
				return ui.Usage(fmt.Errorf("%s is left out by the pattern %q of %s", full, p.text, p.from),
					"a run never copies, deletes or counts what is left out: remove the pattern to sync it")
			}
		}
		if len(f.only) > 0 && !e.dir && !anyMatch(f.only, e.rel) {
			return ui.Usage(fmt.Errorf("%s is none of the files that the \"only\" of configuration %q keeps (%s)", full, f.config, strings.Join(f.only, ", ")))
		}
	}
	return nil
}

func anyMatch(patterns []string, rel string) bool {
	for _, p := range patterns {
		if rsyncplan.Matches(p, rel, false) {
			return true
		}
	}
	return false
}
