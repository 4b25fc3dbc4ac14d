package rsyncplan

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// IsRemote reports whether dir is on another host: rsync's "host:/path". Directories on this
// machine are always absolute, so they never look like one.
func IsRemote(dir string) bool {
	return !strings.HasPrefix(dir, "/") && strings.Contains(dir, ":")
}

// OnHost returns the path part of dir: "/path" of "host:/path", or dir itself.
func OnHost(dir string) string {
	if !IsRemote(dir) {
		return dir
	}
	_, p, _ := strings.Cut(dir, ":")
	return p
}

// ShellWords joins argv into one word for rsync's -e, which splits at spaces and keeps what
// single or double quotes enclose (it knows no backslash). A word with a space or a quote is
// single-quoted; a single quote itself goes in double quotes.
func ShellWords(argv []string) string {
	words := make([]string, len(argv))
	for i, a := range argv {
		words[i] = a
		if a == "" || strings.ContainsAny(a, " '\"") {
			words[i] = "'" + strings.ReplaceAll(a, "'", `'"'"'`) + "'"
		}
	}
	return strings.Join(words, " ")
}

// Entry is one entry of a directory, as Stat or List found it.
type Entry struct {
	Name string // relative to the directory asked about, slash-separated; "." is the directory
	Type byte   // 'f' file, 'd' directory, 'L' symlink, 'D' device, 'S' special (fifo, socket)
	Size int64  // for files
	// ModTime is the entry's modification time: to the nanosecond here, to the second on
	// another host (as rsync lists it).
	ModTime time.Time
}

// Dir reports whether the entry is a directory.
func (e Entry) Dir() bool { return e.Type == 'd' }

// Stat returns which of names (slash-separated, below dir) exist in dir, by name; "." is dir
// itself. On another host it asks rsync there: one connection for all names.
func (r *Runner) Stat(ctx context.Context, dir string, names []string) (map[string]Entry, error) {
	found := map[string]Entry{}
	if len(names) == 0 {
		return found, nil
	}
	if !IsRemote(dir) {
		for _, n := range names {
			stat := os.Lstat
			if n == "." {
				stat = os.Stat // the directory itself is used through a symlink
			}
			if fi, err := stat(filepath.Join(dir, filepath.FromSlash(n))); err == nil {
				found[n] = localEntry(n, fi)
			}
		}
		return found, nil
	}
	err := r.query(ctx, dir, names, false, func(e Entry) { found[e.Name] = e })
	if errors.Is(err, fs.ErrNotExist) {
		return found, nil
	}
	return found, err
}

// List returns each of subs (slash-separated, below dir; "." for dir) and every entry below
// them, names relative to dir; a sub that does not exist adds nothing. It only reads.
func (r *Runner) List(ctx context.Context, dir string, subs []string) ([]Entry, error) {
	var entries []Entry
	err := r.walk(ctx, dir, subs, true, func(e Entry) { entries = append(entries, e) })
	return entries, err
}

// Names is List with names only: on this machine it reads only the directories, not every
// entry's inode, which makes it several times faster on a large tree.
func (r *Runner) Names(ctx context.Context, dir string, subs []string) ([]string, error) {
	var names []string
	err := r.walk(ctx, dir, subs, false, func(e Entry) { names = append(names, e.Name) })
	return names, err
}

