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
	"time"
)

// MarkerName is the file that marks a location's root. Once a location is marked, a run that
// does not find the marker takes the location as not mounted, never as empty.
const MarkerName = ".micsync-location"

// TrashName is the directory in a location's root where micsync keeps what it overwrote or
// deleted, one subdirectory per run.
const TrashName = ".micsync-trash"

// Marker is the content of a location's marker file.
type Marker struct {
	Config  string    `json:"configuration"`
	Role    string    `json:"role"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
}

// ReadMarker reads the marker in dir.
func ReadMarker(dir string) (Marker, error) {
	var m Marker
	data, err := os.ReadFile(filepath.Join(dir, MarkerName))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil || m.ID == "" {
		return m, fmt.Errorf("marker %s is damaged", filepath.Join(dir, MarkerName))
	}
	return m, nil
}

// Unreachable says why the location cannot be used now, or "" when it can.
func (l Location) Unreachable() string {
	fi, err := os.Stat(l.Path)
	switch {
	case err != nil:
		return "not reachable (disc not mounted?)"
	case !fi.IsDir():
		return "not a directory"
	case l.MarkerID == "":
		return ""
	}
	m, err := ReadMarker(l.Path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "its marker " + MarkerName + " is missing: the disc is probably not mounted"
	case err != nil:
		return err.Error()
	case m.ID != l.MarkerID:
		return "its marker " + MarkerName + " belongs to another location (" + m.Config + " " + m.Role + "): another disc is mounted there"
	}
	return ""
}

// registryPath is where micsync remembers which locations are marked: in the user's state
// directory, so that a missing marker can be noticed.
func registryPath() (string, error) {
	if dir := os.Getenv("XDG_STATE_HOME"); dir != "" {
		return filepath.Join(dir, "micsync", "markers.json"), nil
	}
	home := os.Getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set")
	}
	return filepath.Join(home, ".local", "state", "micsync", "markers.json"), nil
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

// Mark writes a marker into the root of l, a location of c, and remembers it. A marker that
// is already there is kept and remembered (adopted is true): the disc was marked before.
func Mark(c *Config, l Location) (m Marker, adopted bool, err error) {
	if why := (Location{Path: l.Path}).Unreachable(); why != "" {
		return m, false, fmt.Errorf("%s %s is %s", l.Role, l.Path, why)
	}
	m, err = ReadMarker(l.Path)
	switch {
	case err == nil:
		adopted = true
	case errors.Is(err, fs.ErrNotExist):
		id := make([]byte, 16)
		if _, err := rand.Read(id); err != nil {
			return m, false, err
		}
		m = Marker{Config: c.Name, Role: l.Role.String(), ID: hex.EncodeToString(id), Created: time.Now().UTC().Truncate(time.Second)}
		data, _ := json.MarshalIndent(m, "", "  ")
		if err := os.WriteFile(filepath.Join(l.Path, MarkerName), append(data, '\n'), 0o644); err != nil {
			return m, false, fmt.Errorf("write marker: %w", err)
		}
	default:
		return m, false, err
	}
	reg, err := readRegistry()
	if err != nil {
		return m, adopted, err
	}
	reg[l.Path] = m.ID
	path, _ := registryPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return m, adopted, fmt.Errorf("remember marker: %w", err)
	}
	data, _ := json.MarshalIndent(reg, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return m, adopted, fmt.Errorf("remember marker: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return m, adopted, fmt.Errorf("remember marker: %w", err)
	}
	return m, adopted, nil
}
