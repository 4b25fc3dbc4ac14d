package run

import (
	"fmt"
	"sync/atomic"
	"time"

	"micsync/internal/ui"
	"micsync/rsyncplan"
)

// meter shows how far a verify is on the progress line, when one is drawn: rsync says nothing
// while it reads files to compare them, so the bytes are counted from the files its dry runs
// compared (rsyncplan.Job.Checked).
type meter struct {
	out   *ui.Output
	total int64 // the bytes of every comparison of the verify
	done  atomic.Int64
	start time.Time
}

// startMeter starts a progress line for a verify that compares total bytes; nil when none is
// drawn (no terminal, or -q).
func startMeter(out *ui.Output, quiet bool, total int64) *meter {
	if !out.StartProgress(quiet, []string{""}) {
		return nil
	}
	return &meter{out: out, total: total, start: time.Now()}
}

// checked counts a file of size bytes that a comparison read.
func (m *meter) checked(size int64) {
	done := m.done.Add(size)
	m.out.Progress("", m.total, m.progress(done, time.Since(m.start)))
}

// progress is how far done bytes of the total are after elapsed, as rsync would say it.
func (m *meter) progress(done int64, elapsed time.Duration) rsyncplan.Progress {
	p := rsyncplan.Progress{Bytes: done, Rate: "0.00kB/s", Time: "0:00:00"}
	if m.total > 0 {
		p.Percent = int(min(done*100/m.total, 99))
	}
	if secs := elapsed.Seconds(); secs > 0 && done > 0 {
		rate := float64(done) / secs
		p.Rate = ui.RateText(rate)
		left := time.Duration(float64(max(m.total-done, 0)) / rate * float64(time.Second))
		p.Time = clock(left)
	}
	return p
}

// end removes the progress line.
func (m *meter) end() {
	if m != nil {
		m.out.EndProgress()
	}
}

// clock writes d as rsync writes the time left: "0:01:05".
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
}