// walk calls fn with each of subs below dir and every entry below them. On this machine an
// entry has a size only with info.
func (r *Runner) walk(ctx context.Context, dir string, subs []string, info bool, fn func(Entry)) error {
	if len(subs) == 0 {
		return nil
	}
	if IsRemote(dir) {
		err := r.query(ctx, dir, subs, true, fn)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	dir = filepath.Clean(dir)
	prefix := strings.TrimSuffix(dir, string(filepath.Separator)) + string(filepath.Separator)
	for _, sub := range subs {
		root := filepath.Join(dir, filepath.FromSlash(sub))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if p == root && errors.Is(err, fs.ErrNotExist) {
					return fs.SkipAll // a sub that does not exist adds nothing
				}
				return err
			}
			name := "."
			if p != dir {
				name = filepath.ToSlash(strings.TrimPrefix(p, prefix))
			}
			if !info {
				fn(Entry{Name: name, Type: entryType(d.Type())})
				return nil
			}
			fi, err := d.Info()
			if err != nil {
				return err
			}
			fn(localEntry(name, fi))
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Children returns the entries directly in dir, dir itself left out. The error wraps
// fs.ErrNotExist when dir does not exist.
func (r *Runner) Children(ctx context.Context, dir string) ([]Entry, error) {
	var entries []Entry
	if !IsRemote(dir) {
		des, err := os.ReadDir(dir)
		if err != nil {
			return nil, err
		}
		for _, d := range des {
			if fi, err := d.Info(); err == nil {
				entries = append(entries, localEntry(d.Name(), fi))
			}
		}
		return entries, nil
	}
	// A listing of dir/ with --dirs names dir "." and its children, without going deeper.
	err := r.listRun(ctx, []string{"-n", "-a", "--dirs", "--no-recursive", listFormat}, dir, []string{withSlash(dir)}, func(e Entry) {
		if e.Name != "." {
			entries = append(entries, e)
		}
	})
	return entries, err
}

func localEntry(name string, fi fs.FileInfo) Entry {
	e := Entry{Name: name, Type: entryType(fi.Mode()), ModTime: fi.ModTime()}
	if !e.Dir() {
		e.Size = fi.Size()
	}
	return e
}

// entryType returns an Entry's Type for a file mode (its type bits suffice).
func entryType(m fs.FileMode) byte {
	switch {
	case m.IsDir():
		return 'd'
	case m&fs.ModeSymlink != 0:
		return 'L'
	case m&fs.ModeDevice != 0:
		return 'D'
	case !m.IsRegular():
		return 'S'
	}
	return 'f'
}

// listFormat is outFormat with each entry's modification time before its name. rsync formats
// it on this side of the connection (the client logs what it receives), in local time.
const (
	listFormat = "--out-format=" + marker + "%i %l %M %n"
	listTime   = "2006/01/02-15:04:05"
)

// query lists names of a remote dir with a dry run that copies them into an empty directory
// here: rsync itemizes every entry it finds as new, with its type and size. Missing names are
// left out (--ignore-missing-args); --no-implied-dirs keeps their parents out.
func (r *Runner) query(ctx context.Context, dir string, names []string, recursive bool, fn func(Entry)) error {
	tmp, err := TempDir("query-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	list, err := WriteList(tmp, "names.list", names)
	if err != nil {
		return err
	}
	args := []string{"-n", "-a", "--files-from=" + list, "--from0", "--no-implied-dirs", "--ignore-missing-args", listFormat}
	if recursive {
		args = append(args, "--recursive")
	}
	return r.listRun(ctx, args, dir, []string{withSlash(dir)}, fn)
}

// Listed returns the entries below the job's source that a run of the job sees: what its
// Exclude and Filter rules, and the ignore files that they read, leave in. Names are relative
// to SrcDir; DstDir is not looked at.
func (r *Runner) Listed(ctx context.Context, j Job) ([]Entry, error) {
	// A name or a source directory that is not there holds nothing, as in List.
	args := append([]string{"-n", "-a", "--ignore-missing-args", listFormat}, j.filterArgs()...)
	if j.relative() {
		args = append(args, "--relative")
	}
	srcs, _ := j.sources()
	var entries []Entry
	err := r.listRun(ctx, args, j.SrcDir, srcs, func(e Entry) { entries = append(entries, e) })
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return entries, err
}

// listRun runs a dry run of args from srcs (in dir) into an empty directory and calls fn for
// each entry. A run that does not exit 0 is an error: its list may be incomplete.
func (r *Runner) listRun(ctx context.Context, args []string, dir string, srcs []string, fn func(Entry)) error {
	empty, err := TempDir("empty-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(empty)
	args = append(append(append(args, "--"), srcs...), withSlash(empty))
	var parseErr error
	res, err := r.Run(ctx, args, func(line []byte) {
		it, ok, err := parseLine(line)
		switch {
		case err != nil && parseErr == nil:
			parseErr = err
		case ok && err == nil:
			// The name begins with the time, "YYYY/MM/DD-HH:MM:SS ", written here in local time.
			when, err := time.ParseInLocation(listTime, it.name[:min(len(listTime), len(it.name))], time.Local)
			if err != nil || len(it.name) <= len(listTime)+1 {
				if parseErr == nil {
					parseErr = fmt.Errorf("unexpected rsync listing line %q", line)
				}
				return
			}
			name := strings.TrimPrefix(path.Clean(it.name[len(listTime)+1:]), "./")
			e := Entry{Name: name, Type: it.code[1], Size: it.size, ModTime: when}
			if e.Dir() {
				e.Size = 0 // as the local listing has it: the size of a directory means nothing here
			}
			fn(e)
		}
	})
	if err != nil {
		return err
	}
	if res.Code != 0 {
		e := &Error{Step: "listing of " + dir, Code: res.Code, Stderr: res.Stderr}
		if (res.Code == 23 || res.Code == 12) && strings.Contains(res.Stderr, "change_dir") && strings.Contains(res.Stderr, "No such file or directory") {
			return fmt.Errorf("%w: %w", e, fs.ErrNotExist)
		}
		return e
	}
	return parseErr
}
