package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"micsync/locations"
	"micsync/rsyncplan"
)

// runnerFor returns a copy of micsync's rsync runner that reaches the hosts of the given
// locations: with ssh and the configuration's settings when one of them is on another host.
func (a *app) runnerFor(ls ...locations.Location) *rsyncplan.Runner {
	r := *a.rsync
	for _, l := range ls {
		if l.Remote() {
			r.Shell = l.SSH.Command(a.batch)
		}
	}
	return &r
}

// reachability remembers what the checks of locations on other hosts found in this run: each
// host is asked once, not at every question about it.
type reachability struct {
	mu  sync.Mutex
	why map[string]string // by location path: "" when reachable
}

// unreachable says why l cannot be used now, or "" when it can. A location on this machine is
// looked at every time (cheap); one on another host is asked over ssh once per run.
func (a *app) unreachable(l locations.Location) string {
	if !l.Remote() {
		return l.Unreachable()
	}
	a.probe([]locations.Location{l})
	a.reach.mu.Lock()
	defer a.reach.mu.Unlock()
	return a.reach.why[l.Path]
}

// probe checks the locations on other hosts among ls that were not checked yet, all at once.
func (a *app) probe(ls []locations.Location) {
	a.reach.mu.Lock()
	if a.reach.why == nil {
		a.reach.why = map[string]string{}
	}
	var todo []locations.Location
	for _, l := range ls {
		if _, done := a.reach.why[l.Path]; l.Remote() && !done && !containsPath(todo, l.Path) {
			todo = append(todo, l)
		}
	}
	a.reach.mu.Unlock()
	var wg sync.WaitGroup
	for _, l := range todo {
		wg.Go(func() {
			why, _, _ := a.remoteState(l)
			a.reach.mu.Lock()
			a.reach.why[l.Path] = why
			a.reach.mu.Unlock()
		})
	}
	wg.Wait()
}

// probeAll checks every location on another host in the config file, all at once.
func (a *app) probeAll(f *locations.File) {
	var all []locations.Location
	for _, c := range f.Configs {
		all = append(all, c.All()...)
	}
	a.probe(all)
}

func containsPath(ls []locations.Location, p string) bool {
	for _, l := range ls {
		if l.Path == p {
			return true
		}
	}
	return false
}

// remoteState connects to l's host once: it checks that l's directory is there and fetches its
// marker, if it has one. why is "" when l can be used; markerErr wraps fs.ErrNotExist when
// there is no marker.
func (a *app) remoteState(l locations.Location) (why string, m locations.Marker, markerErr error) {
	wait := l.SSH.ConnectTimeout()
	ctx, cancel := context.WithTimeout(a.ctx, wait+10*time.Second)
	defer cancel()
	tmp, err := os.MkdirTemp("", "micsync-marker-")
	if err != nil {
		return err.Error(), m, err
	}
	defer os.RemoveAll(tmp)
	r := a.runnerFor(l)
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
