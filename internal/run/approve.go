package run

import (
	"fmt"
	"path"
	"slices"
	"strconv"

	"micsync/internal/ui"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// approve asks about the plan's destructive changes: what it overwrites and what it deletes,
// separately. On a terminal each question can also be answered by picking the entries.
func (e *Env) approve(d *dest, o Options) (rsyncplan.Approval, error) {
	ap := rsyncplan.Approval{Skip: map[string]bool{}}
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
		ok, err := e.decide(o.Overwrite, o, fmt.Sprintf("Overwrite %s in %s%s?", ui.Count(n, "modified entry", "modified entries"), ui.Show(d.loc.Path), newer),
			"there are modified files to overwrite", "-m to overwrite them, or --yes / --no",
			"Which to overwrite? (space: keep or leave out, enter: done)", overwritable(d), ap.Skip)
		if err != nil {
			return ap, err
		}
		ap.Overwrite = ok
	}
	if n := p.Totals[rsyncplan.Deleted].Count; n > 0 {
		answer := "-D to delete them, or --yes / --no"
		if d.deletesOnly {
			answer = "--yes to delete them, or --no"
		}
		ok, err := e.decide(o.DeleteNoAsk, o, fmt.Sprintf("Delete %s from %s?", ui.Count(n, "entry", "entries"), ui.Show(d.loc.Path)),
			"there are files to delete", answer,
			"Which to delete? (space: keep or leave out, enter: done)", deletable(d), ap.Skip)
		if err != nil {
			return ap, err
		}
		if ok {
			// The second question counts what the user picked.
			picked := rsyncplan.Approval{Delete: true, Skip: ap.Skip}
			n = 0
			for _, it := range p.Items {
				if it.Class == rsyncplan.Deleted && picked.Deletes(it.Name) {
					n++
				}
			}
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

// pickable is an entry the user may pick at a question, and how it is shown in the list.
type pickable struct{ name, label string }

// overwritable lists the entries that the overwrite question is about, in reading order:
// modified entries and type changes, with the newer copies marked.
func overwritable(d *dest) []pickable {
	newer := map[string]bool{}
	for _, n := range d.newer {
		newer[n.Name] = true
	}
	replaced := map[string]int{}
	var ps []pickable
	for _, it := range sortedItems(d.plan) {
		if (it.Class != rsyncplan.Modified && it.Class != rsyncplan.Replaced) || topOf(it.Name, replaced) != "" {
			continue
		}
		label := "~ " + ui.Show(it.Name)
		if it.Class == rsyncplan.Replaced {
			replaced[it.Name] = 0
			label = "! " + ui.Show(it.Name) + " (type change)"
		}
		if newer[it.Name] {
			label += " (newer in " + d.loc.Role.String() + ")"
		}
		ps = append(ps, pickable{it.Name, label})
	}
	return ps
}

// deletable lists the top-most entries that the delete question is about, in reading order: a
// directory goes with everything in it, or stays with it.
func deletable(d *dest) []pickable {
	tops := map[string]int{} // a deleted directory: how many entries it holds
	var ps []pickable
	for _, it := range sortedItems(d.plan) {
		if it.Class != rsyncplan.Deleted {
			continue
		}
		if top := topOf(it.Name, tops); top != "" {
			tops[top]++
			continue
		}
		if it.Dir {
			tops[it.Name] = 0
		}
		ps = append(ps, pickable{it.Name, "- " + ui.Show(it.Name)})
	}
	for i, p := range ps {
		if n, ok := tops[p.name]; ok {
			ps[i].label += "/"
			if n > 0 {
				ps[i].label += " (and the " + ui.Count(n, "entry", "entries") + " in it)"
			}
		}
	}
	return ps
}

// sortedItems returns the plan's items in reading order, a directory before what it holds.
func sortedItems(p *rsyncplan.Plan) []rsyncplan.Item {
	items := slices.Clone(p.Items)
	slices.SortStableFunc(items, func(a, b rsyncplan.Item) int { return ui.ComparePaths(a.Name, b.Name) })
	return items
}

// topOf returns the directory of dirs that holds name, or "".
func topOf(name string, dirs map[string]int) string {
	for dir := path.Dir(name); dir != "." && dir != "/"; dir = path.Dir(dir) {
		if _, ok := dirs[dir]; ok {
			return dir
		}
	}
	return ""
}

// decide answers a question about entries from a flag that pre-approves it, from --yes/--no,
// or by asking. The user may pick the entries one by one: those left out go into skip, and a
// pick of none is a no.
func (e *Env) decide(preapproved bool, o Options, question, what, flag, pickQuestion string, entries []pickable, skip map[string]bool) (bool, error) {
	switch {
	case preapproved, o.Yes:
		return true, nil
	case o.No:
		return false, nil
	}
	answer, err := e.Ask.Decide(question)
	if err != nil {
		return false, ui.Unanswered(err, what, flag)
	}
	switch answer {
	case prompt.Yes:
		return true, nil
	case prompt.No:
		return false, nil
	}
	labels := make([]string, len(entries))
	for i, en := range entries {
		labels[i] = en.label
	}
	picked, err := e.Ask.Pick(pickQuestion, labels)
	if err != nil {
		return false, ui.Unanswered(err, what, flag)
	}
	if len(picked) == 0 {
		return false, nil
	}
	taken := map[int]bool{}
	for _, i := range picked {
		taken[i] = true
	}
	for i, en := range entries {
		if !taken[i] {
			skip[en.name] = true
		}
	}
	return true, nil
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
