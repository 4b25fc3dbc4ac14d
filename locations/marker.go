package locations

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// MarkerName is the file that marks a location's root. Once a location is marked, a run that
// does not find the marker takes the location as not mounted, never as empty.
const MarkerName = ".micsync-location"

// Marker is the content of a location's marker file.
type Marker struct {
	Config  string    `json:"configuration"`
	Role    string    `json:"role"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
}

// ReadMarker reads the marker in dir.
func ReadMarker(dir string) (Marker, error) {
	data, err := os.ReadFile(filepath.Join(dir, MarkerName))
	if err != nil {
		return Marker{}, err
	}
	return ParseMarker(data, filepath.Join(dir, MarkerName))
}

// ParseMarker reads a marker file's content; name is where it comes from, for the error.
func ParseMarker(data []byte, name string) (Marker, error) {
	var m Marker
	if err := json.Unmarshal(data, &m); err != nil || m.ID == "" {
		return m, fmt.Errorf("marker %s is damaged", name)
	}
	return m, nil
}

// NotCreatedYet is why a location on this machine cannot be used when its directory was not
// made yet, though what holds it is there (parentThere): mkdir makes it, mounting nothing does.
const NotCreatedYet = "not created yet"

// Reachable reports whether a location on this machine can be used now: its directory exists
// and holds its marker, if it was marked.
func (l Location) Reachable() bool { return l.Unreachable() == "" }

// Unreachable says why a location on this machine cannot be used now, or "" when it can. A
// location on another host is checked over ssh by the caller, with CheckMarker.
func (l Location) Unreachable() string {
	if l.Remote() {
		return "on another host, not checked"
	}
	fi, err := os.Stat(l.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && parentThere(l.Path):
		return NotCreatedYet
	case errors.Is(err, fs.ErrNotExist):
		return "does not exist (disc not mounted?)"
	case errors.Is(err, syscall.ENOTDIR):
		return "does not exist: a part of its path is a file"
	case err != nil:
		return "cannot be looked at: " + errors.Unwrap(err).Error()
	case !fi.IsDir():
		return "not a directory"
	case l.MarkerID == "":
		return ""
	}
	return l.CheckMarker(ReadMarker(l.Path))
}

// CheckMarker says why a location whose directory exists cannot be used, given what reading
// its marker returned, or "" when it can. An unmarked location needs no marker.
func (l Location) CheckMarker(m Marker, err error) string {
	if l.MarkerID == "" {
		return ""
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "its marker " + MarkerName + " is missing, so its disc is probably not mounted"
	case err != nil:
		return err.Error()
	case m.ID != l.MarkerID:
		return "its marker " + MarkerName + " belongs to another location (" + m.Config + " " + m.Role + "), so another disc is mounted there"
	}
	return ""
}

// registryPath is where micsync remembers which locations are marked: in the user's state
// directory, so that a missing marker can be noticed.
func registryPath() (string, error) {
	dir, err := StateDir()
	return filepath.Join(dir, "markers.json"), err
}

// readRegistry returns the marked locations: marker id by location path.
func readRegistry() (map[string]string, error) {
	path, err := registryPath()
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]string{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read marker list: %w", err)
	}
	reg := map[string]string{}
	if err := json.Unmarshal(data, &reg); err != nil {
		return nil, fmt.Errorf("marker list %s is damaged: %w", path, err)
	}
	return reg, nil
}

// NewMarker returns a new marker for l, a location of c, and the content of its file.
func NewMarker(c *Config, l Location) (Marker, []byte, error) {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return Marker{}, nil, err
	}
	m := Marker{Config: c.Name, Role: l.Role.String(), ID: hex.EncodeToString(id), Created: time.Now().UTC().Truncate(time.Second)}
	data, _ := json.MarshalIndent(m, "", "  ")
	return m, append(data, '\n'), nil
}

// Mark writes a marker into the root of l, a location of c on this machine, and remembers it.
// A marker that is already there is kept and remembered (adopted is true): the disc was
// marked before.
func Mark(c *Config, l Location) (m Marker, adopted bool, err error) {
	if why := (Location{Path: l.Path}).Unreachable(); why != "" {
		return m, false, fmt.Errorf("%s %s is unreachable: %s", l.Role, l.Path, why)
	}
	m, err = ReadMarker(l.Path)
	switch {
	case err == nil:
		adopted = true
	case errors.Is(err, fs.ErrNotExist):
		var data []byte
		if m, data, err = NewMarker(c, l); err != nil {
			return m, false, err
		}
		if err := os.WriteFile(filepath.Join(l.Path, MarkerName), data, 0o644); err != nil {
			return m, false, fmt.Errorf("write marker: %w", err)
		}
	default:
		return m, false, err
	}
	return m, adopted, Remember(l, m)
}

// Remember notes that l holds the marker m, so that a later run that does not find it there
// skips the location.
func Remember(l Location, m Marker) error {
	reg, err := readRegistry()
	if err != nil {
		return err
	}
	reg[l.Path] = m.ID
	path, _ := registryPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("remember marker: %w", err)
	}
	data, _ := json.MarshalIndent(reg, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("remember marker: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("remember marker: %w", err)
	}
	return nil
}
