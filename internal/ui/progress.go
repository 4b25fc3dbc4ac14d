package ui

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"micsync/rsyncplan"
)

// progressLine draws the whole-run progress of every destination that is copying on one line of
// the terminal. It shares the Output's lock with the prefixed rsync messages, which clear it first.
type progressLine struct {
	w      io.Writer
	labels []string
	state  map[string]map[int]string // by label, then by part of the execution
	drawn  time.Time
	active bool
}

// StartProgress starts drawing a progress line on stderr, when it is a terminal and the run is
// not quiet, for destinations with these labels (ProgressLabel). It returns false when no line
// is drawn.
func (o *Output) StartProgress(quiet bool, labels []string) bool {
	if quiet || !IsTerminal(o.stderr) {
		return false
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	o.progress = &progressLine{w: o.stderr, labels: labels, state: map[string]map[int]string{}}
	return true
}

// ProgressLabel names a destination in the progress line: nothing when it is the only one (of n).
func ProgressLabel(root string, n int) string {
	if n == 1 {
		return ""
	}
	return filepath.Join(filepath.Base(filepath.Dir(root)), filepath.Base(root)) + " "
}

// Progress draws an update of the destination with label, when a progress line is drawn.
func (o *Output) Progress(label string, p rsyncplan.Progress) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.progress != nil {
		o.progress.update(label, p)
	}
}

// EndProgress removes the progress line.
func (o *Output) EndProgress() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.progress.clearLocked()
}

func (pl *progressLine) update(label string, p rsyncplan.Progress) {
	if pl.state[label] == nil {
		pl.state[label] = map[int]string{}
	}
	pl.state[label][p.Part] = fmt.Sprintf("%s%3d%% %s %s %s", label, p.Percent, HumanBytes(p.Bytes), p.Rate, p.Time)
	if time.Since(pl.drawn) < 100*time.Millisecond {
		return
	}
	pl.drawn = time.Now()
	var parts []string
	for _, l := range pl.labels {
		for _, part := range slices.Sorted(maps.Keys(pl.state[l])) {
			parts = append(parts, pl.state[l][part])
		}
	}
	line := strings.Join(parts, " | ")
	width := 80
	if f, ok := pl.w.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 10 {
			width = w
		}
	}
	if r := []rune(line); len(r) >= width {
		line = string(r[:width-1])
	}
	fmt.Fprintf(pl.w, "\r\x1b[K%s", line)
	pl.active = true
}

// clearLocked removes the progress line; the Output's lock must be held.
func (pl *progressLine) clearLocked() {
	if pl != nil && pl.active {
		fmt.Fprint(pl.w, "\r\x1b[K")
		pl.active = false
	}
}
