package rsyncplan

import (
	"fmt"
	"strings"
	"testing"
)

// escape writes name the way rsync does with LC_ALL=C: bytes below 0x20 (but TAB), bytes that
// are not ASCII, and a backslash that starts something that looks like an escape.
func escape(name string) string {
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '\\' && strings.HasPrefix(name[i+1:], "#") && len(name) >= i+5 &&
			isDigit(name[i+2]) && isDigit(name[i+3]) && isDigit(name[i+4]):
			b.WriteString(`\#134`)
		case (c < 0x20 && c != '\t') || c >= 0x80:
			fmt.Fprintf(&b, `\#%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func TestEscapeMatchesRsync(t *testing.T) {
	// The capture holds these lines exactly as rsync 3.5.0 printed them.
	for name, want := range map[string]string{
		"new\nline":              "new\\#012line",
		"literal\\#012esc":       "literal\\#134#012esc",
		"caf\u00e9 \u65e5\u672c": "caf\\#303\\#251 \\#346\\#227\\#245\\#346\\#234\\#254",
		"lone-\xff":              "lone-\\#377",
		"tab\there":              "tab\there",
		"back\\slash":            "back\\slash",
	} {
		if got := escape(name); got != want {
			t.Errorf("escape(%q) = %q, want %q", name, got, want)
		}
	}
}

// FuzzParseLine: any line parses without panicking, and any name survives rsync's escaping.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"plain.txt", "new\nline", `literal\#012esc`, "caf\u00e9", "lone-\xff", "dir/", "./", " x ", `\#`, `a\#999`} {
		f.Add(">f+++++++++", int64(3), s)
	}
	f.Add("*deleting  ", int64(0), "gone/")
	f.Add(".d..t......", int64(4096), "./")
	f.Fuzz(func(t *testing.T, code string, size int64, name string) {
		line := marker + code + " " + fmt.Sprint(size) + " " + escape(name)
		it, ok, err := parseLine([]byte(line))
		if !ok {
			t.Fatalf("a marked line %q was not taken as an item", line)
		}
		// The root ("./") is named "."; other lines of the right shape must parse exactly.
		base := strings.TrimSuffix(name, "/")
		if len(code) != 11 || size < 0 || base == "" || base == "." {
			return
		}
		if err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		if it.name != base || it.dir != strings.HasSuffix(name, "/") || it.size != size || it.code != code {
			t.Fatalf("line %q parsed as %+v, want name %q", line, it, base)
		}
	})
}
