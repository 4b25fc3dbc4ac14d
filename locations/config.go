package locations

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"micsync/internal/hang"
	"micsync/internal/spell"
)

// DefaultPath returns the config file's path: $MICSYNC_CONFIG if set, else $HOME/.micsync.json.
func DefaultPath() (string, error) {
	if p := os.Getenv("MICSYNC_CONFIG"); p != "" {
		return p, nil
	}
	home := os.Getenv("HOME")
	if home == "" {
		return "", errors.New("HOME is not set")
	}
	return filepath.Join(home, ".micsync.json"), nil
}

// fileJSON is the config file as written; checkKeys refuses the keys it does not hold.
type fileJSON struct {
	Configs []configJSON `json:"configs"`
}

type configJSON struct {
	Name   string   `json:"name"`
	Work   []string `json:"work"`
	Backup []string `json:"backup"`
	SSH    *SSH     `json:"ssh"`
	Keep   []string `json:"keep"`
	// Exclude and Only are rsync patterns: what to leave out, and what alone to keep.
	Exclude   []string `json:"exclude"`
	Only      []string `json:"only"`
	GitIgnore bool     `json:"gitignore"`
}

// Load reads and validates the config file at path.
func Load(path string) (*File, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &NotFoundError{Path: path}
	}
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return parse(path, data)
}

// Check validates data as the config file at path, which need not exist, as Load would.
func Check(path string, data []byte) (*File, error) {
	path, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return parse(path, data)
}

// parse validates data, the content of the config file at path, an absolute path.
func parse(path string, data []byte) (*File, error) {
	// A UTF-8 byte-order mark, which some Windows editors write, is no reason to refuse a file.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	if json.Valid(data) {
		if ke := checkKeys(data); ke != nil {
			line, col := position(data, int64(ke.offset)+1)
			ce := &ConfigError{File: path, Problem: fmt.Sprintf("%s at line %d, column %d: %s", ke.what, line, col, ke.why)}
			if ke.config >= 0 {
				ce.Config = configLabel(configName(data, ke.config), ke.config)
			}
			return nil, ce
		}
	}
	var raw fileJSON
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, jsonError(path, data, err)
	}
	if len(raw.Configs) == 0 {
		return nil, &ConfigError{File: path, Problem: `no configurations: "configs" is missing or empty`}
	}
	f := &File{Path: path}
	res := resolveAll(raw.Configs, filepath.Dir(path))
	seen := map[string]int{}
	for i, rc := range raw.Configs {
		label := configLabel(rc.Name, i)
		if rc.Name == "" {
			return nil, &ConfigError{File: path, Config: label, Problem: `"name" is missing or empty`}
		}
		if j, ok := seen[rc.Name]; ok {
			return nil, &ConfigError{File: path, Config: label, Problem: fmt.Sprintf("the name is also used by configuration #%d", j+1)}
		}
		seen[rc.Name] = i
		c, err := newConfig(rc, filepath.Dir(path), res)
		if err == nil {
			err = checkShared(c.All(), f.Configs)
		}
		if err != nil {
			return nil, &ConfigError{File: path, Config: label, Problem: err.Error()}
		}
		f.Configs = append(f.Configs, c)
	}
	if err := f.rememberMarkers(); err != nil {
		return nil, err
	}
	return f, nil
}

// rememberMarkers notes, for every location that was marked, the marker it must hold.
func (f *File) rememberMarkers() error {
	reg, err := readRegistry()
	if err != nil || len(reg) == 0 {
		return err
	}
	for _, c := range f.Configs {
		for _, ls := range [][]Location{c.Work, c.Backup} {
			for i := range ls {
				ls[i].MarkerID = reg[ls[i].Path]
			}
		}
	}
	return nil
}

// configLabel names the i-th configuration in messages, by its number when it has no name.
func configLabel(name string, i int) string {
	if name == "" {
		return fmt.Sprintf("configuration #%d", i+1)
	}
	return fmt.Sprintf("configuration %q", name)
}

