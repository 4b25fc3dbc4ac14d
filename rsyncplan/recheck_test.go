package rsyncplan

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExecuteOnlyWhatWasPlanned(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	// Changes between planning and execution.
	write(t, filepath.Join(src, "late.txt"), "late")
	write(t, filepath.Join(src, "newdir", "late.txt"), "late")
	write(t, filepath.Join(dst, "gonedir", "late.txt"), "appeared in the destination")
	done := execute(t, p, Approval{Overwrite: true, Delete: true})

	after := snapshot(t, dst)
	assert.NotContains(t, after, "late.txt")
	assert.NotContains(t, after, "newdir/late.txt")
	assert.Contains(t, after, "gonedir/late.txt", "a file that appeared in a directory to delete is kept")
	assert.Contains(t, after, "gonedir/inner.txt")
	assert.Equal(t, []string{"gonedir"}, done.Kept)
	assert.NotContains(t, after, "gone\nfile.txt", "the other deletions are done")
}

func TestNewTreeThatChangedAfterPlanningIsCopiedAsPlanned(t *testing.T) {
	src, dst := bigNewTree(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst})
	require.NoError(t, err)
	write(t, filepath.Join(src, "new1", "sub3", "late.txt"), "appeared after planning")
	execute(t, p, Approval{})
	after := snapshot(t, dst)
	assert.NotContains(t, after, "new1/sub3/late.txt", "not copied: it was not in the plan")
	assert.Contains(t, after, "new1/sub3/f3")
	assert.Contains(t, after, "new2/g299", "the unchanged new tree is copied too")
	assert.Len(t, after, len(snapshot(t, src))-1, "everything but late.txt, as planned")
}
