package trash

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"micsync/internal/reach"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// Place is a location with its configuration.
type Place struct {
	Config   *locations.Config
	Location locations.Location
}

// Run is one run's trash directory in one location.
type Run struct {
	Place
	Stamp string
	Dir   string    // the directory, on the location's host
	When  time.Time // from the stamp
}

// Runs returns the trash runs of the places, oldest first. A place without a trash has none.
func Runs(ctx context.Context, c *reach.Checker, places []Place) ([]Run, error) {
	var runs []Run
	for _, p := range places {
		dir := filepath.Join(p.Location.Path, Name)
		entries, err := c.Runner(p.Location).Children(ctx, dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read trash: %w", err)
		}
		for _, e := range entries {
			when, err := time.Parse(stampLayout, e.Name)
			if err != nil || !e.Dir() {
				continue // not a run of micsync's
			}
			runs = append(runs, Run{Place: p, Stamp: e.Name, Dir: filepath.Join(dir, e.Name), When: when})
		}
	}
	sort.SliceStable(runs, func(i, j int) bool { return runs[i].Stamp < runs[j].Stamp })
	return runs, nil
}

// IsStamp reports whether s names a trash run, as Runs shows it.
func IsStamp(s string) bool {
	_, err := time.Parse(stampLayout, s)
	return err == nil && len(s) == len(stampLayout)
}

// ByLocation groups runs by their location, each group in the order of runs, the groups in
// the order of their first run.
func ByLocation(runs []Run) [][]Run {
	var groups [][]Run
	at := map[string]int{}
	for _, r := range runs {
		i, ok := at[r.Location.Path]
		if !ok {
			i = len(groups)
			at[r.Location.Path] = i
			groups = append(groups, nil)
		}
		groups[i] = append(groups[i], r)
	}
	return groups
}

// Files returns what a trash run holds but its directories: names relative to the location's
// root, as the run kept them, in reading order (ui.ComparePaths).
func Files(ctx context.Context, c *reach.Checker, run Run) ([]rsyncplan.Entry, error) {
	entries, err := c.Runner(run.Location).List(ctx, run.Dir, []string{"."})
	if err != nil {
		return nil, fmt.Errorf("read trash run %s: %w", run.Stamp, err)
	}
	var files []rsyncplan.Entry
	for _, e := range entries {
		if !e.Dir() {
			files = append(files, e)
		}
	}
	slices.SortFunc(files, func(a, b rsyncplan.Entry) int { return ui.ComparePaths(a.Name, b.Name) })
	return files, nil
}

// Size counts the files of a trash run and their bytes; a run it cannot read has none.
func Size(ctx context.Context, c *reach.Checker, run Run) (files int, bytes int64) {
	entries, _ := Files(ctx, c, run)
	for _, e := range entries {
		files++
		if e.Type == 'f' {
			bytes += e.Size
		}
	}
	return files, bytes
}

// Names returns the entries of a trash run to restore, relative to the location's root: those
// that paths name (relative to the root, or inside the run or the location), or all of them.
func Names(ctx context.Context, c *reach.Checker, run Run, paths []string) ([]string, error) {
	r := c.Runner(run.Location)
	if len(paths) == 0 {
		entries, err := r.Children(ctx, run.Dir)
		if err != nil {
			return nil, ui.Failure(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name)
		}
		return names, nil
	}
	var names []string
	for _, p := range paths {
		rel := filepath.Clean(p)
		if filepath.IsAbs(rel) {
			for _, root := range []string{run.Dir, run.Location.Path} {
				if r, err := filepath.Rel(root, rel); err == nil && !strings.HasPrefix(r, "..") {
					rel = r
					break
				}
			}
		}
		if filepath.IsAbs(rel) || rel == "." || strings.HasPrefix(rel, "..") {
			return nil, ui.Usage(fmt.Errorf("%s is not inside %s", ui.Show(p), ui.Show(run.Location.Path)))
		}
		names = append(names, filepath.ToSlash(rel))
	}
	found, err := r.Stat(ctx, run.Dir, names)
	if err != nil {
		return nil, ui.Failure(err)
	}
	for _, n := range names {
		if _, ok := found[n]; !ok {
			return nil, ui.Usage(fmt.Errorf("%s is not in trash run %s", ui.Show(n), run.Stamp), "micsync trash list shows the runs")
		}
	}
	return names, nil
}

// Fetch copies the named entries of a trash run on another host into a new directory here,
// and returns it; the caller removes its parent. rsync copies between this machine and another
// host, not within one other host: a restore there goes through this machine.
func Fetch(ctx context.Context, c *reach.Checker, run Run, names []string) (string, error) {
	tmp, err := rsyncplan.TempDir("restore-")
	if err != nil {
		return "", ui.Failure(err)
	}
	list, err := rsyncplan.WriteList(tmp, "names.list", names)
	if err != nil {
		os.RemoveAll(tmp)
		return "", ui.Failure(err)
	}
	dir := filepath.Join(tmp, "run")
	args := []string{"-a", "--files-from=" + list, "--from0", "-r", "--", run.Dir + "/", dir + "/"}
	if err := c.Runner(run.Location).Do(ctx, "copy of the trash run from "+run.Location.Host, args); err != nil {
		os.RemoveAll(tmp)
		return "", ui.Failure(err)
	}
	return dir, nil
}

// ParseAge reads a duration such as 30d, 12h or 90m.
func ParseAge(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n >= 0 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return d, nil
	}
	return 0, ui.Usage(fmt.Errorf("--older-than takes a duration such as 30d, 12h or 90m, not %s", ui.Show(s)))
}

// Remove deletes a trash run. On another host, rsync deletes it: an empty directory is synced
// over the trash with --delete, and a filter lets it see this run only.
func Remove(ctx context.Context, c *reach.Checker, r Run) error {
	if !r.Location.Remote() {
		return os.RemoveAll(r.Dir)
	}
	empty, err := rsyncplan.TempDir("empty-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(empty)
	args := []string{"-r", "--delete", "--include=/" + r.Stamp + "/***", "--exclude=*", "--",
		empty + "/", filepath.Join(r.Location.Path, Name) + "/"}
	return c.Runner(r.Location).Do(ctx, "deletion of trash run "+r.Stamp, args)
}
