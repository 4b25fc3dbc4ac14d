package run

import (
	"micsync/internal/ui"
	"micsync/rsyncplan"
)

// partial returns the failure of a destination whose execution did everything else but left
// entries out (rsyncplan.Done.Incomplete): those that rsync could not read, and files that
// changed while they were copied; and those that the destination cannot hold, which its plan
// listed (a *ui.LeftOutError). The summary lists each; nil when there are none.
func partial(d *dest) error {
	err := d.done.Incomplete()
	refused := len(d.plan.Refused)
	if err == nil && refused == 0 {
		return nil
	}
	var hints []string
	if refused > 0 {
		err = &ui.LeftOutError{Refused: refused, Incomplete: err}
		hints = append(hints, "the disc of "+ui.Show(d.loc.Path)+" cannot hold the entries listed with the plan: they were not copied, none overwrote another, and everything else was copied")
		var named, timed, big bool
		for _, r := range d.plan.Refused {
			switch r.Reason {
			case rsyncplan.OutOfTime:
				timed = true
			case rsyncplan.TooBig:
				big = true
			default:
				named = true
			}
		}
		if big {
			hints = append(hints, "FAT32 holds no file of 4 GiB or more: keep such files on a disc formatted exFAT, NTFS or ext4")
		}
		if named {
			hints = append(hints, "rename them, or keep this BACKUP on a disc formatted ext4 (or NTFS), which holds them all")
		}
		if timed {
			hints = append(hints, "a file whose time the disc cannot keep is copied once it has one it keeps: touch FILE gives it the time of now")
		}
	}
	if len(d.done.Unreadable) > 0 {
		hints = append(hints, "rsync could not read or write the entries named above: check their permissions; everything else was copied")
	}
	if len(d.done.Changed) > 0 {
		hints = append(hints, "files written while micsync copied them may be half old, half new in "+ui.Show(d.loc.Path)+": run micsync again once they are saved, to copy them as they are then")
	}
	return ui.Failure(err, hints...)
}
