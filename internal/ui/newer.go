package ui

import (
	"fmt"
	"time"

	"micsync/rsyncplan"
)

// Newer is a modified entry whose copy at the destination is newer than the source's: the
// overwrite would replace the newer version with the older one.
type Newer struct {
	Name     string
	Src, Dst rsyncplan.Entry
}

// NewerList prints the plan's modified entries that are newer at the destination, with both
// sides' time and size, as a list of its own under the plan. where names the destination when
// the plan above is shown for several.
func (o *Output) NewerList(srcRole, dstRole, where string, ns []Newer, l Lists) {
	if len(ns) == 0 {
		return
	}
	if where != "" {
		where = " " + Show(where)
	}
	o.Printf("  newer in %s%s (its copy is newer than the one in %s):\n", dstRole, where, srcRole)
	for i, n := range ns {
		if !l.Full && i == listLines {
			o.Printf("    ... and %d more (--full lists them all)\n", len(ns)-i)
			break
		}
		o.Printf("    %s\n", o.paint("~", fmt.Sprintf("~ %s  %s %s, %s; %s %s, %s", Show(n.Name),
			srcRole, stamp(n.Src.ModTime), HumanBytes(n.Src.Size), dstRole, stamp(n.Dst.ModTime), HumanBytes(n.Dst.Size))))
	}
}

func stamp(t time.Time) string { return t.Local().Format("2006-01-02 15:04:05") }
