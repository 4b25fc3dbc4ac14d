package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// report is everything one benchmark found; -json writes it as it is.
type report struct {
	Machine  machine   `json:"machine"`
	Files    int       `json:"files"`
	Dirs     int       `json:"dirs"`
	Reps     int       `json:"reps"`
	Data     dataSet   `json:"data"`
	Results  []*result `json:"results"`
	Ratios   []ratio   `json:"ratios"`
	Version  stats     `json:"version"`           // micsync --version
	Restore  string    `json:"restore"`           // how a destination is reset before each run
	Emptied  string    `json:"emptied,omitempty"` // how it is emptied before each first copy
	Verify   string    `json:"verify"`            // how it is checked after each run
	Elapsed  float64   `json:"elapsed_seconds"`
	Started  time.Time `json:"started"`
	Micsync  string    `json:"micsync"` // git describe of the measured source
	Interval float64   `json:"rss_poll_interval_seconds"`
}

type machine struct {
	CPUs     int    `json:"cpus"`
	MemTotal string `json:"mem_total"`
	Kernel   string `json:"kernel"`
	Rsync    string `json:"rsync"`
	Go       string `json:"go"`
	FS       string `json:"filesystem"` // of the -tmp directory
}

// result is one scenario over the measured rounds.
type result struct {
	ID       string      `json:"id"`
	What     string      `json:"what"`
	Micsync  bool        `json:"micsync"`
	Commands []string    `json:"commands"`
	Wall     []float64   `json:"wall_seconds"`      // one per measured round
	Parts    [][]float64 `json:"part_wall_seconds"` // per round, one per command
	Stats    stats       `json:"wall"`
	// Peak RSS in KiB, the largest over the measured rounds; see sample for what each means.
	OwnKiB   int64 `json:"own_peak_kib"`
	RsyncKiB int64 `json:"rsync_children_peak_kib"`
	Verified int   `json:"verified_runs"` // runs whose destination was checked, warm-up included
}

