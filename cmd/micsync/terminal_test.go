package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"micsync/rsyncplan"
)

func TestProgressLineShowsEachPart(t *testing.T) {
	var out bytes.Buffer
	pl := &progressLine{w: &out, labels: []string{"a ", "b "}, state: map[string]map[int]string{}}
	draw := func(label string, part, percent int) string {
		pl.drawn = time.Time{} // draw every update
		out.Reset()
		pl.update(label, rsyncplan.Progress{Bytes: 1000, Percent: percent, Rate: "1MB/s", Time: "0:01", Part: part})
		return strings.TrimPrefix(out.String(), "\r\x1b[K")
	}
	assert.Equal(t, "b   5% 1.0 kB 1MB/s 0:01", draw("b ", 2, 5))
	assert.Equal(t, "b   5% 1.0 kB 1MB/s 0:01 | b  60% 1.0 kB 1MB/s 0:01", draw("b ", 3, 60))
	draw("a ", 0, 50)
	assert.Equal(t, "a  50% 1.0 kB 1MB/s 0:01 | b   7% 1.0 kB 1MB/s 0:01 | b  60% 1.0 kB 1MB/s 0:01",
		draw("b ", 2, 7), "each destination's parts in order, each with its latest update")
}

func TestPrefixerKeepsLinesFromRunsAtOnceWhole(t *testing.T) {
	var out bytes.Buffer
	p := &prefixer{w: &out, prefix: "disk: "}
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
