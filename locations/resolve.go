package locations

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"micsync/internal/hang"
)

// Target is where the given paths are: a location of a configuration, and their place below it.
type Target struct {
	Config   *Config
	Location Location
	Rel      string   // the paths' parent directory relative to Location.Path, slash-separated, "" at the root
	Names    []string // base names of the given paths, in the order given; nil when the one path given is the location root itself ("whole root")
	// Absent lists the Names that do not exist here: they name the same place in the
	// configuration's other locations, where a run may find them.
	Absent []string
}

// given is one path as the user gave it, and what it is on disc.
type given struct {
	arg    string // as the user gave it
	full   string // with all symlinks resolved, "" for a dangling symlink
	parent string // the parent directory, symlinks resolved
	name   string // the base name, not resolved: a symlink is synced as the link
	absent bool   // the path does not exist: parent is its nearest existing parent, resolved, and the rest
}

// ErrTwoDirectories is the error of paths that are not all in one directory: a run syncs
// entries of one directory.
var ErrTwoDirectories = errors.New("are not in the same directory")

// Resolve finds every configuration that has a location holding all the given paths, in
// config-file order. Relative paths are relative to cwd. A path that does not exist is placed
// by its nearest existing parent and listed in Target.Absent; one that is in no location is an
// error saying that it does not exist.
func (f *File) Resolve(paths []string, cwd string) ([]Target, error) {
	var gs []given
	seen := map[string]bool{}
	for _, arg := range paths {
		g, err := examine(arg, cwd)
		if err != nil {
			return nil, err
		}
		if id := filepath.Join(g.parent, g.name); !seen[id] {
			seen[id] = true
			gs = append(gs, g)
		}
	}
	if len(gs) == 0 {
		return nil, errors.New("no paths given")
	}
	if len(gs) > 1 {
		for _, g := range gs {
			// Only the path itself counts here: a symlink to a location, among other paths, is a link to sync.
			if f.isRoot(filepath.Join(g.parent, g.name)) {
				return nil, fmt.Errorf("%s is the root of a location: give it alone, without other paths", g.arg)
			}
		}
		for _, g := range gs[1:] {
			if g.parent != gs[0].parent {
				return nil, fmt.Errorf("%s and %s %w", gs[0].arg, g.arg, ErrTwoDirectories)
			}
		}
	}

	names := make([]string, len(gs))
	for i, g := range gs {
		names[i] = g.name
	}
	var ts []Target
	for _, c := range f.Configs {
		if t, ok := target(c, gs, names); ok {
			ts = append(ts, t)
		}
	}
	if len(ts) == 0 {
		for _, g := range gs {
			if g.absent {
				return nil, fmt.Errorf("path %s does not exist", g.arg)
			}
		}
		args := make([]string, len(gs))
		for i, g := range gs {
			args[i] = g.arg
		}
		return nil, &NoLocationError{File: f.Path, Paths: args}
	}
	return ts, nil
}

// examine checks that the path arg exists and finds its resolved parent directory.
func examine(arg, cwd string) (given, error) {
	p := arg
	if !filepath.IsAbs(p) {
		p = filepath.Join(cwd, p)
	}
	p = filepath.Clean(p)
	type answer struct {
		g   given
		err error
	}
	a, ok := hang.Call(p, func() answer {
		g, err := look(arg, p)
		return answer{g, err}
	})
	if !ok {
		return given{}, fmt.Errorf("path %s: %s", arg, hang.Why())
	}
	return a.g, a.err
}

// look is examine's look at the disc, at the clean absolute path p of arg.
func look(arg, p string) (given, error) {
	if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
		return lookAbsent(arg, p)
	} else if err != nil {
		return given{}, fmt.Errorf("path %s: %w", arg, err)
	}
	parent, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		return given{}, fmt.Errorf("path %s: %w", arg, err)
	}
	full, err := filepath.EvalSymlinks(p)
	if err != nil {
		full = "" // a dangling symlink is no location's root
	}
	return given{arg: arg, full: full, parent: parent, name: filepath.Base(p)}, nil
}

// lookAbsent places the path p, which does not exist, below its nearest existing parent.
func lookAbsent(arg, p string) (given, error) {
	rest := filepath.Base(p)
	dir := filepath.Dir(p)
	for {
		if _, err := os.Lstat(dir); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return given{}, fmt.Errorf("path %s: %w", arg, err)
		}
		rest = filepath.Join(filepath.Base(dir), rest)
		dir = filepath.Dir(dir)
	}
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return given{}, fmt.Errorf("path %s: %w", arg, err)
	}
	full := filepath.Join(real, rest)
	return given{arg: arg, parent: filepath.Dir(full), name: filepath.Base(full), absent: true}, nil
}

// isRoot reports whether p is the path of a location of any configuration.
func (f *File) isRoot(p string) bool {
	for _, c := range f.Configs {
		for _, l := range c.All() {
			if l.Path == p {
				return true
			}
		}
	}
	return false
}

// target finds the location of c that holds the paths gs, if there is one. The locations of one
// configuration do not overlap, so there is at most one.
func target(c *Config, gs []given, names []string) (Target, bool) {
	parent := gs[0].parent
	for _, l := range c.All() {
		if len(gs) == 1 && gs[0].full == l.Path {
			return Target{Config: c, Location: l}, true
		}
		if within(parent, l.Path) {
			rel := strings.TrimPrefix(strings.TrimPrefix(parent, l.Path), string(filepath.Separator))
			var absent []string
			for _, g := range gs {
				if g.absent {
					absent = append(absent, g.name)
				}
			}
			return Target{Config: c, Location: l, Rel: filepath.ToSlash(rel), Names: slices.Clone(names), Absent: absent}, true
		}
	}
	return Target{}, false
}
