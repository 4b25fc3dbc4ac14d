package ui

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"micsync/rsyncplan"
)

func TestComparePaths(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"scan 2", "scan 10", -1},
		{"scan 10", "scan 2", 1},
		{"scan 2", "scan 2", 0},
		{"img9.png", "img10.png", -1},
		{"v1.10", "v1.9", 1},
		{"a01", "a1", -1}, // the same value: by bytes, so that the order is fixed
		{"a1", "a01", 1},
		{"a001b", "a1c", -1},
		{"Banana", "apple", 1}, // letters without regard to case
		{"apple", "Apple", 1},  // then by bytes
		{"a", "a/b", -1},       // a directory before what it holds
		{"a/b", "a b", -1},     // and what it holds right after it
		{"a/z", "ab", -1},
		{"dir/scan 10", "dir/scan 9", 1},
		{"scan 10/x", "scan 9/y", 1},
		{".", "-dash", -1}, // the root first
		{"-dash", ".", 1},
		{".", ".", 0},
		{"x", "x1", -1},
		{"99999999999999999999", "100000000000000000000", -1}, // longer than an int
		{"caf\u00e9 2", "caf\u00e9 10", -1},
		{"lone-\xff", "lone-\xfe", 1}, // not UTF-8: still ordered
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, ComparePaths(tt.a, tt.b), "%q vs %q", tt.a, tt.b)
	}
}

func TestSortedItemsInReadingOrder(t *testing.T) {
	// As rsync lists a deletion: what a directory holds first, the directory last.
	items := []rsyncplan.Item{
		{Name: "scan 10", Class: rsyncplan.NewFile},
		{Name: "gone/scan 10.txt", Class: rsyncplan.Deleted},
		{Name: "gone/scan 2.txt", Class: rsyncplan.Deleted},
		{Name: "gone", Class: rsyncplan.Deleted, Dir: true},
		{Name: "scan 2", Class: rsyncplan.NewFile},
		{Name: "same", Class: rsyncplan.Deleted},
		{Name: "same", Class: rsyncplan.NewDir},
	}
	var names []string
	for _, it := range sortedItems(items) {
		names = append(names, it.Name+" "+it.Class.String())
	}
	assert.Equal(t, []string{"gone to delete", "gone/scan 2.txt to delete", "gone/scan 10.txt to delete",
		"same to delete", "same new directories", "scan 2 new files", "scan 10 new files"}, names, "equal names keep their order")
	assert.Equal(t, "scan 10", items[0].Name, "the plan itself is left as it is")
	assert.True(t, slices.IsSortedFunc(sortedItems(items), func(a, b rsyncplan.Item) int { return ComparePaths(a.Name, b.Name) }))
}

func TestAttrWords(t *testing.T) {
	tests := []struct {
		attrs rsyncplan.Attrs
		want  string
	}{
		{0, ""},
		{rsyncplan.AttrTime, "time"},
		{rsyncplan.AttrPerms | rsyncplan.AttrTime, "permissions, time"},
		{rsyncplan.AttrOwner | rsyncplan.AttrGroup, "owner, group"},
		{rsyncplan.AttrACL | rsyncplan.AttrXattr, "ACL, extended attributes"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, attrWords(tt.attrs))
	}
}
