// Command bench measures micsync against plain rsync on a synthetic tree: the median wall time,
// the peak RSS of micsync's own process and that of its rsync children. Each round runs every
// scenario once (every other round in reverse order), so drift on a shared host hits all of
// them alike; round 0 is a warm-up. Every run must exit 0 and leave the destination as
// expected, or the benchmark stops: it never reports the time of a failing run.
// docs/PERFORMANCE.md has results and how to read them.
//
//	go run ./bench [-files N] [-dirs N] [-changes PCT] [-reps N] [-only ID,...] [-json FILE] [-keep] [-tmp DIR]
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

type options struct {
	files, dirs, reps int
	changes           float64 // percent of the files in each class: modified, new, extra
	only              []string
	keep              bool
	tmp, json         string
}

func main() {
	var o options
	flag.IntVar(&o.files, "files", 100_000, "files in the source tree (at least 100)")
	flag.IntVar(&o.dirs, "dirs", 1_000, "leaf directories the files are spread over")
	flag.Float64Var(&o.changes, "changes", 1, "percent of the files modified, and as many new and extra (at most 33)")
	flag.IntVar(&o.reps, "reps", 5, "measured rounds, after one warm-up round")
	flag.Func("only", "run only these scenarios, comma-separated (default all: "+strings.Join(scenarioIDs, ",")+")",
		func(v string) error {
			o.only = strings.Split(v, ",")
			for _, id := range o.only {
				if !slices.Contains(scenarioIDs, id) {
					return fmt.Errorf("no scenario %q", id)
				}
			}
			return nil
		})
	flag.BoolVar(&o.keep, "keep", false, "keep the temporary directory")
	flag.StringVar(&o.tmp, "tmp", os.TempDir(), "where to create the temporary directory with the trees")
	flag.StringVar(&o.json, "json", "", "also write the results to this file as JSON")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintf(os.Stderr, "bench: error: unexpected argument %q\n", flag.Arg(0))
		os.Exit(2)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	r, err := run(ctx, o, os.Stdout, os.Stderr)
	stop()
	if err == nil && o.json != "" {
		err = r.writeJSON(o.json)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "bench: error: %v\n", err)
		os.Exit(1)
	}
}

// bench is one benchmark's world: the micsync binary, a HOME with its config, and the trees.
type bench struct {
	root   string // the temporary directory: every tree is on its filesystem
	bin    string
	home   string
	env    []string // micsync's and rsync's environment: HOME is the temp HOME
	cur    string   // WORKING of config "backup": the source tree
	old    string   // cur with 1% changes: what dst holds before a run; BACKUP of config "work"
	dst    string   // BACKUP of config "backup", and the destination of the plain rsync runs
	dst2   string   // with dst, the two BACKUPs of config "backup"
	wdst   string   // WORKING of config "work", holding a copy of cur before each run
	aside  string   // where emptyDst moves the copies that the first-copy runs made
	asides int
	data   dataSet
	built  string // git describe of the work tree micsync was built from
}

// scenario is one thing measured in every round.
type scenario struct {
	id, what string
	micsync  bool         // the commands are micsync: report its own RSS apart from rsync's
	prepare  func() error // puts the destination into its state before the run; not measured
	runs     [][]string   // run one after the other; the wall time is their sum
	verify   func() error // checks the destination after the run
	dsts     []string     // the directories it fills, for the estimate of the space a run needs
	keeps    bool         // every run leaves one more copy of the tree behind (see emptyDst)
}

// versionRuns is how many runs of micsync --version are timed, after the rounds.
const versionRuns = 50

