package locations

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// SSH is a configuration's optional "ssh" settings, used for its locations on other hosts.
type SSH struct {
	Port     int      `json:"port"`     // 0: ssh's own default (22, or what ~/.ssh/config says)
	Identity string   `json:"identity"` // a private key file; "~/" and relative paths as for locations
	Options  []string `json:"options"`  // more ssh arguments, e.g. ["-o", "Compression=yes"]
	// Timeout is how many seconds a connection may take before the location counts as not
	// reachable; 0 means DefaultTimeout.
	Timeout float64 `json:"timeout"`
}

// DefaultTimeout is how long micsync waits for a host before it skips its locations.
const DefaultTimeout = 5 * time.Second

// ConnectTimeout returns the time a connection to the host may take.
func (s *SSH) ConnectTimeout() time.Duration {
	if s == nil || s.Timeout <= 0 {
		return DefaultTimeout
	}
	return time.Duration(s.Timeout * float64(time.Second))
}

// Command returns the ssh command that rsync runs for a location on another host. The user's
// options come first: ssh takes the first value it is given for a setting. batch forbids ssh
// to ask for a password or a host key, where no terminal could answer.
func (s *SSH) Command(batch bool) []string {
	argv := []string{"ssh"}
	if s != nil {
		argv = append(argv, s.Options...)
		if s.Port != 0 {
			argv = append(argv, "-p", strconv.Itoa(s.Port))
		}
		if s.Identity != "" {
			argv = append(argv, "-i", s.Identity)
		}
	}
	secs := int(s.ConnectTimeout().Round(time.Second) / time.Second)
	argv = append(argv, "-o", "ConnectTimeout="+strconv.Itoa(max(1, secs)))
	// A host that goes away during a run (a NAS switched off, a laptop closed) ends the run
	// after about a minute instead of leaving it waiting for ever.
	argv = append(argv, "-o", "ServerAliveInterval=15", "-o", "ServerAliveCountMax=4")
	if batch {
		argv = append(argv, "-o", "BatchMode=yes")
	}
	return argv
}

// Remote reports whether the location is on another host.
func (l Location) Remote() bool { return l.Host != "" }

// Dir returns the location's directory on its host: Path without "host:".
func (l Location) Dir() string {
	if l.Host == "" {
		return l.Path
	}
	return strings.TrimPrefix(l.Path, l.Host+":")
}

// hostKey is what two locations must share to be on the same filesystem tree: the host and
// the port, not the user.
func (l Location) hostKey() string {
	if l.Host == "" {
		return ""
	}
	host := l.Host[strings.LastIndexByte(l.Host, '@')+1:]
	port := 0
	if l.SSH != nil {
		port = l.SSH.Port
	}
	return host + ":" + strconv.Itoa(port)
}

// IsRemote reports whether a location as written names another host: "ssh://...", or a colon
// before the first slash ("host:/path", "user@host:/path"), which is how rsync tells them apart.
func IsRemote(raw string) bool {
	if strings.HasPrefix(raw, "ssh://") {
		return true
	}
	colon := strings.IndexByte(raw, ':')
	slash := strings.IndexByte(raw, '/')
	return colon > 0 && (slash < 0 || colon < slash) && !strings.HasPrefix(raw, "~")
}

// remoteLocation reads "host:/path", "user@host:/path" or "ssh://[user@]host[:port]/path".
// The path must be absolute: there is no shell on the other side to expand it, and the
// overlap rules need it whole. Symlinks on the other host are not resolved.
func remoteLocation(raw string, r Role, cfgSSH *SSH) (Location, error) {
	var userHost, dir string
	port := 0
	if strings.HasPrefix(raw, "ssh://") {
		u, err := url.Parse(raw)
		if err != nil {
			return Location{}, fmt.Errorf("not an ssh:// address: %w", errors.Unwrap(err))
		}
		if u.Hostname() == "" || u.RawQuery != "" || u.Fragment != "" || u.Opaque != "" {
			return Location{}, errors.New("write it ssh://user@host:port/path")
		}
		if p := u.Port(); p != "" {
			if port, err = strconv.Atoi(p); err != nil || port < 1 || port > 65535 {
				return Location{}, fmt.Errorf("port %s is not a port number", p)
			}
		}
		userHost = u.Hostname()
		if u.User != nil {
			userHost = u.User.Username() + "@" + userHost
		}
		dir = u.Path
	} else {
		var ok bool
		userHost, dir, ok = strings.Cut(raw, ":")
		if !ok || strings.HasPrefix(dir, ":") {
			return Location{}, errors.New("rsync daemon addresses (host::module) are not supported; write host:/path")
		}
	}
	if err := checkHost(userHost); err != nil {
		return Location{}, err
	}
	if !strings.HasPrefix(dir, "/") {
		return Location{}, fmt.Errorf("the path on %s must be absolute, like %s:/home/me/backup", userHost, userHost)
	}
	dir = path.Clean(dir)
	if dir == "/" {
		return Location{}, errors.New("is a filesystem root: a whole filesystem cannot be a location")
	}
	l := Location{Path: userHost + ":" + dir, Raw: raw, Role: r, Host: userHost, SSH: cfgSSH}
	if port != 0 {
		s := SSH{}
		if cfgSSH != nil {
			s = *cfgSSH
		}
		s.Port = port
		l.SSH = &s
	}
	return l, nil
}

// checkHost refuses host names that ssh would read as something else: an option (a leading
// dash), or a name with spaces or control characters.
func checkHost(userHost string) error {
	user, host, found := strings.Cut(userHost, "@")
	if !found {
		user, host = "", userHost
	}
	if host == "" || (found && user == "") {
		return fmt.Errorf("%q has no host name", userHost)
	}
	for _, part := range []string{user, host} {
		if strings.HasPrefix(part, "-") {
			return fmt.Errorf("%q: a user or host name cannot start with a dash", userHost)
		}
		for _, c := range part {
			if c <= ' ' || c == 0x7f || strings.ContainsRune(`'"\;&|<>$`+"`", c) {
				return fmt.Errorf("%q: a user or host name cannot hold %q", userHost, c)
			}
		}
	}
	if strings.ContainsAny(host, "@/") {
		return fmt.Errorf("%q is not a host name", host)
	}
	return nil
}

// newSSH checks a configuration's ssh settings and makes the identity file's path absolute.
func newSSH(s *SSH, dir string) (*SSH, error) {
	if s == nil {
		return nil, nil
	}
	c := *s
	if c.Port < 0 || c.Port > 65535 {
		return nil, fmt.Errorf(`"ssh": port %d is not a port number`, c.Port)
	}
	if c.Timeout < 0 {
		return nil, fmt.Errorf(`"ssh": timeout %v is negative`, c.Timeout)
	}
	if c.Identity != "" {
		p, err := expandHome(c.Identity)
		if err != nil {
			return nil, fmt.Errorf(`"ssh": identity: %w`, err)
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		c.Identity = filepath.Clean(p)
	}
	for _, o := range c.Options {
		if o == "" {
			return nil, errors.New(`"ssh": options holds an empty string`)
		}
	}
	c.Options = append([]string(nil), c.Options...)
	return &c, nil
}
