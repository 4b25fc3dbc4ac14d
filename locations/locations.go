// Package locations reads micsync's config file and finds the location that holds given paths.
package locations

import (
	"fmt"
	"slices"
)

// Role tells whether a location is a WORKING or a BACKUP directory.
type Role int

const (
	// Work is a WORKING location, where the user works on the files.
	Work Role = iota
	// Backup is a BACKUP location, often on a disc that is not always plugged in.
	Backup
)

// String returns the name of the role as micsync shows it: "WORKING" or "BACKUP".
func (r Role) String() string {
	switch r {
	case Work:
		return "WORKING"
	case Backup:
		return "BACKUP"
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// Location is one WORKING or BACKUP directory of a configuration.
type Location struct {
	// Path is absolute, cleaned, symlinks resolved as far as the path exists. On another host
	// it is rsync's address of the directory, "host:/path" or "user@host:/path", as written
	// but cleaned; its symlinks are not resolved.
	Path string
	Raw  string // as written in the config file
	Role Role
	Host string // "" on this machine; else ssh's destination, "host" or "user@host"
	SSH  *SSH   // for a location on another host: its configuration's settings and port
	// MarkerID is the id of the marker the location's root must hold, when it was marked.
	MarkerID string
}

// Config is one configuration: WORKING locations linked with BACKUP locations.
type Config struct {
	Name   string
	Work   []Location
	Backup []Location
	SSH    *SSH // settings for the locations on other hosts; nil when not given
	// Keep says which attributes beyond rsync -a every copy keeps ("keep"): refused where a
	// destination cannot keep them.
	Keep Keep
	// Exclude holds the rsync patterns of what no run copies, deletes or counts ("exclude");
	// Only, when set, the patterns of the only files that runs copy ("only"), directories
	// being kept for what they hold. GitIgnore asks for .gitignore files to be read as
	// .micsyncignore files are ("gitignore").
	Exclude, Only []string
	GitIgnore     bool
}

// Keep is what a configuration's "keep" asks for.
type Keep struct {
	Xattrs bool // "xattrs": extended attributes (rsync -X)
	ACLs   bool // "acls": POSIX ACLs (rsync -A)
}

// KeepNames are the values that "keep" may hold.
var KeepNames = []string{"xattrs", "acls"}

// Locations returns the config's locations of role r.
func (c *Config) Locations(r Role) []Location {
	switch r {
	case Work:
		return c.Work
	case Backup:
		return c.Backup
	}
	return nil
}

// All returns the WORKING locations, then the BACKUP locations, in a new slice.
func (c *Config) All() []Location {
	return slices.Concat(c.Work, c.Backup)
}

// File is a loaded and validated config file.
type File struct {
	Path    string // the config file's path, absolute
	Configs []*Config
}

// Lookup returns the configuration called name, or nil.
func (f *File) Lookup(name string) *Config {
	for _, c := range f.Configs {
		if c.Name == name {
			return c
		}
	}
	return nil
}
