package verify

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestJudge(t *testing.T) {
	when := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	c := func(group int) Copy { return Copy{Size: 10, ModTime: when, Group: group} }
	edited := Copy{Size: 10, ModTime: when.Add(time.Hour), Group: 2}
	for _, tc := range []struct {
		name   string
		copies []Copy
		want   Verdict
	}{
		{"one copy", []Copy{c(0)}, Verdict{Agree, -1}},
		{"all the same", []Copy{c(0), c(0), c(0)}, Verdict{Agree, -1}},
		{"two that disagree", []Copy{c(0), c(1)}, Verdict{CannotTell, -1}},
		{"one of three disagrees", []Copy{c(0), c(1), c(0)}, Verdict{Bad, 1}},
		{"the first of three disagrees", []Copy{c(5), c(1), c(1)}, Verdict{Bad, 0}},
		{"three different", []Copy{c(0), c(1), c(2)}, Verdict{CannotTell, -1}},
		{"two and two", []Copy{c(0), c(1), c(0), c(1)}, Verdict{CannotTell, -1}},
		{"one of four", []Copy{c(0), c(0), c(3), c(0)}, Verdict{Bad, 2}},
		{"two odd ones of five", []Copy{c(0), c(0), c(0), c(1), c(2)}, Verdict{CannotTell, -1}},
		{"the odd one was edited", []Copy{edited, c(0), c(0)}, Verdict{Edited, -1}},
		{"another size", []Copy{{Size: 11, ModTime: when, Group: 1}, c(0), c(0)}, Verdict{Edited, -1}},
	} {
		assert.Equal(t, tc.want, Judge(tc.copies, 0), tc.name)
	}
}

func TestJudgeComparesTimesAsTheDiscsKeepThem(t *testing.T) {
	when := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	a := Copy{Size: 1, ModTime: when.Add(300 * time.Millisecond), Group: 0}
	b := Copy{Size: 1, ModTime: when, Group: 0}
	odd := Copy{Size: 1, ModTime: when.Add(time.Second), Group: 1}
	assert.Equal(t, Verdict{Bad, 2}, Judge([]Copy{a, b, {Size: 1, ModTime: when, Group: 1}}, 0), "whole seconds")
	assert.Equal(t, Verdict{Edited, -1}, Judge([]Copy{a, b, odd}, 0))
	assert.Equal(t, Verdict{Bad, 2}, Judge([]Copy{a, b, odd}, 2*time.Second), "FAT's two seconds")
}
