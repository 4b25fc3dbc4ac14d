package reach

import (
	"os"

	"micsync/internal/hang"
	"micsync/locations"
)

// checkLocal says why a location on this machine cannot be used now; tests replace it with one
// that hangs as a dead disc does.
var checkLocal = func(l locations.Location) string { return l.Unreachable() }

// statLocal stats a location's root on this machine; tests replace it too.
var statLocal = func(root string) error {
	_, err := os.Stat(root)
	return err
}

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

// Missing reports whether the root of l, a location on this machine, does not exist (or cannot
// be looked at): false for one on another host, and for one whose disc did not answer.
func (c *Checker) Missing(l locations.Location) bool {
	if l.Remote() {
		return false
	}
	missing, ok := hang.Call(l.Path, func() bool { return statLocal(l.Path) != nil })
	return ok && missing
}
