// Package verify judges the copies of one file that several locations hold: when their
// contents disagree, which copy went bad, if that can be told at all.
//
// A copy is named bad only when it alone disagrees with all the others, which agree among
// themselves, and only when its size and time are those of the others: a file that rotted on
// a disc keeps both, while a file someone edited has a new time (or size), and no run would
// ever copy a rotted one. With two copies that disagree, or more that do not fall into one odd
// copy and a group of the rest, nobody can tell which is right.
//
// For rolling checks it also keeps, per location, when each file was last verified (Record),
// and picks the files verified longest ago for a run with a Budget.
package verify

import "time"

// Copy is one location's copy of a file.
type Copy struct {
	Size    int64
	ModTime time.Time
	// Group says which copies have the same content: copies with one Group have it, copies
	// with different Groups do not.
	Group int
}

// Kind is what the judge says about a file's copies.
type Kind int

// The verdicts.
const (
	Agree      Kind = iota // every copy has the same content
	Bad                    // one copy is bad: Verdict.Bad names it
	CannotTell             // contents differ with size and time the same, and no copy can be named bad
	Edited                 // contents differ, and so do sizes or times: a change that runs copy
)

func (k Kind) String() string {
	return [...]string{"agree", "bad copy", "cannot tell", "edited"}[k]
}

// Verdict is the judge's word on a file.
type Verdict struct {
	Kind Kind
	Bad  int // with Kind Bad, the index of the bad copy; -1 otherwise
}

// Judge returns the verdict on copies of one file. window is how far apart two times may be
// and still be the same (the discs' time steps); 0 compares whole seconds, as rsync does.
func Judge(copies []Copy, window time.Duration) Verdict {
	none := Verdict{Kind: Agree, Bad: -1}
	if len(copies) < 2 {
		return none
	}
	groups := map[int][]int{}
	for i, c := range copies {
		groups[c.Group] = append(groups[c.Group], i)
	}
	if len(groups) == 1 {
		return none
	}
	if !quiet(copies, window) {
		return Verdict{Kind: Edited, Bad: -1}
	}
	if len(copies) >= 3 && len(groups) == 2 {
		for _, members := range groups {
			if len(members) == 1 {
				return Verdict{Kind: Bad, Bad: members[0]}
			}
		}
	}
	return Verdict{Kind: CannotTell, Bad: -1}
}

// quiet reports whether every copy has the same size and time: the difference in content is
// then one that no run sees.
func quiet(copies []Copy, window time.Duration) bool {
	for _, c := range copies[1:] {
		if c.Size != copies[0].Size || !sameTime(c.ModTime, copies[0].ModTime, window) {
			return false
		}
	}
	return true
}

func sameTime(a, b time.Time, window time.Duration) bool {
	if window <= 0 {
		return a.Unix() == b.Unix()
	}
	d := a.Sub(b)
	return -window <= d && d <= window
}
