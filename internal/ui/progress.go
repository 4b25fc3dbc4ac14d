package ui

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"micsync/rsyncplan"
)

// progressLine draws the whole-run progress of every destination that is copying on one line of
// the terminal: one figure for each destination, whose execution may be several rsync runs at
// once (its parts) and one after the other (its steps). The line always fits the terminal's
// width, so that it never wraps and "\r\x1b[K" clears all of it. It shares the Output's lock with
// everything else the Output prints, which clears it first.
type progressLine struct {
	w      io.Writer
	width  func() int // the terminal's width in columns
	labels []string
	dests  map[string]*destProgress // by label
	drawn  time.Time
	active bool
}

// destProgress is what the runs of one destination said last.
type destProgress struct {
	total int64 // the bytes of its whole execution, as planned; 0 when unknown
	parts map[int]*partProgress
}

// partProgress is what the runs of one part of an execution said: a part's steps are rsync runs
// one after the other, and each counts from 0.
type partProgress struct {
	base int64 // the bytes of the part's runs that ended
	last rsyncplan.Progress
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
	o.progress = newProgressLine(o.stderr, labels, func() int { return terminalWidth(o.stderr) })
	return true
}

func newProgressLine(w io.Writer, labels []string, width func() int) *progressLine {
	return &progressLine{w: w, width: width, labels: labels, dests: map[string]*destProgress{}}
}

// terminalWidth is the width of the terminal w, 80 when it cannot be told.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 0 {
			return cols
		}
	}
	return 80
}

// ProgressLabel names a destination in the progress line: nothing when it is the only one (of n),
// else its root as shown; the line shortens it to fit.
func ProgressLabel(root string, n int) string {
	if n == 1 {
		return ""
	}
	return Show(root)
}

// Progress draws an update of the destination with label, whose execution writes total bytes
// (0: unknown), when a progress line is drawn.
func (o *Output) Progress(label string, total int64, p rsyncplan.Progress) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.progress != nil {
		o.progress.update(label, total, p)
	}
}

// EndProgress removes the progress line.
func (o *Output) EndProgress() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.progress.clearLocked()
}

func (pl *progressLine) update(label string, total int64, p rsyncplan.Progress) {
	d := pl.dests[label]
	if d == nil {
		d = &destProgress{parts: map[int]*partProgress{}}
		pl.dests[label] = d
	}
	d.total = total
	part := d.parts[p.Part]
	if part == nil {
		part = &partProgress{}
		d.parts[p.Part] = part
	}
	if p.Bytes < part.last.Bytes || (part.last.Percent == 100 && p.Percent < 100) {
		part.base += part.last.Bytes // the part's next run started
	}
	part.last = p
	if time.Since(pl.drawn) < 100*time.Millisecond {
		return
	}
	pl.drawn = time.Now()
	fmt.Fprintf(pl.w, "\r\x1b[K%s", pl.line(pl.width()))
	pl.active = true
}

// clearLocked removes the progress line; the Output's lock must be held.
func (pl *progressLine) clearLocked() {
	if pl != nil && pl.active {
		fmt.Fprint(pl.w, "\r\x1b[K")
		pl.active = false
	}
}

// line is the progress line for a terminal width columns wide: shorter than that, so that the
// cursor never moves to the next line. When the whole line does not fit, the labels are
// shortened, then the rate and time left are left out, then the bytes.
func (pl *progressLine) line(width int) string {
	limit := width - 1
	var shown []string // the labels of the destinations that said something, in order
	for _, l := range pl.labels {
		if pl.dests[l] != nil {
			shown = append(shown, l)
		}
	}
	if len(shown) == 0 {
		return ""
	}
	labelled := shown[0] != ""
	var line string
	for detail := 2; detail >= 0; detail-- {
		sep := " | "
		if detail == 0 {
			sep = " "
		}
		figures := make([]string, len(shown))
		fixed := len(sep) * (len(shown) - 1)
		for i, l := range shown {
			figures[i] = pl.dests[l].figures(detail)
			fixed += len(figures[i])
			if labelled {
				fixed++ // the space after the label
			}
		}
		labels := shown
		if labelled {
			full := 0
			for _, l := range shown {
				full += runeLen(l)
			}
			if fixed+full > limit {
				budget := (limit - fixed) / len(shown)
				if budget < 7 && detail > 0 {
					continue // labels so short say nothing: leave figures out first
				}
				// Told apart from every destination's, also those that said nothing yet.
				short := shortLabels(pl.labels, budget)
				labels = make([]string, len(shown))
				for i, l := range shown {
					labels[i] = short[slices.Index(pl.labels, l)]
				}
			}
		}
		segs := make([]string, len(shown))
		for i := range shown {
			segs[i] = figures[i]
			if labelled {
				segs[i] = labels[i] + " " + figures[i]
			}
		}
		line = strings.Join(segs, sep)
		if runeLen(line) <= limit {
			return line
		}
	}
	if r := []rune(line); len(r) > limit {
		line = string(r[:max(limit, 0)])
	}
	return line
}

