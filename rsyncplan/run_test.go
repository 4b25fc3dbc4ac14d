package rsyncplan

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQuoteRoundTripsThroughBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	require.NoError(t, err)
	args := append([]string{"plain", "--out-format=::RS:: %i", ""}, oddNames...)
	out, err := exec.Command(bash, "-c", `printf '%s\0' `+Quote(args)).Output()
	require.NoError(t, err)
	assert.Equal(t, args, splitNUL(out))
}

func TestRunnerReportsExitAndMessage(t *testing.T) {
	res, err := (&Runner{}).Run(context.Background(), []string{"-a", "--", "/nonexistent-src/", t.TempDir()}, func([]byte) {})
	require.NoError(t, err)
	assert.Equal(t, 23, res.Code)
	e := &Error{Step: "copy", Code: res.Code, Stderr: res.Stderr}
	assert.Contains(t, e.Error(), "rsync copy failed with exit status 23 (some files could not be transferred)")
	assert.Contains(t, e.Error(), "nonexistent-src")
}

// lineRecorder records each Write it gets.
type lineRecorder struct {
	mu     sync.Mutex
	writes []string
}

func (l *lineRecorder) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.writes = append(l.writes, string(b))
	return len(b), nil
}

func TestStderrGetsWholeLinesFromRunsAtOnce(t *testing.T) {
	// This rsync writes each message in pieces, and its last one without a newline.
	script := filepath.Join(t.TempDir(), "rsync")
	write(t, script, "#!/bin/sh\nfor i in $(seq 200); do printf 'run %s line %s' \"$1\" $i >&2; printf ' end\\n' >&2; done\nprintf 'run %s last' \"$1\" >&2\n")
	require.NoError(t, os.Chmod(script, 0o755))
	var rec lineRecorder
	r := &Runner{Program: script, Stderr: &rec}
	var wg sync.WaitGroup
	for _, run := range []string{"A", "B"} {
		wg.Go(func() {
			_, err := r.Run(context.Background(), []string{run}, func([]byte) {})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	want := map[string]bool{}
	for _, run := range []string{"A", "B"} {
		for i := 1; i <= 200; i++ {
			want[fmt.Sprintf("run %s line %d end\n", run, i)] = true
		}
		want["run "+run+" last\n"] = true
	}
	got := map[string]bool{}
	for _, w := range rec.writes {
		assert.True(t, want[w], "not one whole line: %q", w)
		got[w] = true
	}
	assert.Len(t, got, len(want))
}

func TestParseVersion(t *testing.T) {
	for out, want := range map[string][3]int{
		"rsync  version 3.5.0  protocol version 32\nCopyright": {3, 5, 0},
		"rsync  version 2.6.9  protocol version 29":            {2, 6, 9},
		"rsync  version 3.1.3pre1  protocol version 31":        {3, 1, 3},
	} {
		got, ok := parseVersion(out)
		assert.True(t, ok, out)
		assert.Equal(t, want, got, out)
	}
	_, ok := parseVersion("openrsync: protocol 29")
	assert.False(t, ok)
}
