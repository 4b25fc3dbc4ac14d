package ui

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/rsyncplan"
)

// drawn returns what the progress line pl draws for an update, which it draws however soon
// after the last.
func drawn(t *testing.T, pl *progressLine, out *bytes.Buffer, label string, total int64, p rsyncplan.Progress) string {
	t.Helper()
	pl.drawn = time.Time{}
	out.Reset()
	pl.update(label, total, p)
	line, ok := strings.CutPrefix(out.String(), "\r\x1b[K")
	require.True(t, ok, "each draw clears the line first: %q", out.String())
	return line
}

func TestProgressLineSumsTheParts(t *testing.T) {
	var out bytes.Buffer
	pl := newProgressLine(&out, []string{"a", "b"}, func() int { return 200 })
	up := func(label string, part, percent int, n int64, rate, left string) string {
		return drawn(t, pl, &out, label, 10_000, rsyncplan.Progress{Bytes: n, Percent: percent, Rate: rate, Time: left, Part: part})
	}
	assert.Equal(t, "b  20% 2.0 kB 1.00MB/s 0:00:05", up("b", 2, 20, 2000, "1.00MB/s", "0:00:05"),
		"one run so far: rsync's figures as they are")
	assert.Equal(t, "b  50% 5.0 kB 1.50MB/s 0:00:09", up("b", 3, 60, 3000, "512.00kB/s", "0:00:09"),
		"two parts at once: one figure, of the planned bytes, the rates summed and the longest time")
	up("b", 2, 100, 4000, "1.00MB/s", "0:00:04")
	assert.Equal(t, "b  70% 7.0 kB 512.00kB/s 0:00:09", up("b", 3, 60, 3000, "512.00kB/s", "0:00:09"),
		"a part that is done adds its bytes, not its rate")
	assert.Equal(t, "b  80% 8.0 kB 1.50MB/s 0:00:09", up("b", 2, 10, 1000, "1.00MB/s", "0:00:01"),
		"the next run of a part counts on from the bytes of its last")
	assert.Equal(t, "a   5% 500 B 1.00MB/s 0:00:01 | b  80% 8.0 kB 1.50MB/s 0:00:09", up("a", 0, 5, 500, "1.00MB/s", "0:00:01"),
		"the destinations in order, with what tells them apart")
	assert.Equal(t, "a   5% 500 B 1.00MB/s 0:00:01 | b  99% 11.0 kB 1.50MB/s 0:00:09", up("b", 2, 50, 4000, "1.00MB/s", "0:00:01"),
		"never 100% before every run is done, though more than planned was written")
}

func TestProgressLineFitsTheTerminal(t *testing.T) {
	roots := []string{"/run/media/me/disk1/Documents", "/run/media/me/disk2/Documents", "nas:/srv/backup/Documents", "/mnt/a-very-long-name-for-a-disc/Documents"}
	for _, width := range []int{40, 80, 200} {
		for n := 1; n <= 4; n++ {
			t.Run(fmt.Sprintf("%d columns, %d destinations", width, n), func(t *testing.T) {
				labels := make([]string, n)
				for i := range n {
					labels[i] = ProgressLabel(roots[i], n)
				}
				var out bytes.Buffer
				pl := newProgressLine(&out, labels, func() int { return width })
				var line string
				for i, l := range labels {
					line = drawn(t, pl, &out, l, 1<<30, rsyncplan.Progress{Bytes: 123_456_789, Percent: 10 + i, Rate: "31.25MB/s", Time: "0:01:10", Part: 1})
					line = drawn(t, pl, &out, l, 1<<30, rsyncplan.Progress{Bytes: 23_456_789, Percent: 20 + i, Rate: "1.25MB/s", Time: "0:11:10", Part: 2})
				}
				assert.Less(t, len([]rune(line)), width, "the cursor stays on the line: %q", line)
				assert.NotContains(t, line, "\n")
				assert.Equal(t, n, strings.Count(line, " 13%"), "one figure for each destination, every one shown: %q", line)
				if n > 1 && (width > 40 || n < 4) {
					for _, want := range []string{"disk1", "disk2", "backup", "a-v"}[:n] {
						assert.Contains(t, line, want, "a label that tells the destination: %q", line)
					}
				}
				t.Log(line)
			})
		}
	}
}

