package reach

import (
	"micsync/internal/hang"
	"micsync/locations"
	"micsync/rsyncplan"
)

// checkLocal says why a location on this machine cannot be used now; tests replace it with one
// that hangs as a dead disc does.
var checkLocal = func(l locations.Location) string { return l.Unreachable() }

// notResponding is why a location whose disc did not answer cannot be used.
func notResponding() string { return "not responding: " + hang.Why() }

// local checks a location on this machine. One whose disc did not answer is not asked again
// while that look waits for it (package hang).
func (c *Checker) local(l locations.Location) string {
	why, ok := hang.Call(l.Path, func() string { return checkLocal(l) })
	if !ok {
		return notResponding()
	}
	return why
}

// NotCreated reports whether l, a location on this machine, is not created yet: its directory
// is missing from a disc that is there (locations.NotCreatedYet). False for a location on
// another host, and for one whose disc did not answer.
func NotCreated(l locations.Location) bool {
	if l.Remote() {
		return false
	}
	why, ok := hang.Call(l.Path, func() string { return checkLocal(l) })
	return ok && why == locations.NotCreatedYet
}

// MkdirCommand is the command that creates the directory of l, a location on this machine.
func MkdirCommand(l locations.Location) string {
	return rsyncplan.Quote([]string{"mkdir", "-p", l.Path})
}
