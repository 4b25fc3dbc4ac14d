package run

import (
	"micsync/internal/ui"
)

// partial returns the failure of a destination whose execution did everything else but left
// entries out (rsyncplan.Done.Incomplete): those that rsync could not read, and files that
// changed while they were copied. The summary lists each; nil when there are none.
func partial(d *dest) error {
	err := d.done.Incomplete()
	if err == nil {
		return nil
	}
	var hints []string
	if len(d.done.Unreadable) > 0 {
		hints = append(hints, "rsync could not read or write the entries named above: check their permissions; everything else was copied")
	}
	if len(d.done.Changed) > 0 {
		hints = append(hints, "files written while micsync copied them may be half old, half new in "+ui.Show(d.loc.Path)+": run micsync again once they are saved, to copy them as they are then")
	}
	return ui.Failure(err, hints...)
}
