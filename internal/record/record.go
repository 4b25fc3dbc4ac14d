// Package record keeps what every run did: one Record per run and destination, one JSON object
// a line, in micsync's state directory on this machine (LocalPath) and in the destination
// location's own directory (DiscPath), so that a disc plugged into another machine still tells
// what it holds and since when. Both files are bounded: the oldest records go first.
package record

import (
	"bufio"
	"bytes"
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"micsync/internal/disc"
	"micsync/internal/jsonout"
)

// FileName is the name of the file of records, in the state directory and in a location's own
// directory.
const FileName = "runs.jsonl"

// The bounds of the two files: this machine keeps a long history; a disc keeps enough to say
// when each folder last got a copy, and little room.
const (
	LocalLimit = 4 << 20
	DiscLimit  = 64 << 10
)

// MaxPaths is how many of a run's paths a record holds: a run on a thousand named files
// (a shell's *) would fill a disc's file with one record.
const MaxPaths = 200

// Result is how a run ended at a destination.
type Result string

// The results.
const (
	OK      Result = "ok"      // the approved plan was carried out (or nothing was to do)
	Failed  Result = "failed"  // planning or copying failed, or entries were left out
	Stopped Result = "stopped" // interrupted, or stopped before it started
	Skipped Result = "skipped" // the user's answer left the destination as it was
)

// Record is what one run did at one destination.
type Record struct {
	ID            string         `json:"id"`   // the run's; every destination of a run has the same
	Time          jsonout.Time   `json:"time"` // when the run started
	End           jsonout.Time   `json:"end"`  // when it ended
	Version       string         `json:"version"`
	Configuration string         `json:"configuration"`
	Action        string         `json:"action"`
	Paths         []jsonout.Name `json:"paths"` // relative to the locations' roots; "." is the whole location
	// PathsLeftOut counts the paths beyond MaxPaths that the record leaves out, to stay small.
	PathsLeftOut int      `json:"paths_left_out,omitempty"`
	Source       Place    `json:"source"`
	Destination  Place    `json:"destination"`
	Planned      Counts   `json:"planned"`
	Done         Done     `json:"done"`
	Result       Result   `json:"result"`
	Error        string   `json:"error,omitempty"`
	Declined     Declined `json:"declined"`
	// Verified is what a verify (action "verify") compared at the destination, the location
	// it checked, and what it found there; its source is the copy that every other was
	// compared with. Nil for the runs that copy.
	Verified *Verified `json:"verified,omitempty"`
}

// Verified counts what a verify compared in one location and what it found wrong there.
type Verified struct {
	Files int   `json:"files"` // files whose content was compared with the other copies
	Bytes int64 `json:"bytes"` // their size
	// Bad counts the copies here whose content alone differs from the others' although size
	// and time agree; Repaired those of them replaced from a good copy.
	Bad      int `json:"bad"`
	Repaired int `json:"repaired"`
	// Unknown counts the files here whose copies differ with no copy known to be the bad one,
	// Edited those that differ in size or time too, Unreadable those that could not be read.
	Unknown    int `json:"unknown"`
	Edited     int `json:"edited"`
	Unreadable int `json:"unreadable"`
}

// Place is a location of a run.
type Place struct {
	Role   string       `json:"role"` // "WORKING" or "BACKUP"
	Root   jsonout.Name `json:"root"`
	Marker string       `json:"marker,omitempty"` // the id of its marker, when it was marked
}

// Total is a count of entries and their bytes.
type Total struct {
	Count int   `json:"count"`
	Bytes int64 `json:"bytes"`
}

// Counts are a plan's changes by class: new entries (files, directories, symlinks; the bytes
// are the files'), modified ones (type changes included) and those to delete.
type Counts struct {
	New      Total `json:"new"`
	Modified Total `json:"modified"`
	Deleted  Total `json:"deleted"`
}

// Done is what the execution did.
type Done struct {
	Files   int   `json:"files"` // written, new or overwritten
	Bytes   int64 `json:"bytes"`
	Dirs    int   `json:"dirs"`
	Links   int   `json:"links"`
	Deleted int   `json:"deleted"`
}

// Declined counts the planned changes that the user's answers left out.
type Declined struct {
	Overwrite int `json:"overwrite"` // modified entries not overwritten
	Delete    int `json:"delete"`    // entries not deleted
}

// Any reports whether anything was declined.
func (d Declined) Any() bool { return d.Overwrite > 0 || d.Delete > 0 }

// Complete reports whether the run left the destination's copy of its paths complete: it
// went to its end and nothing planned was declined.
func (r Record) Complete() bool { return r.Result == OK && !r.Declined.Any() }

// Covers reports whether the run synced rel, a slash-separated path below the location's
// root ("." the root): one of its paths is rel or holds it.
func (r Record) Covers(rel string) bool {
	for _, p := range r.Paths {
		if Within(rel, string(p)) {
			return true
		}
	}
	return false
}

// Within reports whether the slash-separated path rel is dir or below it; every path is within
// ".".
func Within(rel, dir string) bool {
	rel, dir = path.Clean(rel), path.Clean(dir)
	return dir == "." || rel == dir || strings.HasPrefix(rel, dir+"/")
}

