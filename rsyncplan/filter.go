package rsyncplan

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// filterArgs returns the job's Exclude and Filter as rsync's arguments, in that order.
//
// rsync reads a per-directory merge file (a dir-merge rule) only in the directories it
// transfers, never in the transfer root's own when the sources are names in it (SRC/a, SRC/b),
// and never in any directory during a --files-from run. A job of names therefore reads the
// merge files of SrcDir itself as plain merge rules, at the place of their dir-merge rule: the
// patterns in them are anchored at the transfer root, which is SrcDir, as they are in the file.
func (j Job) filterArgs() []string {
	var args []string
	for _, x := range j.Exclude {
		args = append(args, "--exclude="+x)
	}
	if j.Tree && len(j.Filter) > 0 {
		// A tree has no files, whatever an include rule of Filter lets through ("only").
		args = append(args, "--filter=-! */")
	}
	for _, f := range j.Filter {
		args = append(args, "--filter="+f)
		if j.Names == nil || IsRemote(j.SrcDir) {
			continue
		}
		if mods, name, ok := dirMerge(f); ok {
			p := filepath.Join(j.SrcDir, name)
			// A merge file that is not there is an error to rsync, where a dir-merge file
			// is not.
			if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
				args = append(args, "--filter=merge"+mods+" "+p)
			}
		}
	}
	return args
}

// dirMerge splits a dir-merge rule ("dir-merge,- .micsyncignore", ":- .gitignore") into its
// modifiers (",-", "-") and the name of the files it reads.
func dirMerge(rule string) (mods, name string, ok bool) {
	head, name, found := strings.Cut(rule, " ")
	if !found || name == "" || strings.Contains(name, "/") {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(head, "dir-merge"):
		mods = strings.TrimPrefix(head, "dir-merge")
	case strings.HasPrefix(head, ":"):
		mods = strings.TrimPrefix(head, ":")
	default:
		return "", "", false
	}
	if mods != "" && !strings.HasPrefix(mods, ",") {
		mods = "," + mods
	}
	return mods, name, true
}

// excludePatterns returns the patterns of the job's plain exclude rules: Exclude and the "- P"
// rules of Filter.
func (j Job) excludePatterns() []string {
	out := append([]string{}, j.Exclude...)
	for _, f := range j.Filter {
		if p, ok := strings.CutPrefix(f, "- "); ok {
			out = append(out, p)
		}
	}
	return out
}

// CheckRule asks rsync whether it takes rule as a filter rule, with a dry run over an empty
// directory: nil when it does, else an error that says what rsync said. A rule that rsync
// takes with a message (an over-long pattern, which it discards) is refused too.
func (r *Runner) CheckRule(ctx context.Context, rule string) error {
	dir, err := os.MkdirTemp("", "micsync-rule-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	c := *r
	c.Stderr, c.Trace, c.Guard, c.Shell = nil, nil, nil, nil
	res, err := c.Run(ctx, []string{"-n", "-r", "--filter=" + rule, "--", withSlash(dir), filepath.Join(dir, "to")}, func([]byte) {})
	if err != nil {
		return err
	}
	said := strings.TrimSpace(res.Stderr)
	if res.Code == 0 && said == "" {
		return nil
	}
	if i := strings.IndexByte(said, '\n'); i >= 0 {
		said = said[:i] // rsync's own "rsync error: ..." line follows
	}
	if said == "" {
		said = fmt.Sprintf("exit status %d", res.Code)
	}
	return errors.New(said)
}