// figures says how far a destination is: its percent, and with more detail the bytes written,
// then also the rate and the time left (or taken). The parts of its execution are summed.
func (d *destProgress) figures(detail int) string {
	var bytes int64
	var running, all []rsyncplan.Progress
	minPercent := 100
	for _, n := range slices.Sorted(maps.Keys(d.parts)) {
		p := d.parts[n]
		bytes += p.base + p.last.Bytes
		minPercent = min(minPercent, p.last.Percent)
		all = append(all, p.last)
		if p.last.Percent < 100 {
			running = append(running, p.last)
		}
	}
	percent := minPercent
	if d.total > 0 && (len(all) > 1 || d.parts[all[0].Part].base > 0) {
		// rsync's percent is of one run: of several, it is of the planned bytes.
		percent = int(min(bytes*100/d.total, 100))
		if minPercent < 100 && percent == 100 {
			percent = 99
		}
	}
	s := fmt.Sprintf("%3d%%", percent)
	if detail >= 1 {
		s += " " + HumanBytes(bytes)
	}
	if detail >= 2 {
		if len(running) == 0 {
			running = all
		}
		s += " " + sumRates(running) + " " + maxTime(running)
	}
	return s
}

// rateUnits are the units of rsync's rates, which are of 1024.
var rateUnits = []string{"kB/s", "MB/s", "GB/s", "TB/s"}

// sumRates adds rsync's rates ("31.25MB/s") as rsync would show the sum; one rate is shown as
// it is, and so is a rate that cannot be read when it is alone.
func sumRates(ps []rsyncplan.Progress) string {
	if len(ps) == 1 {
		return ps[0].Rate
	}
	var sum float64
	for _, p := range ps {
		sum += parseRate(p.Rate)
	}
	return RateText(sum)
}

// RateText writes bytes a second as rsync does: "31.25MB/s", in units of 1024.
func RateText(rate float64) string {
	rate /= 1024
	unit := 0
	for rate >= 1024 && unit < len(rateUnits)-1 {
		rate /= 1024
		unit++
	}
	return fmt.Sprintf("%.2f%s", rate, rateUnits[unit])
}

// parseRate reads rsync's rate in bytes a second; 0 when it cannot.
func parseRate(s string) float64 {
	factor := 1.0
	num := strings.TrimSuffix(s, "B/s")
	if num == s {
		return 0
	}
	for i, u := range []string{"k", "M", "G", "T"} {
		if n, ok := strings.CutSuffix(num, u); ok {
			num = n
			for range i + 1 {
				factor *= 1024
			}
			break
		}
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0
	}
	return f * factor
}

// maxTime returns the longest of rsync's times ("0:00:10"): the parts end when the last does.
func maxTime(ps []rsyncplan.Progress) string {
	best, longest := ps[0].Time, -1
	for _, p := range ps {
		if s := clockSeconds(p.Time); s > longest {
			best, longest = p.Time, s
		}
	}
	return best
}

// clockSeconds reads "h:mm:ss" (or "m:ss"); -1 when it cannot.
func clockSeconds(s string) int {
	n := 0
	for f := range strings.SplitSeq(s, ":") {
		v, err := strconv.Atoi(f)
		if err != nil {
			return -1
		}
		n = n*60 + v
	}
	return n
}

// shortLabels shortens each label to at most budget characters, keeping what tells it from the
// others: the last path components that differ ("disc1/Documents" of
// "/run/media/me/disc1/Documents" next to ".../disc2/Documents"), and when that is too long, its
// first component ("disc1/…"), with the middle of a word left out ("di…1") as the last resort.
func shortLabels(labels []string, budget int) []string {
	budget = max(budget, 1)
	comps := make([][]string, len(labels))
	for i, l := range labels {
		comps[i] = strings.Split(strings.TrimSuffix(l, "/"), "/")
	}
	out := make([]string, len(labels))
	for i, c := range comps {
		k := 1
		for ; k < len(c); k++ {
			if uniqueSuffix(comps, i, k) {
				break
			}
		}
		s := strings.Join(c[len(c)-k:], "/")
		switch {
		case runeLen(s) <= budget:
		case k > 1 && runeLen(c[len(c)-k])+2 <= budget:
			s = c[len(c)-k] + "/…"
		case k > 1:
			s = ellipsize(c[len(c)-k], budget)
		default:
			s = ellipsize(s, budget)
		}
		out[i] = s
	}
	return out
}

// uniqueSuffix reports whether the last k components of comps[i] are those of no other.
func uniqueSuffix(comps [][]string, i, k int) bool {
	mine := comps[i][len(comps[i])-k:]
	for j, c := range comps {
		if j != i && len(c) >= k && slices.Equal(c[len(c)-k:], mine) {
			return false
		}
	}
	return true
}

// ellipsize leaves out the middle of s so that it takes at most n characters: its start, which
// names it, and its end, which often tells it from its neighbours ("disk1", "disk2").
func ellipsize(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n <= 2 {
		return string(r[:n])
	}
	tail := (n - 1) / 3
	head := n - 1 - tail
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

func runeLen(s string) int { return len([]rune(s)) }
