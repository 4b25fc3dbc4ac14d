package run

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTheSamePlanForSeveralDiscsIsShownOnceAndAskedForEach(t *testing.T) {
	t.Parallel()
	w := newWorld(t, `{"configs": [{"name": "docs", "work": ["w"], "backup": ["b1", "b2", "b3", "b4"]}]}`, "w", "b1", "b2", "b3", "b4")
	w.write("w/notes.txt", "new notes")
	for _, b := range []string{"b1", "b2", "b3"} {
		w.writeOld(b+"/notes.txt", "old notes")
	}
	// b4 lacks notes.txt: its plan is its own.
	ask := scripted(t, "y", "n", "y")
	e, out, _ := w.env(ask)
	require.NoError(t, Run(e, w.req(Backup, Options{}, "w/notes.txt")))

	got := out.String()
	assert.Equal(t, 1, strings.Count(got, "~ notes.txt"), "the plan of b1, b2 and b3 once:\n%s", got)
	assert.Equal(t, 1, strings.Count(got, "+ notes.txt"), "and b4's own")
	assert.Contains(t, got, "\nto BACKUP "+w.path("b1")+", "+w.path("b2")+" and "+w.path("b3")+" (the same plan for all 3)\n  modified ")
	assert.Contains(t, got, "\nto BACKUP "+w.path("b4")+"\n")
	assert.Equal(t, []string{
		"Overwrite 1 modified entry in " + w.path("b1") + "?",
		"Overwrite 1 modified entry in " + w.path("b2") + "?",
		"Overwrite 1 modified entry in " + w.path("b3") + "?",
	}, ask.asked, "each disc's questions, in their order")
	assert.Less(t, strings.Index(got, "to BACKUP "+w.path("b4")), strings.Index(got, "\nok "), "every plan before the summary")
	assert.Equal(t, "new notes", w.read("b1/notes.txt"))
	assert.Equal(t, "old notes", w.read("b2/notes.txt"), "the answer of b2 is b2's alone")
	assert.Equal(t, "new notes", w.read("b3/notes.txt"))
	assert.Equal(t, "new notes", w.read("b4/notes.txt"))
}
