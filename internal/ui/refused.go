package ui

import (
	"fmt"

	"micsync/rsyncplan"
)

// LeftOutError is the failure of a destination whose execution did everything else but left
// out the entries that its filesystem cannot hold (Plan.Refused), and maybe others
// (Incomplete, a *rsyncplan.IncompleteError).
type LeftOutError struct {
	Refused    int
	Incomplete error
}

func (e *LeftOutError) Error() string {
	s := Count(e.Refused, "entry", "entries") + " left out: the disc cannot hold them"
	if e.Incomplete != nil {
		s = e.Incomplete.Error() + ", " + s
	}
	return s
}

func (e *LeftOutError) Unwrap() error { return e.Incomplete }

// refusedLists prints, with a plan, what its destination cannot hold and leaves out, and what
// its source cannot hold, which is neither deleted nor overwritten.
func (o *Output) refusedLists(p *rsyncplan.Plan, l Lists) {
	if n := len(p.Refused); n > 0 {
		o.Printf("  cannot hold %s, left out:\n", Count(n, "entry", "entries"))
		o.refusedLines(p.Refused, "there", l)
	}
	if n := len(p.Kept); n > 0 {
		o.Printf("  not deleted or overwritten, %s the source cannot hold:\n", Count(n, "entry", "entries"))
		o.refusedLines(p.Kept, "in the source", l)
	}
}

// refusedLines prints one line for each entry, or pair of entries, of rs and why it cannot be
// held where says.
func (o *Output) refusedLines(rs []rsyncplan.Refused, where string, l Lists) {
	done := map[string]bool{}
	shown := 0
	for i, r := range rs {
		if r.Reason == rsyncplan.SameFolded {
			if done[r.Group] {
				continue
			}
			done[r.Group] = true
		}
		if !l.Full && shown == listLines {
			o.Printf("    ... and more (--full lists them all)\n")
			return
		}
		shown++
		o.Printf("    ! %s\n", refusedLine(rs, i, where))
	}
}

// refusedLine says why rs[i] cannot be held where says; for names that are the same when
// case is ignored, it names all of them.
func refusedLine(rs []rsyncplan.Refused, i int, where string) string {
	r := rs[i]
	switch r.Reason {
	case rsyncplan.SameFolded:
		var names []string
		for _, o := range rs {
			if o.Reason == rsyncplan.SameFolded && o.Group == r.Group {
				names = append(names, Show(o.Name))
			}
		}
		return Join(names, "and") + ": the same name when case is ignored"
	case rsyncplan.BadChars:
		var cs []string
		for _, c := range r.Chars {
			q := `"` + string(c) + `"`
			if c == '"' {
				q = `'"'`
			}
			cs = append(cs, q)
		}
		return fmt.Sprintf("%s: %s cannot be in a name %s", Show(r.Name), Join(cs, "and"), where)
	case rsyncplan.OutOfTime:
		return fmt.Sprintf("%s: its time, %s, is outside the times kept %s", Show(r.Name), r.Entry.ModTime.Local().Format("2006-01-02 15:04:05"), where)
	case rsyncplan.TooBig:
		return fmt.Sprintf("%s: %s, larger than the largest file %s", Show(r.Name), HumanBytes(r.Entry.Size), where)
	}
	return Show(r.Name) + ": no symlinks " + where
}
