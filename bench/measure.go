package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// pollInterval is how often the peak RSS of a measured process tree is read. VmHWM only rises,
// so a poll can miss at most the growth of a process's last interval before it exits; shorter
// intervals would take more of the CPU that the measured processes share with the poller.
const pollInterval = 5 * time.Millisecond

// sample is one measured run of one or more commands run one after the other.
type sample struct {
	wall  time.Duration
	parts []time.Duration // the wall time of each command
	// ownKiB is the largest VmHWM polled from the started processes themselves (micsync, or the
	// rsync client of a plain rsync run).
	ownKiB int64
	// rsyncKiB is the largest VmHWM polled from an rsync process below a started process.
	//
	// wait4's ru_maxrss cannot stand in for either: it is the largest of a process and every
	// descendant it waited for, and exec counts the memory of the process that forked into it
	// (Go forks with CLONE_VM, sharing the parent's memory until exec), so a plain rsync run
	// would report the benchmark's own RSS and micsync's rsync children micsync's.
	rsyncKiB int64
}

// measure runs the commands one after the other with the given environment and adds up their
// wall times. A command that fails fails the sample: a failing run is never measured.
func measure(ctx context.Context, env []string, argvs ...[]string) (sample, error) {
	var s sample
	for _, argv := range argvs {
		one, err := measureOne(ctx, env, argv)
		if err != nil {
			return s, err
		}
		s.wall += one.wall
		s.parts = append(s.parts, one.wall)
		s.ownKiB = max(s.ownKiB, one.ownKiB)
		s.rsyncKiB = max(s.rsyncKiB, one.rsyncKiB)
	}
	return s, nil
}

func measureOne(ctx context.Context, env, argv []string) (sample, error) {
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = env // stdin stays nil: /dev/null, so micsync has no terminal to ask on
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out

	start := time.Now()
	if err := cmd.Start(); err != nil {
		return sample{}, err
	}
	done := make(chan struct{})
	peaks := make(chan [2]int64, 1)
	go func() {
		own, rsync := pollPeaks(cmd.Process.Pid, done)
		peaks <- [2]int64{own, rsync}
	}()
	err := cmd.Wait()
	wall := time.Since(start)
	close(done)
	pk := <-peaks
	if err != nil {
		return sample{}, fmt.Errorf("%s: %w\n%s", quote(argv), err, lastLines(out.String(), 20))
	}
	return sample{wall: wall, ownKiB: pk[0], rsyncKiB: pk[1]}, nil
}

// pollPeaks reads the VmHWM of process root and of its rsync descendants until done is closed,
// and returns the largest of each. /proc/PID/task/TID/children is often not built into the
// kernel, so descendants are found by their PPid among the processes that started after root
// (pids are handed out upwards; a wrap-around of pid numbers during a run is not handled).
func pollPeaks(root int, done <-chan struct{}) (own, rsync int64) {
	descendant := map[int]bool{root: true} // every classified pid: false for unrelated or gone
	tick := time.NewTicker(pollInterval)
	defer tick.Stop()
	for {
		for _, pid := range pidsAfter(root) {
			if _, known := descendant[pid]; !known {
				if st, ok := readStatus(pid); ok {
					descendant[pid] = descendant[st.ppid] // a parent has a lower pid: classified already
				}
			}
		}
		for pid, d := range descendant {
			if !d {
				continue
			}
			st, ok := readStatus(pid)
			switch {
			case !ok:
				descendant[pid] = false
			case pid == root:
				own = max(own, st.hwmKiB)
			case st.name == "rsync":
				// Only after exec: a child forked by Go shares micsync's memory until then.
				rsync = max(rsync, st.hwmKiB)
			}
		}
		select {
		case <-done:
			return own, rsync
		case <-tick.C:
		}
	}
}

// pidsAfter returns the pids above root, in increasing order.
func pidsAfter(root int) []int {
	f, err := os.Open("/proc")
	if err != nil {
		return nil
	}
	defer f.Close()
	names, _ := f.Readdirnames(-1)
	var pids []int
	for _, n := range names {
		if pid, err := strconv.Atoi(n); err == nil && pid > root {
			pids = append(pids, pid)
		}
	}
	slices.Sort(pids)
	return pids
}

type procStatus struct {
	name   string
	ppid   int
	hwmKiB int64 // 0 for a zombie, which has no memory left
}

func readStatus(pid int) (procStatus, bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return procStatus{}, false
	}
	var st procStatus
	for line := range strings.Lines(string(data)) {
		key, value, _ := strings.Cut(line, ":")
		value = strings.TrimSpace(value)
		switch key {
		case "Name":
			st.name = value
		case "PPid":
			st.ppid, _ = strconv.Atoi(value)
		case "VmHWM":
			st.hwmKiB, _ = strconv.ParseInt(strings.TrimSuffix(value, " kB"), 10, 64)
		}
	}
	return st, true
}

// quote returns argv as one line that a shell reads back as the same argv.
func quote(argv []string) string {
	q := make([]string, len(argv))
	for i, a := range argv {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=/.,:+@%") == "" {
			q[i] = a
		} else {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(q, " ")
}

// lastLines returns the last n lines of s, for error messages.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"..."}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}