type stats struct {
	Median float64 `json:"median"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	N      int     `json:"n"`
}

// ratio compares two scenarios by the median of their per-round ratios: both ran in the same
// round, minutes apart at most, so the host's drift cancels out better than in a ratio of
// medians.
type ratio struct {
	Name   string  `json:"name"`
	Of, To string  `json:"-"`
	Value  float64 `json:"value"`
	Target float64 `json:"target,omitempty"` // the goal from the design, 0 when there is none
}

func (r *result) add(s sample) {
	r.Wall = append(r.Wall, seconds(s.wall))
	var parts []float64
	for _, p := range s.parts {
		parts = append(parts, seconds(p))
	}
	r.Parts = append(r.Parts, parts)
	r.Stats = summarize(r.Wall)
	r.OwnKiB = max(r.OwnKiB, s.ownKiB)
	r.RsyncKiB = max(r.RsyncKiB, s.rsyncKiB)
}

// rsyncPeak is the peak RSS of an rsync process: of micsync's children, or of any process of
// a plain rsync run (the client it started included).
func (r *result) rsyncPeak() int64 {
	if r.Micsync {
		return r.RsyncKiB
	}
	return max(r.OwnKiB, r.RsyncKiB)
}

func summarize(xs []float64) stats {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n == 0 {
		return stats{}
	}
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	return stats{Median: med, Min: s[0], Max: s[n-1], N: n}
}

func newReport(b *bench, o options, results []*result, version []float64) *report {
	r := &report{
		Machine: describeMachine(b.cur), Files: o.files, Dirs: o.dirs, Reps: o.reps, Data: b.data,
		Results: results, Version: summarize(version),
		Restore:  quote(restoreArgs("SRC", "DST")) + "; empty DST/.micsync-trash; sync -f DST",
		Verify:   quote(verifyArgs("SRC", "DST")),
		Micsync:  b.built,
		Interval: pollInterval.Seconds(),
	}
	byID := map[string]*result{}
	for _, res := range results {
		byID[res.ID] = res
		if strings.Contains(res.ID, "first") {
			r.Emptied = "mv DST ASIDE/N; mkdir DST; sync -f DST (the copies are deleted at the end)"
		}
	}
	for _, q := range []ratio{
		{Name: "a/b backup", Of: "backup", To: "rsync", Target: 1.10},
		{Name: "a/b work -D", Of: "work", To: "rsync", Target: 1.10},
		{Name: "c no change", Of: "backup-nochange", To: "rsync-nochange", Target: 1.10},
		{Name: "e first backup", Of: "backup-first", To: "rsync-first", Target: 1.20},
		{Name: "a/b work -D --no-trash", Of: "work-notrash", To: "rsync"},
		{Name: "d/b old three passes", Of: "old3", To: "rsync"},
		{Name: "filters / backup", Of: "backup-filters", To: "backup", Target: 1.10},
		{Name: "filters / rsync", Of: "backup-filters", To: "rsync"},
		{Name: "2 BACKUPs parallel/seq", Of: "backup2", To: "backup2-seq"},
		{Name: "2 BACKUPs / 1 BACKUP", Of: "backup2", To: "backup"},
		// The flushes: micsync against plain rsync that flushes too, and the two ways to flush.
		{Name: "backup / rsync+syncfs", Of: "backup", To: "rsync-sync"},
		{Name: "first / rsync+syncfs", Of: "backup-first", To: "first-sync"},
		{Name: "fsync/syncfs, 1%", Of: "rsync-fsync", To: "rsync-sync"},
		{Name: "fsync/syncfs, first", Of: "first-fsync", To: "first-sync"},
		{Name: "syncfs, 1%", Of: "rsync-sync", To: "rsync"},
		{Name: "syncfs, first", Of: "first-sync", To: "rsync-first"},
		{Name: "--sparse, first", Of: "first-sparse", To: "rsync-first"},
		{Name: "--temp-dir abs., first", Of: "first-tempdir", To: "rsync-first"},
		{Name: "--temp-dir rel., first", Of: "first-reltemp", To: "rsync-first"},
	} {
		if byID[q.Of] == nil || byID[q.To] == nil {
			continue // not run (-only)
		}
		var per []float64
		for i, x := range byID[q.Of].Wall {
			per = append(per, x/byID[q.To].Wall[i])
		}
		q.Value = summarize(per).Median
		r.Ratios = append(r.Ratios, q)
	}
	return r
}

func (r *report) print(w io.Writer) {
	m := r.Machine
	fmt.Fprintf(w, "\nmachine: %d CPUs, %s memory, %s\n", m.CPUs, m.MemTotal, m.Kernel)
	fmt.Fprintf(w, "%s; %s; filesystem %s; micsync %s\n", m.Rsync, m.Go, m.FS, r.Micsync)
	d := r.Data
	fmt.Fprintf(w, "data: %d files (%.1f MB) in %d leaf directories; %g%%: %d modified, %d new, %d extra, %d directory times\n",
		d.Files, float64(d.Bytes)/1e6, d.Dirs, d.Changes, d.Modified, d.Missing, d.Extra, d.MetaDirs)
	fmt.Fprintf(w, "rounds: 1 warm-up + %d measured, interleaved; every run exited 0 and its destination was verified\n\n", r.Reps)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tmedian s\tmin s\tmax s\tmicsync own MiB\trsync MiB\t")
	for _, res := range r.Results {
		own := "-"
		if res.Micsync {
			own = mib(res.OwnKiB)
		}
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t\n", res.ID, res.Stats.Median, res.Stats.Min, res.Stats.Max, own, mib(res.rsyncPeak()))
		if len(res.Commands) > 1 {
			for i := range res.Commands {
				var part []float64
				for _, p := range res.Parts {
					part = append(part, p[i])
				}
				s := summarize(part)
				fmt.Fprintf(tw, "  pass %d\t%.3f\t%.3f\t%.3f\t\t\t\n", i+1, s.Median, s.Min, s.Max)
			}
		}
	}
	v := r.Version
	fmt.Fprintf(tw, "micsync --version\t%.4f\t%.4f\t%.4f\t\t\t\n", v.Median, v.Min, v.Max)
	tw.Flush()

	fmt.Fprintln(w, "\nratios (median of the per-round ratios; target in brackets):")
	for _, q := range r.Ratios {
		target := ""
		if q.Target > 0 {
			target = fmt.Sprintf("  [<= %.2f]", q.Target)
		}
		fmt.Fprintf(w, "  %-24s %5.2f%s\n", q.Name, q.Value, target)
	}

	fmt.Fprintln(w, "\ncommands:")
	for _, res := range r.Results {
		for _, c := range res.Commands {
			fmt.Fprintf(w, "  %-16s %s\n", res.ID, c)
		}
	}
	fmt.Fprintf(w, "  %-16s %s\n", "before each run", r.Restore)
	if r.Emptied != "" {
		fmt.Fprintf(w, "  %-16s %s\n", "or, first copies", r.Emptied)
	}
	fmt.Fprintf(w, "  %-16s %s\n", "after each run", r.Verify)
	fmt.Fprintf(w, "\npeak RSS: VmHWM polled every %s from /proc, the largest over the measured rounds; micsync own is\n"+
		"the micsync process alone, rsync the largest rsync process (micsync's children, or a plain run's processes)\n",
		pollInterval)
	fmt.Fprintf(w, "elapsed: %.0f s\n", r.Elapsed)
}

func (r *report) writeJSON(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

func describeMachine(dir string) machine {
	m := machine{CPUs: runtime.NumCPU(), Go: runtime.Version(),
		Kernel: firstLine("uname", "-srvm"), Rsync: firstLine("rsync", "--version"),
		FS: lastLine("df", "--output=fstype", dir)}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if v, ok := strings.CutPrefix(line, "MemTotal:"); ok {
				var kib int64
				fmt.Sscan(v, &kib)
				m.MemTotal = fmt.Sprintf("%.1f GiB", float64(kib)/(1<<20))
			}
		}
	}
	return m
}

func gitDescribe() string {
	cmd := exec.Command("git", "describe", "--tags", "--always", "--dirty")
	if root, err := moduleRoot(); err == nil {
		cmd.Dir = root
	}
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// firstLine and lastLine return one line of a command's output, or "unknown".
func firstLine(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	return strings.Join(strings.Fields(line), " ")
}

func lastLine(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return "unknown"
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func seconds(d time.Duration) float64 { return d.Seconds() }

func mib(kib int64) string { return fmt.Sprintf("%.1f", float64(kib)/1024) }
