package rsyncplan

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
)

// newTreesChanged returns the new directories that the destination now has, or whose source
// holds other entries than the plan. It only reads. On this machine each new tree is listed on
// its own, so that memory holds one tree's names at a time; on another host all are listed
// with one connection.
func (p *Plan) newTreesChanged(ctx context.Context, r *Runner, s Step) ([]string, error) {
	there, err := r.Stat(ctx, p.Job.DstDir, s.tops)
	if err != nil {
		return nil, fmt.Errorf("check the new directories before copying: %w", err)
	}
	list := func(tops []string) (map[string][]string, error) {
		names, err := r.Names(ctx, p.Job.SrcDir, tops)
		if err != nil {
			return nil, fmt.Errorf("check the new directories before copying: %w", err)
		}
		isTop := make(map[string]bool, len(tops))
		for _, t := range tops {
			isTop[t] = true
		}
		byTop := map[string][]string{}
		for _, name := range names {
			top := name
			for !isTop[top] && top != "." && top != "/" {
				top = path.Dir(top)
			}
			byTop[top] = append(byTop[top], name)
		}
		return byTop, nil
	}
	var all map[string][]string
	if IsRemote(p.Job.SrcDir) {
		if all, err = list(s.tops); err != nil {
			return nil, err
		}
	}
	var changed []string
	for _, top := range s.tops {
		if _, ok := there[top]; ok {
			changed = append(changed, top)
			continue
		}
		now := all[top]
		if all == nil {
			one, err := list([]string{top})
			if err != nil {
				return nil, err
			}
			now = one[top]
		}
		planned := s.newTrees[top]
		slices.Sort(now)
		slices.Sort(planned)
		if !slices.Equal(now, planned) {
			changed = append(changed, top)
		}
	}
	return changed, nil
}

// changedSincePlan returns the top-most deleted directories that now hold entries the plan does
// not delete. It only reads the destination.
func (p *Plan) changedSincePlan(ctx context.Context, r *Runner, s Step) ([]string, error) {
	var dirs []string
	for _, top := range s.tops {
		if s.deletes[top] {
			dirs = append(dirs, top)
		}
	}
	now, err := r.Names(ctx, p.Job.DstDir, dirs)
	if err != nil {
		return nil, fmt.Errorf("check the directories to delete: %w", err)
	}
	kept := map[string]bool{}
	var keep []string
	for _, name := range now {
		if _, planned := s.deletes[name]; planned {
			continue
		}
		top := name
		for top != "." && (!s.deletes[top] || under(top, s.deletes)) {
			top = path.Dir(top)
		}
		if !kept[top] {
			kept[top] = true
			keep = append(keep, top)
		}
	}
	return keep, nil
}

// rewriteList writes the step's list again without the top-most entries in drop.
func reWriteList(s Step, drop []string) error {
	dropped := map[string]bool{}
	for _, d := range drop {
		dropped[d] = true
	}
	var tops []string
	for _, t := range s.tops {
		if !dropped[t] {
			tops = append(tops, t)
		}
	}
	if err := os.Remove(s.List); err != nil {
		return err
	}
	_, err := WriteList(filepath.Dir(s.List), filepath.Base(s.List), tops)
	return err
}
