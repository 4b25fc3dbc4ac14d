package ui

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"micsync/rsyncplan"
)

func TestRefusedLines(t *testing.T) {
	rs := []rsyncplan.Refused{
		{Name: "A", Reason: rsyncplan.SameFolded, Group: "A"},
		{Name: "a", Reason: rsyncplan.SameFolded, Group: "A"},
		{Name: "q\"\\", Reason: rsyncplan.BadChars, Chars: "\"\\"},
		{Name: "k", Reason: rsyncplan.SameFolded, Group: "K"},
		{Name: "K", Reason: rsyncplan.SameFolded, Group: "K"},
		{Name: "\u212a", Reason: rsyncplan.SameFolded, Group: "K"},
	}
	assert.Equal(t, "A and a: the same name when case is ignored", refusedLine(rs, 0, "there"))
	assert.Equal(t, `"q\"\\": '"' and "\" cannot be in a name there`, refusedLine(rs, 2, "there"))
	assert.Equal(t, "k, K and \u212a: the same name when case is ignored", refusedLine(rs, 3, "in the source"))
	assert.Equal(t, "l: no symlinks in the source", refusedLine([]rsyncplan.Refused{{Name: "l", Reason: rsyncplan.NoSymlink}}, 0, "in the source"))
}

func TestLeftOutError(t *testing.T) {
	assert.EqualError(t, &LeftOutError{Refused: 1}, "1 entry left out: the disc cannot hold them")
	inc := &rsyncplan.IncompleteError{Unreadable: 2}
	err := &LeftOutError{Refused: 3, Incomplete: inc}
	assert.EqualError(t, err, "2 entries could not be read, 3 entries left out: the disc cannot hold them")
	var got *rsyncplan.IncompleteError
	assert.True(t, errors.As(err, &got))
}
