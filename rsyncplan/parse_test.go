package rsyncplan

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecodeName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain.txt", "plain.txt"},
		{`new\#012line`, "new\nline"},
		{"tab\there", "tab\there"},
		{`back\slash`, `back\slash`},
		{`literal\#134#012esc`, `literal\#012esc`},
		{`x\#134#999`, `x\#999`},
		{`lone-\#377`, "lone-\xff"},
		{`caf\#303\#251`, "caf\u00e9"},
		{`not\#9escape`, `not\#9escape`},
		{`short\#01`, `short\#01`},
		{`high\#400`, `high\#400`}, // not a byte: left as it is
		{`end\`, `end\`},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, decodeName([]byte(tt.in)), tt.in)
	}
}

func TestParseLine(t *testing.T) {
	it, ok, err := parseLine([]byte("::RS:: >f.s....... 11 dir/mod.txt"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, rawItem{code: ">f.s.......", size: 11, name: "dir/mod.txt"}, it)

	it, ok, err = parseLine([]byte("::RS:: *deleting   0 gonedir/"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, rawItem{code: "*deleting  ", size: 0, name: "gonedir", dir: true}, it)

	it, ok, err = parseLine([]byte("::RS:: .d..t...... 4096 ./"))
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, ".", it.name)

	// A name may hold the separator of the fields and look like another field.
	it, _, err = parseLine([]byte("::RS:: >f+++++++++ 3 a 12 b"))
	require.NoError(t, err)
	assert.Equal(t, "a 12 b", it.name)

	_, ok, err = parseLine([]byte("cannot delete non-empty directory: x"))
	require.NoError(t, err)
	assert.False(t, ok, "a line without the marker is not an item")

	for _, bad := range []string{"::RS:: >f", "::RS:: >f+++++++++ x name", "::RS:: >f+++++++++ 3 "} {
		_, ok, err = parseLine([]byte(bad))
		assert.True(t, ok, bad)
		assert.Error(t, err, bad)
	}
}

// The capture is the output of a real dry run (rsync 3.5.0, LC_ALL=C) over a tree with every
// kind of change and odd names; see TestPlanEveryChange for the tree.
func TestParseCapturedDryRun(t *testing.T) {
	f, err := os.Open("testdata/dryrun.txt")
	require.NoError(t, err)
	defer f.Close()
	got := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		it, ok, err := parseLine(sc.Bytes())
		require.NoError(t, err)
		require.True(t, ok, sc.Text())
		got[it.name] = it.code
	}
	require.NoError(t, sc.Err())
	want := map[string]string{
		"gonedir/inner.txt":          "*deleting  ",
		"gonedir":                    "*deleting  ",
		"gone\nfile.txt":             "*deleting  ",
		"d2f/inside.txt":             "*deleting  ",
		"chglink":                    "cLc........",
		"d2f":                        ">f+++++++++",
		"mod.txt":                    ">f.s.......",
		"newlink":                    "cL+++++++++",
		"same.txt":                   ".f...p.....",
		"f2d":                        "cd+++++++++",
		"f2d/inside.txt":             ">f+++++++++",
		"newdir":                     "cd+++++++++",
		"newdir/sub":                 "cd+++++++++",
		"newdir/sub/deep.txt":        ">f+++++++++",
		"odd":                        "cd+++++++++",
		"odd/ lead-and-trail ":       ">f+++++++++",
		"odd/--delete":               ">f+++++++++",
		"odd/-leading-dash":          ">f+++++++++",
		"odd/arrow -> x":             ">f+++++++++",
		`odd/back\slash`:             ">f+++++++++",
		"odd/caf\u00e9 \u65e5\u672c": ">f+++++++++",
		"odd/latin1-\xe9":            ">f+++++++++",
		`odd/literal\#012esc`:        ">f+++++++++",
		"odd/lone-\xff":              ">f+++++++++",
		"odd/new\nline":              ">f+++++++++",
		`odd/quote'"`:                ">f+++++++++",
		"odd/space name":             ">f+++++++++",
		"odd/star*?[":                ">f+++++++++",
		"odd/tab\there":              ">f+++++++++",
	}
	assert.Equal(t, want, got)
}

func TestSplitLinesAtReturnAndNewline(t *testing.T) {
	var got []string
	sc := bufio.NewScanner(strings.NewReader("::RS:: a\n\r  1  0%  x  y\r  2 100%  x  y\n::RS:: b"))
	require.NoError(t, scanLines(sc, func(l []byte) { got = append(got, string(l)) }))
	assert.Equal(t, []string{"::RS:: a", "", "  1  0%  x  y", "  2 100%  x  y", "::RS:: b"}, got)
}

func TestAttrsOfItemizeCode(t *testing.T) {
	tests := []struct {
		code string
		want Attrs
	}{
		{".f...p.....", AttrPerms},
		{".d..t......", AttrTime},
		{".f..T......", AttrTime},
		{".f....og...", AttrOwner | AttrGroup},
		{".f..tpog.ax", AttrTime | AttrPerms | AttrOwner | AttrGroup | AttrACL | AttrXattr},
		{">f.st......", AttrTime},
		{">f.s.......", 0},
		{"cLc........", 0},
		{">f+++++++++", 0},
		{"cd+++++++++", 0},
		{"*deleting  ", 0},
		{".f.........", 0},
		{"short", 0},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, attrsOf(tt.code), tt.code)
	}
}

func TestPlanKeepsWhichAttributesDiffer(t *testing.T) {
	src, dst := everyChange(t)
	p, err := Make(context.Background(), &Runner{}, Job{SrcDir: src, DstDir: dst, Delete: true})
	require.NoError(t, err)
	for _, it := range p.Items {
		if it.Name == "same.txt" {
			assert.Equal(t, Meta, it.Class)
			assert.Equal(t, AttrPerms, it.Attrs, "same.txt differs in its permissions only")
			return
		}
	}
	t.Fatal("same.txt is not in the plan")
}
