package reach

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"micsync/locations"
	"micsync/rsyncplan"
)

// remoteState connects to l's host once: it checks that l's directory is there and fetches its
// marker, if it has one. why is "" when l can be used; markerErr wraps fs.ErrNotExist when
// there is no marker.
func (c *Checker) remoteState(l locations.Location) (why string, m locations.Marker, markerErr error) {
	wait := l.SSH.ConnectTimeout()
	ctx, cancel := context.WithTimeout(c.ctx, wait+10*time.Second)
	defer cancel()
	tmp, err := rsyncplan.TempDir("marker-")
	if err != nil {
		return err.Error(), m, err
	}
	defer os.RemoveAll(tmp)
	r := c.Runner(l)
	r.Stderr, r.Trace, r.Progress = nil, nil, nil
	// Only the root and its marker: the directory's existence and the marker in one connection.
	args := []string{"-r", "--include=/" + locations.MarkerName, "--exclude=*", "--", l.Path + "/", tmp + "/"}
	res, err := r.Run(ctx, args, func([]byte) {})
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return fmt.Sprintf("no connection: %s did not answer within %s", l.Host, wait+10*time.Second), m, ctx.Err()
	case err != nil:
		return err.Error(), m, err
	case res.Code == 255 || (res.Code == 12 && strings.Contains(res.Stderr, "connection unexpectedly closed")):
		// ssh failed: rsync says 255, or 12 when ssh went away before rsync's first word.
		return sshProblem(l, res.Stderr), m, errors.New(res.Stderr)
	case res.Code != 0 && strings.Contains(res.Stderr, "No such file or directory"):
		if c.parentHolds(ctx, l) {
			return locations.NotCreatedYet + " on " + l.Host, m, fs.ErrNotExist
		}
		return "does not exist on " + l.Host + " (disc not mounted there?)", m, fs.ErrNotExist
	case res.Code != 0 && strings.Contains(res.Stderr, "Not a directory"):
		return "not a directory", m, fs.ErrNotExist
	case res.Code != 0:
		e := &rsyncplan.Error{Step: "check of " + l.Path, Code: res.Code, Stderr: res.Stderr}
		return e.Error(), m, e
	}
	data, err := os.ReadFile(filepath.Join(tmp, locations.MarkerName))
	if err == nil {
		m, err = locations.ParseMarker(data, l.Path+"/"+locations.MarkerName)
	}
	return l.CheckMarker(m, err), m, err
}

// parentHolds reports whether the parent directory of l, a location on another host whose
// directory is missing, exists there and holds something: the disc is there and the location
// was not created yet. An empty or missing parent may be a mount point without its disc.
func (c *Checker) parentHolds(ctx context.Context, l locations.Location) bool {
	dir := l.Dir()
	if dir == "/" || filepath.Dir(dir) == dir {
		return false
	}
	r := c.Runner(l)
	r.Stderr, r.Trace, r.Progress = nil, nil, nil
	kids, err := r.Children(ctx, l.Host+":"+filepath.Dir(dir))
	return err == nil && len(kids) > 0
}

// sshProblem says in one line why ssh could not reach a location's host.
func sshProblem(l locations.Location, stderr string) string {
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "rsync") {
			lines = append(lines, line)
		}
	}
	msg := strings.Join(lines, "; ")
	switch {
	case strings.Contains(stderr, "Permission denied") || strings.Contains(stderr, "Too many authentication failures"):
		return fmt.Sprintf("ssh could not log in to %s without a password (%s): set up a key: ssh-keygen, then ssh-copy-id %s, and \"identity\" in the configuration's \"ssh\" settings if it is not your default key",
			l.Host, msg, l.Host)
	case strings.Contains(stderr, "Host key verification failed"):
		return fmt.Sprintf("ssh does not know the host key of %s: connect once with ssh %s to check and accept it", l.Host, l.Host)
	case msg == "":
		return "no connection: ssh to " + l.Host + " failed"
	}
	return "no connection: " + msg
}

// Mark marks a location on another host as locations.Mark does one here: the marker is read
// and written with rsync over ssh. adopted is true when the location had its marker already.
func (c *Checker) Mark(cfg *locations.Config, l locations.Location) (locations.Marker, bool, error) {
	unmarked := l
	unmarked.MarkerID = ""
	why, m, err := c.remoteState(unmarked)
	switch {
	case why != "":
		return m, false, fmt.Errorf("%s %s is unreachable: %s", l.Role, l.Path, why)
	case err == nil:
		return m, true, locations.Remember(l, m)
	case !errors.Is(err, fs.ErrNotExist):
		return m, false, err
	}
	m, data, err := locations.NewMarker(cfg, l)
	if err != nil {
		return m, false, err
	}
	tmp, err := rsyncplan.TempDir("marker-")
	if err != nil {
		return m, false, err
	}
	defer os.RemoveAll(tmp)
	file := filepath.Join(tmp, locations.MarkerName)
	if err := os.WriteFile(file, data, 0o644); err != nil {
		return m, false, err
	}
	args := []string{"--chmod=F644", "--ignore-existing", "--", file, l.Path + "/"}
	if err := c.Runner(l).Do(c.ctx, "writing the marker", args); err != nil {
		return m, false, fmt.Errorf("write marker: %w", err)
	}
	return m, false, locations.Remember(l, m)
}
