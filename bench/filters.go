package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// benchExcludes are the 20 patterns of the filters scenario, given as --exclude: of every kind
// (names, directories, anchored, with "**"), matching nothing in the trees, so that the plan is
// the backup scenario's and what is measured is the cost of the rules.
var benchExcludes = func() []string {
	var ps []string
	for i := range 5 {
		ps = append(ps, fmt.Sprintf("*.nomatch%d", i), fmt.Sprintf("cache%d/", i),
			fmt.Sprintf("/t%02d/none%d/", i, i), fmt.Sprintf("t00/**/skip%d", i))
	}
	return ps
}()

// ignoreContent is what each ignore file of the filters scenario holds: patterns that match
// nothing in the trees.
const ignoreContent = "*.o\n*.pyc\nbuild/\n/dist/\n# a comment\nnode_modules/\n"

// ignoreLeaves are the leaf directories that get an ignore file: every tenth.
func (b *bench) ignoreLeaves() []string {
	var leaves []string
	for j := 0; j < b.data.Dirs; j += 10 {
		leaves = append(leaves, leaf(j))
	}
	return leaves
}

// withIgnoreFiles returns a prepare step that writes a .micsyncignore into every tenth leaf of
// cur and old, the same in both, and then runs then. The directories keep their times, so that
// the plan is the one without the files plus nothing.
func (b *bench) withIgnoreFiles(then func() error) func() error {
	return func() error {
		for _, root := range []string{b.cur, b.old} {
			for _, l := range b.ignoreLeaves() {
				dir := filepath.Join(root, l)
				err := keepTime(dir, func() error {
					return writeFile(filepath.Join(dir, ".micsyncignore"), []byte(ignoreContent), baseTime)
				})
				if err != nil {
					return err
				}
			}
		}
		return then()
	}
}

// withoutIgnoreFiles returns a verify step that runs check and then removes the ignore files
// of withIgnoreFiles again, so that the other scenarios see the trees they always see.
func (b *bench) withoutIgnoreFiles(check func() error) func() error {
	return func() error {
		err := check()
		for _, root := range []string{b.cur, b.old, b.dst} {
			for _, l := range b.ignoreLeaves() {
				dir := filepath.Join(root, l)
				rm := keepTime(dir, func() error { return os.Remove(filepath.Join(dir, ".micsyncignore")) })
				if err == nil && !os.IsNotExist(rm) {
					err = rm
				}
			}
		}
		return err
	}
}

// keepTime runs fn, which adds or removes an entry of dir, and gives dir its time back.
func keepTime(dir string, fn func() error) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	err = fn()
	if cerr := os.Chtimes(dir, time.Time{}, fi.ModTime()); err == nil {
		err = cerr
	}
	return err
}
