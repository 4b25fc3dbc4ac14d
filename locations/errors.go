package locations

import (
	"fmt"
	"strings"
)

// NotFoundError reports that the config file does not exist.
type NotFoundError struct {
	Path string
}

func (e *NotFoundError) Error() string {
	return "config file " + e.Path + " not found"
}

// ConfigError reports a config file that cannot be used: invalid JSON or a broken rule.
type ConfigError struct {
	File    string // the config file's path
	Config  string // `configuration "NAME"` or `configuration #N`; empty when no one configuration is at fault
	Problem string
}

func (e *ConfigError) Error() string {
	if e.Config == "" {
		return fmt.Sprintf("config %s: %s", e.File, e.Problem)
	}
	return fmt.Sprintf("config %s: %s: %s", e.File, e.Config, e.Problem)
}

// NoLocationError reports paths that no location of the config file holds.
type NoLocationError struct {
	File  string // the config file's path
	Paths []string
}

func (e *NoLocationError) Error() string {
	verb := "is"
	if len(e.Paths) > 1 {
		verb = "are"
	}
	return fmt.Sprintf("%s %s not inside any location of config %s", strings.Join(e.Paths, ", "), verb, e.File)
}