// jsonError turns an error of encoding/json into a ConfigError that says where the problem is.
func jsonError(path string, data []byte, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		if c := trailingComma(data, int(se.Offset)-1); c >= 0 {
			line, col := position(data, int64(c)+1)
			return &ConfigError{File: path, Problem: fmt.Sprintf("trailing comma at line %d, column %d: JSON allows no comma after the last item of a list or an object", line, col)}
		}
		line, col := position(data, se.Offset)
		return &ConfigError{File: path, Problem: fmt.Sprintf("invalid JSON at line %d, column %d: %s", line, col, se)}
	case errors.As(err, &te):
		line, col := position(data, te.Offset)
		return &ConfigError{File: path, Config: failingConfig(data),
			Problem: fmt.Sprintf("wrong type at line %d, column %d: %s", line, col, typeProblem(te.Field))}
	}
	return &ConfigError{File: path, Problem: err.Error()}
}

// position returns the line and column (in characters, both from 1) of the byte before offset:
// encoding/json reports an offset just past the byte at fault.
func position(data []byte, offset int64) (line, col int) {
	before := data[:max(0, min(offset-1, int64(len(data))))]
	line = 1 + bytes.Count(before, []byte("\n"))
	col = 1 + utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:])
	return line, col
}

// typeProblem says what the field, as encoding/json names it ("configs.work"), must hold.
func typeProblem(field string) string {
	key := field[strings.LastIndexByte(field, '.')+1:]
	switch key {
	case "":
		return "the top level must be an object"
	case "configs":
		return `"configs" must be a list of objects`
	case "name":
		return `"name" must be a string`
	case "work", "backup":
		return fmt.Sprintf("%q must be a list of strings", key)
	case "ssh":
		return `"ssh" must be an object: {"port": 22, "identity": "~/.ssh/id_ed25519", "options": ["-o", "..."], "timeout": 5}`
	case "port", "timeout":
		return fmt.Sprintf(`"ssh": %q must be a number`, key)
	case "identity":
		return `"ssh": "identity" must be a string`
	case "options":
		return `"ssh": "options" must be a list of strings`
	case "keep":
		return `"keep" must be a list of strings: ["xattrs", "acls"]`
	case "exclude", "only":
		return fmt.Sprintf(`%q must be a list of patterns: ["*.tmp", "node_modules/"]`, key)
	case "gitignore":
		return `"gitignore" must be true or false`
	}
	return fmt.Sprintf("%q has the wrong type", key)
}

// configName returns the name of the i-th configuration, or "" when it has none that decodes.
func configName(data []byte, i int) string {
	var top struct {
		Configs []json.RawMessage `json:"configs"`
	}
	var c struct {
		Name string `json:"name"`
	}
	if json.Unmarshal(data, &top) != nil || i >= len(top.Configs) || json.Unmarshal(top.Configs[i], &c) != nil {
		return ""
	}
	return c.Name
}

// failingConfig labels the first configuration that does not decode, the one a type error is in;
// encoding/json's error does not say which entry of "configs" it is.
func failingConfig(data []byte) string {
	var top struct {
		Configs []json.RawMessage `json:"configs"`
	}
	if json.Unmarshal(data, &top) != nil {
		return ""
	}
	for i, raw := range top.Configs {
		var rc configJSON
		if json.Unmarshal(raw, &rc) != nil {
			return configLabel(rc.Name, i)
		}
	}
	return ""
}