func run(ctx context.Context, o options, out, progress io.Writer) (*report, error) {
	if o.files < 100 || o.dirs < 1 || o.reps < 1 || !(o.changes > 0 && o.changes <= 33) {
		return nil, errors.New("need -files 100 or more, -dirs 1 or more, -reps 1 or more, -changes above 0 and at most 33")
	}
	began := time.Now()
	tmp, err := os.MkdirTemp(o.tmp, "micsync-bench-")
	if err != nil {
		return nil, err
	}
	if o.keep {
		defer fmt.Fprintf(progress, "kept %s\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	// micsync resolves symlinks in location paths; the paths it is given must match.
	if tmp, err = filepath.EvalSymlinks(tmp); err != nil {
		return nil, err
	}

	b := newBench(tmp)
	var scs []scenario
	for _, s := range b.scenarios() {
		if o.only == nil || slices.Contains(o.only, s.id) {
			scs = append(scs, s)
		}
	}
	if err := checkSpace(tmp, o, scs); err != nil {
		return nil, err
	}
	if err := b.setup(ctx, o, progress); err != nil {
		return nil, err
	}
	results := make([]*result, len(scs))
	for i, s := range scs {
		results[i] = &result{ID: s.id, What: s.what, Micsync: s.micsync}
		for _, argv := range s.runs {
			results[i].Commands = append(results[i].Commands, b.commandLine(argv))
		}
	}
	for round := 0; round <= o.reps; round++ {
		// Every other round runs the scenarios in reverse, so that no scenario always runs
		// right after the same one (whose writes the disc may still be settling).
		order := make([]int, len(scs))
		for i := range order {
			order[i] = i
		}
		if round%2 == 1 {
			slices.Reverse(order)
		}
		for _, i := range order {
			s := scs[i]
			if err := s.prepare(); err != nil {
				return nil, fmt.Errorf("prepare %s: %w", s.id, err)
			}
			smp, err := measure(ctx, b.env, s.runs...)
			if err != nil {
				return nil, fmt.Errorf("%s, round %d: %w", s.id, round, err)
			}
			if err := s.verify(); err != nil {
				return nil, fmt.Errorf("%s, round %d: %w", s.id, round, err)
			}
			results[i].Verified++
			if round > 0 {
				results[i].add(smp)
			}
			fmt.Fprintf(progress, "round %d  %-16s %8.3f s\n", round, s.id, smp.wall.Seconds())
		}
	}

	version, err := b.timeVersion(ctx)
	if err != nil {
		return nil, err
	}
	r := newReport(b, o, results, version)
	r.Started = began.UTC().Truncate(time.Second)
	r.Elapsed = seconds(time.Since(began))
	r.print(out)
	return r, nil
}

func newBench(tmp string) *bench {
	return &bench{
		root: tmp, bin: filepath.Join(tmp, "micsync"), home: filepath.Join(tmp, "home"),
		cur: filepath.Join(tmp, "cur"), old: filepath.Join(tmp, "old"),
		dst: filepath.Join(tmp, "dst"), dst2: filepath.Join(tmp, "dst2"), wdst: filepath.Join(tmp, "wdst"),
		aside: filepath.Join(tmp, "aside"),
	}
}

// setup builds micsync, writes the trees and the config.
func (b *bench) setup(ctx context.Context, o options, progress io.Writer) error {
	for _, d := range []string{b.home, b.dst, b.dst2, b.wdst, b.aside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	b.built = gitDescribe() // before the build: the tree may change while the benchmark runs
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-o", b.bin, "./cmd/micsync")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build micsync: %w\n%s", err, out)
	}

	// Configurations such that every action copies between trees that differ by the changes:
	// backup copies cur (WORKING) to dst (BACKUP), and work -D copies old (BACKUP) to wdst
	// (WORKING), which holds a copy of cur. A backup to one BACKUP names dst with --to; one
	// without --to copies to dst and dst2 at once.
	cfg := map[string]any{"configs": []map[string]any{
		{"name": "backup", "work": []string{b.cur}, "backup": []string{b.dst, b.dst2}},
		{"name": "work", "work": []string{b.wdst}, "backup": []string{b.old}},
	}}
	data, _ := json.MarshalIndent(cfg, "", "  ")
	if err := os.WriteFile(filepath.Join(b.home, ".micsync.json"), data, 0o644); err != nil {
		return err
	}
	b.env = append(withoutVars(os.Environ(), "HOME", "MICSYNC_CONFIG", "XDG_STATE_HOME", "LC_ALL"),
		"HOME="+b.home, "LC_ALL=C")

	fmt.Fprintf(progress, "writing %d files in %d directories, twice, into %s\n", o.files, o.dirs, filepath.Dir(b.cur))
	start := time.Now()
	if b.data, err = makeTrees(b.cur, b.old, o.files, o.dirs, o.changes); err != nil {
		return fmt.Errorf("write trees: %w", err)
	}
	if err := b.settle(); err != nil {
		return err
	}
	fmt.Fprintf(progress, "trees written in %.1f s\n", time.Since(start).Seconds())
	return nil
}

// settle writes what the trees' filesystem holds in memory to its device (syncfs), so that a
// measured run does not pay for the writeback of what was prepared before it. It is not sync:
// that waits for every filesystem of the machine, and one that stops answering (a test's
// paused FUSE disc) held the benchmark up for as long as it was paused.
func (b *bench) settle() error {
	d, err := os.Open(b.root)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return fmt.Errorf("syncfs %s: %w", b.root, err)
	}
	return nil
}

// timeVersion returns the median wall time of micsync --version, after a few untimed runs.
func (b *bench) timeVersion(ctx context.Context) ([]float64, error) {
	var walls []float64
	for i := range versionRuns + 5 {
		s, err := measure(ctx, b.env, []string{b.bin, "--version"})
		if err != nil {
			return nil, err
		}
		if i >= 5 {
			walls = append(walls, seconds(s.wall))
		}
	}
	return walls, nil
}

func (b *bench) command(argv []string) *exec.Cmd {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = b.env
	return cmd
}

// commandLine is argv as it can be pasted into a shell, with the HOME that micsync needs.
func (b *bench) commandLine(argv []string) string {
	if argv[0] == b.bin {
		return quote([]string{"HOME=" + env(b.env, "HOME")}) + " " + quote(argv)
	}
	return quote(argv)
}

// moduleRoot is the directory of micsync's go.mod, wherever the benchmark is started from.
func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	mod := strings.TrimSpace(string(out))
	if mod == "" || mod == os.DevNull {
		return "", errors.New("run the benchmark inside the micsync module")
	}
	return filepath.Dir(mod), nil
}

func withoutVars(environ []string, names ...string) []string {
	var kept []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(names, name) {
			kept = append(kept, kv)
		}
	}
	return kept
}

func env(environ []string, name string) string {
	for _, kv := range environ {
		if v, ok := strings.CutPrefix(kv, name+"="); ok {
			return v
		}
	}
	return ""
}
