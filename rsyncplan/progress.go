package rsyncplan

import (
	"strconv"
	"strings"
)

// Progress is one of rsync's --info=progress2 updates for a whole run.
type Progress struct {
	Bytes   int64  // transferred so far
	Percent int    // of the run's total
	Rate    string // as rsync shows it, e.g. "31.25MB/s"
	Time    string // left while running, taken at the end, e.g. "0:00:10"
	Part    int    // the part of an execution whose run it is; 0 when the run is alone
}

// parseProgress reads "     32,768  45%   31.25MB/s    0:00:10 (xfr#1, to-chk=0/3)".
func parseProgress(line []byte) (Progress, bool) {
	f := strings.Fields(string(line))
	if len(f) < 4 || !strings.HasSuffix(f[1], "%") {
		return Progress{}, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(f[0], ",", ""), 10, 64)
	if err != nil {
		return Progress{}, false
	}
	pct, err := strconv.Atoi(strings.TrimSuffix(f[1], "%"))
	if err != nil {
		return Progress{}, false
	}
	return Progress{Bytes: n, Percent: pct, Rate: f[2], Time: f[3]}, true
}

// Bytes is what the execution of the plan with approval a writes, as rsync's progress counts
// it: the size of every new file, and of every modified or replaced one when a overwrites.
func (p *Plan) Bytes(a Approval) int64 {
	n := p.Totals[NewFile].Bytes
	for _, it := range p.Items {
		if (it.Class == Modified || it.Class == Replaced) && a.Overwrites(it.Name) {
			n += it.Size
		}
	}
	return n
}