// newConfig builds a configuration from its entry and checks its locations; relative location
// paths are relative to dir, the config file's directory.
func newConfig(rc configJSON, dir string, res resolved) (*Config, error) {
	s, err := newSSH(rc.SSH, dir)
	if err != nil {
		return nil, err
	}
	work, err := newLocations(rc.Work, Work, "work", dir, s, res)
	if err != nil {
		return nil, err
	}
	backup, err := newLocations(rc.Backup, Backup, "backup", dir, s, res)
	if err != nil {
		return nil, err
	}
	keep, err := newKeep(rc.Keep)
	if err != nil {
		return nil, err
	}
	if err := checkPatterns("exclude", rc.Exclude); err != nil {
		return nil, err
	}
	if err := checkPatterns("only", rc.Only); err != nil {
		return nil, err
	}
	c := &Config{Name: rc.Name, Work: work, Backup: backup, SSH: s, Keep: keep,
		Exclude: rc.Exclude, Only: rc.Only, GitIgnore: rc.GitIgnore}
	if err := checkOverlap(c.All()); err != nil {
		return nil, err
	}
	return c, nil
}

// newKeep reads "keep": the names of what to keep, each once.
func newKeep(names []string) (Keep, error) {
	var k Keep
	seen := map[string]bool{}
	for _, n := range names {
		if seen[n] {
			return Keep{}, fmt.Errorf(`"keep" holds %q twice`, n)
		}
		seen[n] = true
		switch n {
		case "xattrs":
			k.Xattrs = true
		case "acls":
			k.ACLs = true
		default:
			hint := `it may hold "xattrs" and "acls"`
			best, dist := "", 3
			for _, v := range KeepNames {
				if d := spell.Distance(strings.ToLower(n), v); d < dist {
					best, dist = v, d
				}
			}
			if best != "" {
				hint = fmt.Sprintf("did you mean %q?", best)
			}
			return Keep{}, fmt.Errorf(`"keep" holds %q, which micsync does not know: %s`, n, hint)
		}
	}
	return k, nil
}

// newLocations makes the locations of one role from their paths as written; res holds the
// paths resolved already.
func newLocations(raws []string, r Role, key, dir string, s *SSH, res resolved) ([]Location, error) {
	if raws == nil {
		return nil, fmt.Errorf("%q is missing", key)
	}
	if len(raws) == 0 {
		return nil, fmt.Errorf("%q is empty: a configuration needs at least one %s location", key, r)
	}
	ls := make([]Location, 0, len(raws))
	for _, raw := range raws {
		if raw == "" {
			return nil, fmt.Errorf("%q holds an empty path", key)
		}
		if IsRemote(raw) {
			l, err := remoteLocation(raw, r, s)
			if err != nil {
				return nil, fmt.Errorf("%s %s: %w", r, raw, err)
			}
			ls = append(ls, l)
			continue
		}
		p, err := absLocation(raw, dir)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", r, raw, err)
		}
		p = res.path(p)
		if filepath.Dir(p) == p {
			return nil, fmt.Errorf("%s %s is a filesystem root: a whole filesystem cannot be a location", r, raw)
		}
		ls = append(ls, Location{Path: p, Raw: raw, Role: r})
	}
	return ls, nil
}

// absLocation expands "~" in raw and makes it absolute against dir.
func absLocation(raw, dir string) (string, error) {
	p, err := expandHome(raw)
	if err != nil {
		return "", err
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Clean(p), nil
}

// resolved holds location paths with their symlinks resolved, by absolute path.
type resolved map[string]string

// path returns p resolved: from res when it is there, or resolved now.
func (res resolved) path(p string) string {
	if r, ok := res[p]; ok {
		return r
	}
	return evalExisting(p)
}

// resolveAll resolves the paths of all the locations on this machine of the configurations at
// once, so that discs that do not answer cost one hang.Timeout together. Paths that cannot be
// made absolute are left for newLocations to report.
func resolveAll(cs []configJSON, dir string) resolved {
	var ps []string
	for _, c := range cs {
		for _, raw := range slices.Concat(c.Work, c.Backup) {
			if p, err := absLocation(raw, dir); raw != "" && !IsRemote(raw) && err == nil {
				ps = append(ps, p)
			}
		}
	}
	res := make(resolved, len(ps))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, p := range ps {
		wg.Go(func() {
			r := evalExisting(p)
			mu.Lock()
			res[p] = r
			mu.Unlock()
		})
	}
	wg.Wait()
	return res
}

// expandHome replaces a leading "~" with $HOME.
func expandHome(p string) (string, error) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		home := os.Getenv("HOME")
		if home == "" {
			return "", errors.New(`HOME is not set, so "~" cannot be expanded`)
		}
		p = home + p[1:]
	}
	return p, nil
}

