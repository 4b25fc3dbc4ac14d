package run

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"micsync/internal/reach"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// syncBuffer is a strings.Builder that runs at the same time may write to.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// testEnv returns an Env that runs in cwd with the config file of $HOME (or path, when given),
// asks ask, and writes stdout and stderr into the buffers it returns.
func testEnv(t *testing.T, cwd string, ask prompt.Asker) (e *Env, stdout, stderr *syncBuffer) {
	t.Helper()
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	rsync := rsyncplan.Runner{Stderr: stderr}
	ctx := context.Background()
	return &Env{Ctx: ctx, Out: ui.New(stdout, stderr, false), Ask: ask, Reach: reach.New(ctx, rsync, true),
		Rsync: rsync, Cwd: cwd, Config: locations.DefaultPath}, stdout, stderr
}

// isUsage reports whether err is the user's mistake: micsync exits with status 2.
func isUsage(err error) bool {
	var ue *ui.Error
	var nt *ui.NoTerminalError
	return errors.As(err, &nt) || (errors.As(err, &ue) && ue.Usage)
}

// answers plays a user at micsync's questions: each question takes the next answer, which must
// be of its kind ("y"/"n" for Confirm, an index for Select, indexes for MultiSelect, "^C" for
// Ctrl-C). Every question is recorded.
type answers struct {
	t     *testing.T
	mu    sync.Mutex
	queue []string
	asked []string
}

func scripted(t *testing.T, a ...string) *answers { return &answers{t: t, queue: a} }

func (s *answers) next(question string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.asked = append(s.asked, question)
	if len(s.queue) == 0 {
		s.t.Errorf("no answer left for %q", question)
		return "", prompt.ErrNoTerminal
	}
	a := s.queue[0]
	s.queue = s.queue[1:]
	if a == "^C" {
		return "", prompt.ErrInterrupted
	}
	return a, nil
}

func (s *answers) Confirm(message string, _ bool) (bool, error) {
	a, err := s.next(message)
	return a == "y", err
}

func (s *answers) Select(message string, options []string) (int, error) {
	a, err := s.next(message + " " + strings.Join(options, "|"))
	var i int
	if err == nil {
		_, err = fmt.Sscan(a, &i)
	}
	return i, err
}

func (s *answers) MultiSelect(message string, options []string) ([]int, error) {
	a, err := s.next(message + " " + strings.Join(options, "|"))
	if err != nil {
		return nil, err
	}
	var idx []int
	for _, f := range strings.Fields(a) {
		var i int
		fmt.Sscan(f, &i)
		idx = append(idx, i)
	}
	return idx, nil
}

// Decide takes "y", "n" or "p" (pick).
func (s *answers) Decide(message string) (prompt.Decision, error) {
	a, err := s.next(message)
	switch a {
	case "y":
		return prompt.Yes, err
	case "p":
		return prompt.PickThem, err
	}
	return prompt.No, err
}

// Pick takes the indexes picked, separated by spaces; "" picks none.
func (s *answers) Pick(message string, options []string) ([]int, error) {
	return s.MultiSelect(message, options)
}

func (s *answers) Input(message, _ string, _ func(string) error) (string, error) {
	return s.next(message)
}

// left returns the answers no question took.
func (s *answers) left() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queue
}
