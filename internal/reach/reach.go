// Package reach says whether a location can be used now. A location on this machine is looked
// at every time it is asked about (cheap): its root must be a directory, and once it is marked,
// hold its marker (locations.Location.Unreachable); a disc that does not answer within
// hang.Timeout is not responding, and is not asked again while it does not answer (local.go).
// A location on another host is asked once per run, over one ssh connection that checks the
// directory and fetches its marker (probe); the Checker remembers the answer, and checks
// several hosts at once.
package reach

import (
	"context"
	"strconv"
	"strings"
	"sync"

	"micsync/internal/hang"
	"micsync/locations"
	"micsync/rsyncplan"
)

// Checker checks and remembers the reachability of locations during one run.
type Checker struct {
	ctx   context.Context
	rsync rsyncplan.Runner
	batch bool // ssh may not ask for a password or a host key: there is no terminal to answer

	mu  sync.Mutex
	why map[string]string // locations on other hosts, by path: "" when reachable
}

// New returns a Checker whose runs use rsync as it is set up (its program and stderr). batch
// forbids ssh to ask questions.
func New(ctx context.Context, rsync rsyncplan.Runner, batch bool) *Checker {
	return &Checker{ctx: ctx, rsync: rsync, batch: batch, why: map[string]string{}}
}

// Runner returns a copy of the run's rsync runner that reaches the hosts of the given
// locations: with ssh and the configuration's settings when one of them is on another host.
func (c *Checker) Runner(ls ...locations.Location) *rsyncplan.Runner {
	r := c.rsync
	for _, l := range ls {
		if l.Remote() {
			r.Shell = l.SSH.Command(c.batch)
		}
	}
	return &r
}

// Unreachable says why l cannot be used now, or "" when it can.
func (c *Checker) Unreachable(l locations.Location) string {
	if !l.Remote() {
		return c.local(l)
	}
	c.Probe(l)
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.why[l.Path]
}

// Reachable returns the locations of ls that can be used now.
func (c *Checker) Reachable(ls []locations.Location) []locations.Location {
	c.Probe(ls...)
	var out []locations.Location
	for _, l := range ls {
		if c.Unreachable(l) == "" {
			out = append(out, l)
		}
	}
	return out
}

// Probe checks the locations on other hosts among ls that were not checked yet, all at once,
// and the locations here at the same time: a disc that does not answer costs one hang.Timeout for
// all of them, and is not waited for again.
func (c *Checker) Probe(ls ...locations.Location) {
	c.mu.Lock()
	var todo, here []locations.Location
	seen := map[string]bool{}
	for _, l := range ls {
		_, done := c.why[l.Path]
		switch {
		case seen[l.Path]:
		case l.Remote() && !done:
			todo = append(todo, l)
		case !l.Remote() && !hang.Stuck(l.Path):
			here = append(here, l)
		}
		seen[l.Path] = true
	}
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, l := range here {
		wg.Go(func() { c.local(l) })
	}
	for _, l := range todo {
		wg.Go(func() {
			why, _, _ := c.remoteState(l)
			c.mu.Lock()
			c.why[l.Path] = why
			c.mu.Unlock()
		})
	}
	wg.Wait()
}

// ProbeAll checks every location on another host in the config file, all at once.
func (c *Checker) ProbeAll(f *locations.File) {
	var all []locations.Location
	for _, cfg := range f.Configs {
		all = append(all, cfg.All()...)
	}
	c.Probe(all...)
}

// sshMkdir is the command that creates the directory of l, a location on another host: ssh
// with the configuration's port and key, and mkdir as the one word the other side's shell reads.
func sshMkdir(l locations.Location) []string {
	argv := []string{"ssh"}
	if l.SSH != nil && l.SSH.Port != 0 {
		argv = append(argv, "-p", strconv.Itoa(l.SSH.Port))
	}
	if l.SSH != nil && l.SSH.Identity != "" {
		argv = append(argv, "-i", l.SSH.Identity)
	}
	return append(argv, l.Host, rsyncplan.Quote([]string{"mkdir", "-p", l.Dir()}))
}

// Hint says what makes an unreachable location reachable; why is what Unreachable said, or "".
func Hint(l locations.Location, why string) string {
	if l.Remote() {
		if strings.HasPrefix(why, locations.NotCreatedYet) {
			return "create it: " + rsyncplan.Quote(sshMkdir(l))
		}
		return "check that " + l.Host + " is up and that ssh " + l.Host + " works without a password"
	}
	if hang.Stuck(l.Path) {
		return "its disc stopped answering: unplug it and plug it in again, or wait for it"
	}
	if NotCreated(l) {
		return "create it: " + MkdirCommand(l)
	}
	return "mount the disc that holds it"
}
