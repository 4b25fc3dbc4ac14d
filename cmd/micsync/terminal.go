package main

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

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// colourWanted reports whether output on w may be coloured: on a terminal, unless NO_COLOR is
// set (no-color.org).
func colourWanted(w io.Writer) bool {
	return os.Getenv("NO_COLOR") == "" && isTerminal(w)
}

// ANSI colours of the plan's marks.
var classColour = map[string]string{"+": "\x1b[32m", "~": "\x1b[33m", "!": "\x1b[33m", "-": "\x1b[31m"}

// paint colours text the way mark is coloured, when colour is on.
func (a *app) paint(mark, text string) string {
	if c, ok := classColour[mark]; ok && a.colour {
		return c + text + "\x1b[0m"
	}
	return text
}

// progressLine draws the whole-run progress of every destination that is copying on one line of
// the terminal. It shares outputMu with the prefixed rsync messages, which clear it first.
type progressLine struct {
	w      io.Writer
	labels []string
	state  map[string]map[int]string // by label, then by part of the execution
	drawn  time.Time
	active bool
}

func newProgressLine(w io.Writer, dests []*dest) *progressLine {
	pl := &progressLine{w: w, state: map[string]map[int]string{}}
	for _, d := range dests {
		pl.labels = append(pl.labels, shortLabel(d, len(dests)))
	}
	return pl
}

// shortLabel names a destination in the progress line: nothing when it is the only one.
func shortLabel(d *dest, n int) string {
	if n == 1 {
		return ""
	}
	return filepath.Join(filepath.Base(filepath.Dir(d.loc.Path)), filepath.Base(d.loc.Path)) + " "
}

func (pl *progressLine) update(label string, p rsyncplan.Progress) {
	outputMu.Lock()
	defer outputMu.Unlock()
	if pl.state[label] == nil {
		pl.state[label] = map[int]string{}
	}
	pl.state[label][p.Part] = fmt.Sprintf("%s%3d%% %s %s %s", label, p.Percent, humanBytes(p.Bytes), p.Rate, p.Time)
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

// clearLocked removes the progress line; outputMu must be held.
func (pl *progressLine) clearLocked() {
	if pl != nil && pl.active {
		fmt.Fprint(pl.w, "\r\x1b[K")
		pl.active = false
	}
}

func (pl *progressLine) clear() {
	outputMu.Lock()
	defer outputMu.Unlock()
	pl.clearLocked()
}
