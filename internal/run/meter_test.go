package run

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"micsync/internal/ui"
	"micsync/rsyncplan"
)

func TestMeterSaysBytesRateAndTimeLeft(t *testing.T) {
	m := &meter{total: 300 << 20}
	assert.Equal(t, rsyncplan.Progress{Bytes: 100 << 20, Percent: 33, Rate: "10.00MB/s", Time: "0:00:20"},
		m.progress(100<<20, 10*time.Second))
	assert.Equal(t, 99, m.progress(300<<20, time.Minute).Percent, "100% only when it has ended")
	assert.Equal(t, "1:01:05", clock(time.Hour+65*time.Second))
	assert.Equal(t, "0.50kB/s", ui.RateText(512))
}
