package main

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Every file of both trees gets one of two fixed times, so that rsync's quick check sees the
// unchanged files as equal and the data set is the same on every run.
var (
	baseTime    = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	changedTime = baseTime.Add(24 * time.Hour)
)

const (
	minSize = 64
	maxSize = 2048
)

// dataSet describes the synthetic trees: cur is the tree as it is now, old is cur with a share
// of its files (1% by default) modified (new content and size), the same share missing, and the
// same number of extra files. Copying cur over old finds that share new, modified and to delete;
// copying old over cur finds the same counts with the roles of missing and extra swapped.
type dataSet struct {
	Files    int     `json:"files"`
	Dirs     int     `json:"dirs"`            // leaf directories; a top level of dirs/100 more holds them
	Changes  float64 `json:"changes_percent"` // of the files, for each of modified, missing and extra
	Bytes    int64   `json:"bytes"`           // file content in cur
	Modified int     `json:"modified"`        // in both, with other content and size
	Missing  int     `json:"missing"`         // in cur only
	Extra    int     `json:"extra"`           // in old only
	MetaDirs int     `json:"meta_dirs"`       // leaf directories whose time differs (files added or removed)
}

// File classes, chosen by a seeded permutation so that changes are spread over all directories.
const (
	same byte = iota
	modified
	missing
	extra // the file is the same, and old has an extra file next to it
)

// leaf names the j-th leaf directory, grouped 100 to a top-level directory like a real tree.
func leaf(j int) string {
	return filepath.Join(fmt.Sprintf("t%02d", j/100), fmt.Sprintf("d%03d", j%100))
}

// makeTrees writes the two trees of n files in dirs leaf directories, with pct percent of the
// files in each class of change. Content is random but seeded, so the same flags give the same
// bytes.
func makeTrees(cur, old string, n, dirs int, pct float64) (dataSet, error) {
	k := int(math.Round(float64(n) * pct / 100))
	ds := dataSet{Files: n, Dirs: dirs, Changes: pct, Modified: k, Missing: k, Extra: k}
	class := make([]byte, n)
	perm := rand.New(rand.NewPCG(1, 2)).Perm(n)
	for c, cl := range []byte{modified, missing, extra} {
		for _, i := range perm[c*k : (c+1)*k] {
			class[i] = cl
		}
	}

	// Leaves are independent, so they are written in parallel; each has its own seeded source.
	var bytes, metaDirs atomic.Int64
	var firstErr error
	var mu sync.Mutex
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.NumCPU() {
		wg.Go(func() {
			for j := range jobs {
				b, changed, err := writeLeaf(cur, old, j, dirs, n, class)
				bytes.Add(b)
				if changed {
					metaDirs.Add(1)
				}
				if err != nil {
					mu.Lock()
					firstErr = cmp.Or(firstErr, err)
					mu.Unlock()
				}
			}
		})
	}
	for j := range dirs {
		jobs <- j
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return ds, firstErr
	}
	ds.Bytes, ds.MetaDirs = bytes.Load(), int(metaDirs.Load())

	// Creating entries set the parents' times; set them last, to the same time in both trees.
	for _, root := range []string{cur, old} {
		for t := 0; t*100 < dirs; t++ {
			if err := os.Chtimes(filepath.Join(root, fmt.Sprintf("t%02d", t)), baseTime, baseTime); err != nil {
				return ds, err
			}
		}
		if err := os.Chtimes(root, baseTime, baseTime); err != nil {
			return ds, err
		}
	}
	return ds, nil
}

// writeLeaf writes leaf j of both trees: the files i with i%dirs == j. It reports the bytes
// written to cur and whether old's directory differs (a file added or removed changes its time).
func writeLeaf(cur, old string, j, dirs, n int, class []byte) (int64, bool, error) {
	var seed [32]byte
	binary.LittleEndian.PutUint64(seed[:], uint64(j))
	src := rand.NewChaCha8(seed)
	r := rand.New(src)
	buf := make([]byte, maxSize)
	content := func(size int) []byte {
		src.Read(buf[:size])
		return buf[:size]
	}
	curDir, oldDir := filepath.Join(cur, leaf(j)), filepath.Join(old, leaf(j))
	for _, d := range []string{curDir, oldDir} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return 0, false, err
		}
	}

	var written int64
	changed := false
	for i := j; i < n; i += dirs {
		name := fmt.Sprintf("f%07d", i)
		size := minSize + r.IntN(maxSize-minSize+1)
		data := content(size)
		if err := writeFile(filepath.Join(curDir, name), data, baseTime); err != nil {
			return written, changed, err
		}
		written += int64(size)
		switch class[i] {
		case same:
			err := writeFile(filepath.Join(oldDir, name), data, baseTime)
			if err != nil {
				return written, changed, err
			}
		case modified:
			// Another size, so that the change is not hidden from rsync's quick check.
			other := minSize + (size-minSize+1+r.IntN(maxSize-minSize))%(maxSize-minSize+1)
			if err := writeFile(filepath.Join(oldDir, name), content(other), changedTime); err != nil {
				return written, changed, err
			}
		case missing:
			changed = true
		case extra:
			if err := writeFile(filepath.Join(oldDir, name), data, baseTime); err != nil {
				return written, changed, err
			}
			data := content(minSize + r.IntN(maxSize-minSize+1))
			if err := writeFile(filepath.Join(oldDir, fmt.Sprintf("x%07d", i)), data, changedTime); err != nil {
				return written, changed, err
			}
			changed = true
		}
	}
	if err := os.Chtimes(curDir, baseTime, baseTime); err != nil {
		return written, changed, err
	}
	t := baseTime
	if changed {
		t = changedTime
	}
	return written, changed, os.Chtimes(oldDir, t, t)
}

func writeFile(path string, data []byte, t time.Time) error {
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return err
	}
	return os.Chtimes(path, t, t)
}