func TestProgressLineLayouts(t *testing.T) {
	labels := []string{"/run/media/me/disk1/Documents", "/run/media/me/disk2/Documents", "nas:/srv/backup/Documents"}
	var out bytes.Buffer
	width := 200
	pl := newProgressLine(&out, labels, func() int { return width })
	for i, l := range labels {
		drawn(t, pl, &out, l, 0, rsyncplan.Progress{Bytes: 1_000_000, Percent: 10 * (i + 1), Rate: "2.00MB/s", Time: "0:00:07"})
	}
	for _, c := range []struct {
		width int
		want  string
	}{
		{200, "/run/media/me/disk1/Documents  10% 1.0 MB 2.00MB/s 0:00:07 | /run/media/me/disk2/Documents  20% 1.0 MB 2.00MB/s 0:00:07 | nas:/srv/backup/Documents  30% 1.0 MB 2.00MB/s 0:00:07"},
		{120, "disk1/…  10% 1.0 MB 2.00MB/s 0:00:07 | disk2/…  20% 1.0 MB 2.00MB/s 0:00:07 | backup/…  30% 1.0 MB 2.00MB/s 0:00:07"},
		{100, "disk1/Documents  10% 1.0 MB | disk2/Documents  20% 1.0 MB | backup/Documents  30% 1.0 MB"},
		{80, "disk1/…  10% 1.0 MB | disk2/…  20% 1.0 MB | backup/…  30% 1.0 MB"},
		{40, "disk1/…  10% disk2/…  20% backup  30%"},
		{30, "di…1  10% di…2  20% ba…p  30%"},
		{12, "d  10% d  2"}, // never more than fits
	} {
		width = c.width
		line := drawn(t, pl, &out, labels[0], 0, rsyncplan.Progress{Bytes: 1_000_000, Percent: 10, Rate: "2.00MB/s", Time: "0:00:07"})
		assert.Equal(t, c.want, line, "%d columns", c.width)
		assert.Less(t, len([]rune(line)), c.width)
	}
}

func TestShortLabels(t *testing.T) {
	assert.Equal(t, []string{"disk1", "disk2"}, shortLabels([]string{"/mnt/disk1", "/mnt/disk2"}, 20))
	assert.Equal(t, []string{"disk1/Documents", "disk2/Documents"}, shortLabels([]string{"/run/media/me/disk1/Documents", "/run/media/me/disk2/Documents"}, 20))
	assert.Equal(t, []string{"disk1/…", "disk2/…"}, shortLabels([]string{"/run/media/me/disk1/Documents", "/run/media/me/disk2/Documents"}, 10))
	assert.Equal(t, []string{"di…1", "di…2"}, shortLabels([]string{"/run/media/me/disk1/Documents", "/run/media/me/disk2/Documents"}, 4))
	assert.Equal(t, []string{"a-very-…isc", "b"}, shortLabels([]string{"/mnt/a-very-long-name-for-a-disc", "/mnt/b"}, 11))
	assert.Equal(t, []string{"nas:/…", "pi:/srv/docs"}, shortLabels([]string{"nas:/srv/docs", "pi:/srv/docs"}, 12), "the hosts tell them apart")
}

func TestProgressLabel(t *testing.T) {
	assert.Equal(t, "", ProgressLabel("/run/media/me/disc1", 1))
	assert.Equal(t, "/run/media/me/disc1", ProgressLabel("/run/media/me/disc1", 2))
}

func TestPrintingClearsTheProgressLineFirst(t *testing.T) {
	var out bytes.Buffer
	o := New(&out, &out, false)
	o.progress = newProgressLine(&out, []string{""}, func() int { return 80 })
	p := rsyncplan.Progress{Bytes: 1000, Percent: 5, Rate: "1MB/s", Time: "0:01"}
	show := func() {
		o.progress.drawn = time.Time{}
		o.Progress("", 0, p)
	}
	show()
	o.Prefixed(t.Context(), "d: ").Write([]byte("rsync: failed\n"))
	show()
	o.Printf("skipped the copy run\n")
	show()
	o.Report("/mnt/d", errors.New("full"))
	show()
	o.Summary(nil)
	o.Printf("nothing is cleared twice\n")
	show()
	o.EndProgress()
	o.EndProgress()
	const bar = "\r\x1b[K  5% 1.0 kB 1MB/s 0:01"
	assert.Equal(t, bar+"\r\x1b[Kd: rsync: failed\n"+
		bar+"\r\x1b[Kskipped the copy run\n"+
		bar+"\r\x1b[Kmicsync: error: /mnt/d: full\n"+
		bar+"\r\x1b[K\nnothing is cleared twice\n"+
		bar+"\r\x1b[K", out.String())

	out.Reset()
	o.progress.drawn = time.Now()
	o.Progress("", 0, p)
	assert.Empty(t, out.String(), "an update within 100 ms of the last is not drawn")
}

func TestProgressLineLabelsTellEveryDestinationApart(t *testing.T) {
	var out bytes.Buffer
	pl := newProgressLine(&out, []string{"/mnt/disk1/Documents", "/mnt/disk2/Documents"}, func() int { return 40 })
	line := drawn(t, pl, &out, "/mnt/disk2/Documents", 0, rsyncplan.Progress{Bytes: 1000, Percent: 3, Rate: "1.00MB/s", Time: "0:00:01"})
	assert.Equal(t, "disk2/…   3% 1.0 kB 1.00MB/s 0:00:01", line, "before the other destination said anything")
}
