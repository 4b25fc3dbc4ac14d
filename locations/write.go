package locations

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Entry is one configuration as the config file holds it, its paths as the user wrote them.
type Entry struct {
	Name   string   `json:"name"`
	Work   []string `json:"work"`
	Backup []string `json:"backup"`
}

// Render returns the text of a config file that holds the configurations of existing (the text
// of a config file, or nil for a new one) followed by e. Other keys of existing are kept, so that
// adding a configuration loses nothing a newer micsync wrote.
func Render(existing []byte, e Entry) ([]byte, error) {
	top := map[string]json.RawMessage{}
	var configs []json.RawMessage
	if len(bytes.TrimSpace(existing)) > 0 {
		if err := json.Unmarshal(existing, &top); err != nil {
			return nil, fmt.Errorf("read the existing configurations: %w", err)
		}
		if raw, ok := top["configs"]; ok {
			if err := json.Unmarshal(raw, &configs); err != nil {
				return nil, fmt.Errorf(`read the existing configurations: "configs": %w`, err)
			}
		}
	}
	entry, err := marshal(e, "")
	if err != nil {
		return nil, err
	}
	configs = append(configs, entry)
	if top["configs"], err = marshal(configs, ""); err != nil {
		return nil, err
	}
	return marshal(top, "  ")
}

// marshal encodes v without escaping <, > and &, which are common in paths and harmless here.
func marshal(v any, indent string) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", indent)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	if indent == "" {
		return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
	}
	return b.Bytes(), nil
}

// CheckLocations applies Load's rules for locations to the paths of one configuration known so
// far, so that answers can be checked as they are typed: every path must make a location, no
// two may overlap, and none may share directories with the configurations others as Load
// forbids. dir is the directory of the config file, against which relative paths count.
func CheckLocations(work, backup []string, dir string, others []*Config) error {
	var all []Location
	for _, part := range []struct {
		raws []string
		role Role
		key  string
	}{{work, Work, "work"}, {backup, Backup, "backup"}} {
		if len(part.raws) == 0 {
			continue
		}
		ls, err := newLocations(part.raws, part.role, part.key, dir, nil, nil)
		if err != nil {
			return err
		}
		all = append(all, ls...)
	}
	if err := checkOverlap(all); err != nil {
		return err
	}
	return checkShared(all, others)
}

// WriteFile replaces the config file at path with data, but only if data is a config file that
// Load accepts: data goes to a temporary file in the same directory, with mode 0600, which is
// loaded and then renamed over path. When data is not valid, nothing is written. A config file
// that is a symlink is replaced through the link, which stays.
func WriteFile(path string, data []byte) (*File, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	target := path
	if t, err := filepath.EvalSymlinks(path); err == nil {
		target = t
	}
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*.tmp") // mode 0600
	if err != nil {
		return nil, fmt.Errorf("write config: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("write config: %w", err)
	}
	f, err := Load(tmp.Name())
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			ce.File = path // the temporary file's name would mean nothing to the user
		}
		return nil, err
	}
	if err := os.Rename(tmp.Name(), target); err != nil {
		return nil, fmt.Errorf("write config: %w", err)
	}
	f.Path = path
	return f, nil
}