// NewID returns a run's id: its start time in UTC and a short random suffix, so that two runs
// in one second differ ("20261203T060509Z-3f9a").
func NewID(start time.Time) string {
	b := make([]byte, 2)
	rand.Read(b)
	return start.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b)
}

// LocalPath is the file of records on this machine, in stateDir (locations.StateDir).
func LocalPath(stateDir string) string { return filepath.Join(stateDir, FileName) }

// DiscPath is the file of records in a location's own directory (disc.Name below its root).
func DiscPath(ownDir string) string { return filepath.Join(ownDir, FileName) }

// Append adds recs to the file at path, dropping the oldest records while the file would be
// larger than limit. It writes a new file and renames it over the old one, so that a reader,
// or a run that dies, never sees half a file. The caller makes sure that no other run writes
// the file at the same time (the location's lock; AppendLocal takes a lock of its own).
func Append(file string, limit int64, recs ...Record) error {
	old, err := os.ReadFile(file)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read the records %s: %w", file, err)
	}
	var add []byte
	for _, r := range recs {
		line, err := json.Marshal(r)
		if err != nil {
			return fmt.Errorf("record: %w", err)
		}
		add = append(append(add, line...), '\n')
	}
	if len(old) > 0 && old[len(old)-1] != '\n' {
		old = append(old, '\n') // a line cut short by a full disc: the next ones stay whole
	}
	data := trim(append(old, add...), limit)
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+FileName+"-*")
	if err != nil {
		return fmt.Errorf("write the records %s: %w", file, err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	if err := cmp.Or(werr, cerr); err != nil {
		os.Remove(tmp.Name()) // a file cut short never replaces the records
		return fmt.Errorf("write the records %s: %w", file, err)
	}
	// Readable by all, as the records were before; a disc that keeps no modes (FAT through
	// fusefat) refuses chmod, and takes the records all the same.
	os.Chmod(tmp.Name(), 0o644)
	if err := os.Rename(tmp.Name(), file); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("write the records %s: %w", file, err)
	}
	return nil
}

// AppendShared is Append for a file that runs holding its location's lock shared may write at
// once (two verifies of one disc): it holds a lock of the file's directory while it reads and
// writes (disc.HoldDir), so that no record is lost.
func AppendShared(file string, limit int64, recs ...Record) error {
	defer disc.HoldDir(filepath.Dir(file))()
	return Append(file, limit, recs...)
}

// trim drops whole lines from the start of data until it is at most limit bytes long; the last
// line stays even when it alone is longer.
func trim(data []byte, limit int64) []byte {
	for int64(len(data)) > limit {
		i := bytes.IndexByte(data, '\n')
		if i < 0 || i == len(data)-1 {
			break
		}
		data = data[i+1:]
	}
	return data
}

// AppendLocal adds recs to this machine's file of records in stateDir (made when missing),
// under a lock of its own: runs on other locations may end at the same time. It makes no
// directory in another user's (root's run with a user's HOME): one owned by root there would
// keep that user's own runs from their state directory.
func AppendLocal(stateDir string, recs ...Record) error {
	if err := othersDir(stateDir); err != nil {
		return fmt.Errorf("write the records: %w", err)
	}
	if err := os.MkdirAll(stateDir, 0o700); err != nil {
		return fmt.Errorf("write the records: %w", err)
	}
	// Read-only is enough for flock, and lets any run that may read the directory take it.
	name := filepath.Join(stateDir, FileName+".lock")
	lock, err := os.OpenFile(name, os.O_CREATE|os.O_RDONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write the records: %w", err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return fmt.Errorf("write the records: lock: %w", err)
	}
	return Append(LocalPath(stateDir), LocalLimit, recs...)
}

// othersDir fails when dir is missing and the nearest directory above it that exists belongs
// to another user than this process's.
func othersDir(dir string) error {
	if _, err := os.Stat(dir); err == nil {
		return nil
	}
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		var st unix.Stat_t
		if unix.Stat(d, &st) == nil {
			if int(st.Uid) != os.Geteuid() {
				return fmt.Errorf("%s belongs to another user (uid %d): micsync makes no directory of its own there", d, st.Uid)
			}
			return nil
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

// Read returns the records of the file at path, oldest first: none when there is no file. A
// damaged line (a disc that was pulled out as it was written) is left out and counted.
func Read(file string) (recs []Record, damaged int, err error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("read the records: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), LocalLimit)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var r Record
		if json.Unmarshal(line, &r) != nil || r.ID == "" {
			damaged++
			continue
		}
		recs = append(recs, r)
	}
	if err := sc.Err(); err != nil {
		return recs, damaged, fmt.Errorf("read the records %s: %w", file, err)
	}
	return recs, damaged, nil
}

// Merge joins records read from several files, each once (a run's record at a destination is
// in this machine's file and in the destination's), newest first. Each file holds its records
// oldest first; records of the same second keep that order, reversed.
func Merge(lists ...[]Record) []Record {
	seen := map[[2]string]bool{}
	var out []Record
	for _, l := range lists {
		for i := len(l) - 1; i >= 0; i-- {
			r := l[i]
			k := [2]string{r.ID, string(r.Destination.Root)}
			if !seen[k] {
				seen[k] = true
				out = append(out, r)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b Record) int { return time.Time(b.Time).Compare(time.Time(a.Time)) })
	return out
}
