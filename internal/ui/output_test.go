package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"

	"micsync/prompt"
)

func TestPrefixerKeepsLinesFromRunsAtOnceWhole(t *testing.T) {
	var out bytes.Buffer
	p := New(&out, &out, false).Prefixed(t.Context(), "disk: ")
	var wg sync.WaitGroup
	for _, run := range []string{"A", "B"} {
		wg.Go(func() {
			for i := range 500 {
				p.Write(fmt.Appendf(nil, "run %s line %d\n", run, i))
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	assert.Len(t, lines, 1000)
	for _, l := range lines {
		assert.Regexp(t, `^disk: run [AB] line \d+$`, l)
	}
}

func TestPrefixedLinesEndWhenTheRunIsStopped(t *testing.T) {
	lines := []string{
		"rsync: [sender] write error: No space left on device (28)\n",
		"rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20) at rsync.c(874) [sender=3.5.0]\n",
		"rsync: [generator] write error: Broken pipe (32)\n",
		"rsync error: received SIGINT, SIGTERM, or SIGHUP (code 20) at io.c(586) [generator=3.5.0]\n",
	}
	write := func(ctx context.Context, lines ...string) string {
		var out bytes.Buffer
		p := New(&out, &out, false).Prefixed(ctx, "d: ")
		for _, l := range lines {
			p.Write([]byte(l))
		}
		return out.String()
	}
	assert.Equal(t, "d: "+lines[0], write(t.Context(), lines...), "what rsync says before its signal is shown, nothing after")
	assert.Equal(t, "d: "+lines[2], write(t.Context(), lines[2]), "a broken pipe of a run that goes on is shown")
	assert.Empty(t, write(t.Context(), "Killed by signal 2.\n", lines[2]), "ssh's word that it got Ctrl-C")
	assert.Empty(t, write(t.Context(), "rsync error: received SIGUSR1 (code 19) at main.c(1613) [receiver=3.5.0]\n"))
	assert.Empty(t, write(t.Context(), lines[1]+lines[2]), "a write of several lines")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.Empty(t, write(ctx, lines[2]), "nothing once micsync is interrupted")
}

func TestQuietPrintsErrorsOnly(t *testing.T) {
	var stdout, stderr bytes.Buffer
	o := New(&stdout, &stderr, true)
	o.Printf("plan\n")
	o.Trace("rsync -a")
	o.Report("/mnt/d", Failure(errors.New("disc\nfull"), "free some space"))
	assert.Empty(t, stdout.String())
	assert.Equal(t, "micsync: error: /mnt/d: disc\\nfull\nmicsync: hint: free some space\n", stderr.String())
	assert.False(t, o.StartProgress(false, []string{""}), "no progress line off a terminal")
}

func TestErrorKinds(t *testing.T) {
	base := errors.New("bad")
	u := Usage(base, "h1", "h2")
	assert.ErrorIs(t, u, base)
	assert.Equal(t, []string{"h1", "h2"}, Hints(u))
	var e *Error
	assert.True(t, errors.As(u, &e) && e.Usage)
	assert.True(t, errors.As(Failure(base), &e) && !e.Usage)
	assert.Nil(t, Hints(base))

	nt := Unanswered(prompt.ErrNoTerminal, "there are files to delete", "-D")
	assert.EqualError(t, nt, "there are files to delete and there is no terminal to ask on")
	assert.Equal(t, []string{"answer with -D"}, Hints(nt))
	_, err := prompt.NotAsked{}.Decide("Delete?")
	nt = Unanswered(err, "there are files to delete", "-D")
	assert.EqualError(t, nt, "there are files to delete and --json asks no questions", "there may be a terminal")
	assert.ErrorAs(t, nt, new(*NoTerminalError), "the same stop, exit status and hint")
	assert.Equal(t, []string{"answer with -D"}, Hints(nt))
	assert.Same(t, prompt.ErrInterrupted, Unanswered(fmt.Errorf("ask: %w", prompt.ErrInterrupted), "x", "y"))
	assert.True(t, Interrupted(Unanswered(prompt.ErrInterrupted, "x", "y")))
	other := Unanswered(base, "x", "y")
	assert.ErrorIs(t, other, base)
	assert.False(t, Interrupted(other))
}
