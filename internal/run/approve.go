package run

import (
	"fmt"
	"strconv"

	"micsync/internal/ui"
	"micsync/rsyncplan"
)

// approve asks about the plan's destructive changes: what it overwrites and what it deletes,
// separately.
func (e *Env) approve(d *dest, o Options) (rsyncplan.Approval, error) {
	var ap rsyncplan.Approval
	p := d.plan
	if n := p.Overwrites(); n > 0 {
		newer := ""
		switch len(d.newer) {
		case 0:
		case 1:
			newer = " (1 is newer there)"
		default:
			newer = fmt.Sprintf(" (%d are newer there)", len(d.newer))
		}
		ok, err := e.yesNo(o.Overwrite, o, fmt.Sprintf("Overwrite %s in %s%s?", ui.Count(n, "modified entry", "modified entries"), ui.Show(d.loc.Path), newer),
			"there are modified files to overwrite", "-m to overwrite them, or --yes / --no")
		if err != nil {
			return ap, err
		}
		ap.Overwrite = ok
	}
	if n := p.Totals[rsyncplan.Deleted].Count; n > 0 {
		ok, err := e.yesNo(o.DeleteNoAsk, o, fmt.Sprintf("Delete %s from %s?", ui.Count(n, "entry", "entries"), ui.Show(d.loc.Path)),
			"there are files to delete", "-D to delete them, or --yes / --no")
		if err != nil {
			return ap, err
		}
		if ok {
			var stop bool
			ok, stop, err = e.largeDeletion(d, n, o)
			if err != nil {
				return ap, err
			}
			if stop {
				d.skipped = "stopped at the question about deleting; nothing was changed there"
			}
		}
		ap.Delete = ok
	}
	return ap, nil
}

// Deletions above these limits need a second, explicit yes: a sync against the wrong or an
// empty directory deletes most of the other side.
const (
	maxDeleteCount   = 1000
	maxDeletePercent = 50
)

// largeDeletion asks again about n deletions when they are many: delete them, do the rest of
// the plan without them, or stop this destination altogether. --yes does not answer this
// question; only --max-delete does, so that a script states the numbers it allows.
func (e *Env) largeDeletion(d *dest, n int, o Options) (ok, stop bool, err error) {
	total := d.plan.DstEntries
	switch o.MaxDelete {
	case "all":
		return true, false, nil
	case "":
	default:
		limit, _ := strconv.Atoi(o.MaxDelete)
		if n > limit {
			return false, false, ui.Failure(fmt.Errorf("refusing to delete %d entries from %s: --max-delete allows %d", n, ui.Show(synced(d.job.DstDir, d.job)), limit))
		}
		return true, false, nil
	}
	if n <= maxDeleteCount && (total <= 0 || n*100 <= total*maxDeletePercent) {
		return true, false, nil
	}
	share := ""
	if total > 0 {
		share = fmt.Sprintf(" of the %d there (%d%%)", total, n*100/total)
	}
	where := ui.Show(synced(d.job.DstDir, d.job))
	// The first answer is survey's default: the one that changes nothing.
	i, err := e.Ask.Select(fmt.Sprintf("This deletes %d entries%s in %s. Really delete them?", n, share, where), []string{
		"No, and stop: change nothing in " + ui.Show(d.loc.Path),
		"No: do the rest of the plan, delete nothing",
		fmt.Sprintf("Yes: delete the %d entries", n),
	})
	if err != nil {
		return false, false, ui.Unanswered(err, fmt.Sprintf("deleting %d entries%s needs a second yes", n, share),
			fmt.Sprintf("--max-delete %d (or --max-delete all) to allow them", n))
	}
	return i == 2, i == 0, nil
}

func checkMaxDelete(v string) error {
	if v == "" || v == "all" {
		return nil
	}
	if n, err := strconv.Atoi(v); err != nil || n < 0 {
		return ui.Usage(fmt.Errorf("--max-delete takes a number or all, not %s", ui.Show(v)))
	}
	return nil
}

// yesNo answers a question from a flag that pre-approves it, from --yes/--no, or by asking.
func (e *Env) yesNo(preapproved bool, o Options, question, what, flag string) (bool, error) {
	switch {
	case preapproved:
		return true, nil
	case o.Yes:
		return true, nil
	case o.No:
		return false, nil
	}
	ok, err := e.Ask.Confirm(question, false)
	if err != nil {
		return false, ui.Unanswered(err, what, flag)
	}
	return ok, nil
}
