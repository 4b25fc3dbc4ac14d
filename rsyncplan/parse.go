// Package rsyncplan plans a transfer with one itemized rsync dry run and executes exactly the
// approved part of the plan with --files-from.
//
// plan.go makes the plan, split.go spreads its dry run over several at the same time, and
// parse.go reads rsync's item lines. steps.go turns the approved part into rsync runs, which
// partition.go assigns to parts that may run at the same time; execute.go runs them, recheck.go
// checks right before a run that what it deletes or copies whole is still as planned, trash.go
// prepares the trash that keeps what they overwrite or delete, and progress.go reads rsync's
// progress. run.go runs rsync, and remote.go looks up entries in a directory, on this machine or
// on another host.
package rsyncplan

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// marker starts every item line that rsync prints for us, so that rsync's other stdout lines
// ("cannot delete non-empty directory: x", "created directory x") are told apart.
const marker = "::RS:: "

// outFormat makes rsync print "::RS:: <11-char itemize code> <size> <name>". The name comes last
// because it is the only field of variable width; %L is left out because " -> " may occur in names.
const outFormat = "--out-format=" + marker + "%i %l %n"

// rawItem is one parsed item line, before classification.
type rawItem struct {
	code string // rsync's %i, 11 characters, e.g. ">f.st......" or "*deleting  "
	size int64
	name string // decoded, without the trailing slash
	dir  bool   // the name ended with a slash
}

// parseLine parses one stdout line of rsync. ok is false for lines without the marker, which
// the caller keeps as warnings.
func parseLine(line []byte) (it rawItem, ok bool, err error) {
	line = bytes.TrimRight(line, "\r")
	rest, found := bytes.CutPrefix(line, []byte(marker))
	if !found {
		return rawItem{}, false, nil
	}
	// "%i %l %n": the code is exactly 11 characters, then a space.
	if len(rest) < 12 || rest[11] != ' ' {
		return rawItem{}, true, fmt.Errorf("unexpected rsync output line %q", line)
	}
	it.code = string(rest[:11])
	sizeField, name, found := bytes.Cut(rest[12:], []byte(" "))
	if !found || len(name) == 0 {
		return rawItem{}, true, fmt.Errorf("unexpected rsync output line %q", line)
	}
	it.size, err = strconv.ParseInt(string(sizeField), 10, 64)
	if err != nil {
		return rawItem{}, true, fmt.Errorf("unexpected size in rsync output line %q", line)
	}
	decoded := decodeName(name)
	if strings.HasSuffix(decoded, "/") {
		it.dir = true
		decoded = strings.TrimSuffix(decoded, "/")
		if decoded == "" || decoded == "." { // the transfer root prints as "./"
			decoded = "."
		}
	}
	it.name = decoded
	return it, true, nil
}

// decodeName undoes rsync's escaping of names: every "\#ooo" (backslash, '#', three digits) is
// the byte with that octal value; every other byte stands for itself. rsync escapes a literal
// "\#ddd" in a name as "\#134#ddd", so this is lossless.
func decodeName(s []byte) string {
	if !bytes.Contains(s, []byte(`\#`)) {
		return string(s)
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+4 < len(s) && s[i+1] == '#' &&
			s[i+2] >= '0' && s[i+2] <= '3' && isOctal(s[i+3]) && isOctal(s[i+4]) {
			out = append(out, (s[i+2]-'0')<<6|(s[i+3]-'0')<<3|(s[i+4]-'0'))
			i += 4
			continue
		}
		out = append(out, s[i])
	}
	return string(out)
}

func isOctal(c byte) bool { return c >= '0' && c <= '7' }

// Attrs are the attributes that an item line says differ, from the letters of rsync's itemize
// code: the plan keeps them so that a change of attributes only can say which.
type Attrs uint8

// The attributes of an itemize code, one letter each.
const (
	AttrTime  Attrs = 1 << iota // 't' (or 'T': set to the time of the transfer)
	AttrPerms                   // 'p'
	AttrOwner                   // 'o'
	AttrGroup                   // 'g'
	AttrACL                     // 'a'
	AttrXattr                   // 'x'
)

// attrsOf reads the attribute letters of an itemize code "YXcstpoguax". A new entry ("+") and
// a deletion have none: their letters are not attributes.
func attrsOf(code string) Attrs {
	if len(code) != 11 || code[0] == '*' || code[2] == '+' {
		return 0
	}
	var a Attrs
	for _, f := range []struct {
		pos     int
		letters string
		attr    Attrs
	}{{4, "tT", AttrTime}, {5, "p", AttrPerms}, {6, "o", AttrOwner}, {7, "g", AttrGroup}, {9, "a", AttrACL}, {10, "x", AttrXattr}} {
		if strings.IndexByte(f.letters, code[f.pos]) >= 0 {
			a |= f.attr
		}
	}
	return a
}
