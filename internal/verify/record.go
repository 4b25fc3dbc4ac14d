package verify

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"

	"micsync/internal/disc"
	"micsync/internal/jsonout"
)

// Record is what verify remembers of one location: the files it knows there, and when each was
// last verified. One is kept in micsync's state directory on this machine and one on the
// location's disc, so that a disc checked on another machine is known here too (Load merges
// them).
type Record struct {
	Files map[string]Seen // by name, relative to the location's root, slash-separated
}

// recordFile is a Record as it is kept: a list, so that a name that is not UTF-8 keeps its bytes
// (jsonout.Name), which a JSON object's keys would not.
type recordFile struct {
	Version int         `json:"version"`
	Files   []savedFile `json:"files"`
}

type savedFile struct {
	Name jsonout.Name `json:"name"`
	Seen
}

// MarshalJSON writes the record as it is kept, in name order.
func (r *Record) MarshalJSON() ([]byte, error) {
	f := recordFile{Version: 1, Files: make([]savedFile, 0, len(r.Files))}
	for _, n := range slices.Sorted(maps.Keys(r.Files)) {
		f.Files = append(f.Files, savedFile{Name: jsonout.Name(n), Seen: r.Files[n]})
	}
	return json.Marshal(f)
}

// UnmarshalJSON reads a record as it is kept.
func (r *Record) UnmarshalJSON(b []byte) error {
	var f recordFile
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	r.Files = make(map[string]Seen, len(f.Files))
	for _, s := range f.Files {
		r.Files[string(s.Name)] = s.Seen
	}
	return nil
}

// Seen is one file of a Record.
type Seen struct {
	Size int64 `json:"size"`
	// Verified is when its content was last compared with the other copies, in Unix seconds; 0
	// for a file never verified.
	Verified int64 `json:"verified"`
}

// Load reads the records at paths and merges them: for each file, the latest verification
// wins. A missing or unreadable record is an empty one: it only says what to verify first.
func Load(paths ...string) *Record {
	r := &Record{Files: map[string]Seen{}}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		var other Record
		if json.Unmarshal(b, &other) != nil {
			continue
		}
		for n, s := range other.Files {
			if old, ok := r.Files[n]; !ok || s.Verified > old.Verified {
				r.Files[n] = s
			}
		}
	}
	return r
}

// Save writes the record to path, through a temporary file, so that a run that is stopped
// leaves the old record or the new one. Two verifies of one location may save at once: Save
// holds a lock of path's directory, and takes a later time that the other wrote for a file
// that this record still holds, so that neither's verification is forgotten.
func (r *Record) Save(path string) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("save what was verified: %w", err)
	}
	defer disc.HoldDir(dir)()
	for n, saved := range Load(path).Files {
		if s, ok := r.Files[n]; ok && saved.Verified > s.Verified {
			s.Verified = saved.Verified
			r.Files[n] = s
		}
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*.new")
	if err != nil {
		return fmt.Errorf("save what was verified: %w", err)
	}
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		os.Chmod(f.Name(), 0o644) // CreateTemp makes it 0600; a disc that refuses chmod (FAT) keeps its own
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("save what was verified: %w", err)
	}
	return nil
}

// Known sets the files that the location holds below prefix ("" for all of it), by name with
// their sizes: files it no longer holds there are forgotten, new ones are never verified.
func (r *Record) Known(prefix string, sizes map[string]int64) {
	for n := range r.Files {
		if _, ok := sizes[n]; !ok && below(n, prefix) {
			delete(r.Files, n)
		}
	}
	for n, size := range sizes {
		s := r.Files[n]
		s.Size = size
		r.Files[n] = s
	}
}

// below reports whether name is prefix or inside it; every name is below "".
func below(name, prefix string) bool {
	return prefix == "" || name == prefix || (len(name) > len(prefix) && name[:len(prefix)] == prefix && name[len(prefix)] == '/')
}

// Verified notes that the file name was verified at t.
func (r *Record) Verified(name string, t time.Time) {
	s := r.Files[name]
	s.Verified = t.Unix()
	r.Files[name] = s
}

// Within returns how many of the record's files, and how many bytes, were verified in the d
// before now.
func (r *Record) Within(now time.Time, d time.Duration) (files int, bytes int64) {
	since := now.Add(-d).Unix()
	for _, s := range r.Files {
		if s.Verified > 0 && s.Verified >= since {
			files++
			bytes += s.Size
		}
	}
	return files, bytes
}

// Total returns how many files the record knows, and their size.
func (r *Record) Total() (files int, bytes int64) {
	for _, s := range r.Files {
		files++
		bytes += s.Size
	}
	return files, bytes
}