// evalExisting resolves the symlinks of the longest leading part of p that resolves and keeps the
// rest as it is: a location on a disc that is not plugged in is still a location. A disc that
// does not answer within hang.Timeout leaves p as it is: the location is then not responding.
func evalExisting(p string) string {
	r, ok := hang.Call(p, func() string { return evalExistingNow(p) })
	if !ok {
		return p
	}
	return r
}

// evalExistingNow is evalExisting without a time limit.
func evalExistingNow(p string) string {
	rest := ""
	for {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Join(r, rest)
		}
		parent := filepath.Dir(p)
		if parent == p {
			return filepath.Join(p, rest)
		}
		rest = filepath.Join(filepath.Base(p), rest)
		p = parent
	}
}

// checkOverlap refuses two locations of one configuration that are the same directory or nested:
// rsync would copy a location into itself. Locations on different hosts never overlap.
func checkOverlap(ls []Location) error {
	for i, a := range ls {
		for _, b := range ls[i+1:] {
			if err := overlap(a, b, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkShared refuses a location of ls, the locations of one configuration, that is equal to or
// nested with a location of another configuration of others, with the message of checkOverlap
// naming that configuration: a run of either would plan to delete the other's files, or pour
// them into its own directories. The one exception is a WORKING of ls that is the same folder
// (same host, same directory) as a WORKING of another configuration: every copy goes between a
// WORKING and a BACKUP of one configuration, so one folder backed up to different discs by two
// configurations is safe; resolving a path in it then asks which configuration is meant. A
// WORKING inside another configuration's WORKING is refused like any other overlap.
func checkShared(ls []Location, others []*Config) error {
	for _, o := range others {
		for _, b := range o.All() {
			for _, a := range ls {
				if a.Role == Work && b.Role == Work && a.hostKey() == b.hostKey() && a.Dir() == b.Dir() {
					continue // one folder backed up by two configurations, to their own BACKUPs
				}
				if err := overlap(a, b, fmt.Sprintf(" of configuration %q", o.Name)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// overlap says how a and b are the same directory or nested, or returns nil; of names b's
// configuration when it is another one.
func overlap(a, b Location, of string) error {
	if a.hostKey() != b.hostKey() {
		return nil
	}
	switch {
	case a.Dir() == b.Dir():
		return fmt.Errorf("%s %s and %s %s%s are both %s", a.Role, a.Raw, b.Role, b.Raw, of, a.Path)
	case within(a.Dir(), b.Dir()):
		return fmt.Errorf("%s %s is inside %s %s%s", a.Role, a.Path, b.Role, b.Path, of)
	case within(b.Dir(), a.Dir()):
		return fmt.Errorf("%s %s%s is inside %s %s", b.Role, b.Path, of, a.Role, a.Path)
	}
	return nil
}

// within reports whether p is dir or below it; /a/bc is not within /a/b.
func within(p, dir string) bool {
	sep := string(filepath.Separator)
	return p == dir || strings.HasPrefix(p, strings.TrimSuffix(dir, sep)+sep)
}

// checkPatterns refuses the patterns of key ("exclude", "only") that cannot be an rsync filter
// rule's pattern: an empty one, which rsync refuses, and one with a line break or a NUL, which
// would end the rule. What else rsync refuses, micsync check asks rsync (CheckPattern).
func checkPatterns(key string, patterns []string) error {
	for _, p := range patterns {
		switch {
		case strings.TrimSpace(p) == "":
			return fmt.Errorf("%q holds an empty pattern", key)
		case strings.ContainsAny(p, "\n\r\x00"):
			return fmt.Errorf("%q holds the pattern %s, which has a line break or NUL in it", key, strconv.Quote(p))
		}
	}
	return nil
}
