// Package hang keeps micsync from waiting for ever on a disc that stopped answering. A stat on
// a FUSE driver that hangs or a dying USB stick blocks in the kernel, where nothing can cancel
// it; Call runs such a look at the disc in a goroutine of its own and stops waiting after
// Timeout. The goroutine goes on alone until the kernel lets it go, and until then every other
// Call about the same path gives up at once: a disc that did not answer is not waited for twice.
package hang

import (
	"strconv"
	"sync"
	"time"
)

// Timeout is how long a look at a disc may take. Tests shorten it.
var Timeout = 5 * time.Second

// Why says why a disc that did not answer in time cannot be used.
func Why() string {
	return "its disc did not answer within " + strconv.FormatFloat(Timeout.Seconds(), 'f', -1, 64) + " s"
}

// paths holds, by path, the token of the call that looks at it now, and whether that call did
// not answer in time.
var (
	mu    sync.Mutex
	paths = map[string]*state{}
)

type state struct {
	token chan struct{} // capacity 1: held by the call that looks at the path now
	stuck bool          // that call did not answer in time, and has not returned yet
}

// Call calls fn, which looks at the disc that holds path, and returns what it returns, with ok
// true; it waits at most Timeout, counted from the call and so including the wait for another
// call about path that is still running. ok is false when fn did not return in time, and at
// once, without calling fn, while an earlier call about path is stuck.
func Call[T any](path string, fn func() T) (v T, ok bool) {
	mu.Lock()
	s := paths[path]
	if s == nil {
		s = &state{token: make(chan struct{}, 1)}
		paths[path] = s
	}
	stuck := s.stuck
	mu.Unlock()
	if stuck {
		return v, false
	}
	deadline := time.NewTimer(Timeout)
	defer deadline.Stop()
	select {
	case s.token <- struct{}{}:
	case <-deadline.C:
		return v, false
	}
	done := make(chan T, 1)
	go func() {
		done <- fn()
		mu.Lock()
		s.stuck = false
		mu.Unlock()
		<-s.token
	}()
	select {
	case v = <-done:
		return v, true
	case <-deadline.C:
		mu.Lock()
		defer mu.Unlock()
		select {
		case v = <-done: // it answered just now
			return v, true
		default:
			s.stuck = true
			return v, false
		}
	}
}

// Stuck reports whether a call about path did not answer in time and is still waiting for its
// disc.
func Stuck(path string) bool {
	mu.Lock()
	defer mu.Unlock()
	s := paths[path]
	return s != nil && s.stuck
}
