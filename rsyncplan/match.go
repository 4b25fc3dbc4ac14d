package rsyncplan

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Matches reports whether the rsync pattern p, as an exclude or include rule holds it, matches
// the entry rel (slash-separated, relative to where p applies: the transfer root, or the
// directory of the ignore file that holds it), a directory when dir. A pattern that starts with
// "/" is anchored there; one that ends with "/" matches only directories; another one matches
// the end of rel at a "/" (the name alone when it has no "/"). "*" and "?" stop at "/", "**"
// does not, "[...]" is a class. It is micsync's reading of rsync's rules where micsync must
// know the answer before rsync runs (a named path that is left out); rsync alone filters.
func Matches(p, rel string, dir bool) bool { return compilePattern(p).matches(rel, dir) }

// pattern is an rsync pattern made ready to match many entries.
type pattern struct {
	re      *regexp.Regexp // nil: matches nothing
	dirOnly bool
}

func compilePattern(p string) pattern {
	var c pattern
	if body, ok := strings.CutSuffix(p, "/"); ok {
		c.dirOnly, p = true, body
	}
	anchored := strings.HasPrefix(p, "/")
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return c
	}
	start := "(^|/)"
	if anchored {
		start = "^"
	}
	// Names and patterns are bytes, not always UTF-8: each byte is matched as one character.
	c.re, _ = regexp.Compile(start + globRegexp(bytewise(p)) + "$")
	return c
}

func (c pattern) matches(rel string, dir bool) bool {
	return c.re != nil && (dir || !c.dirOnly) && c.re.MatchString(bytewise(rel))
}

// bytewise returns s with each byte as the character of that code point (Latin-1).
func bytewise(s string) string {
	r := make([]rune, len(s))
	for i := 0; i < len(s); i++ {
		r[i] = rune(s[i])
	}
	return string(r)
}

// globRegexp returns the regular expression of the wildcards of an rsync pattern.
func globRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch p[i] {
		case '*':
			if i+1 < len(p) && p[i+1] == '*' {
				b.WriteString(".*")
				for i+1 < len(p) && p[i+1] == '*' {
					i++
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		case '[':
			end := strings.IndexByte(p[i+1:], ']')
			if end < 0 {
				b.WriteString(`\[`)
				continue
			}
			class := p[i+1 : i+1+end]
			if strings.HasPrefix(class, "!") {
				class = "^" + class[1:]
			}
			b.WriteString("[" + strings.ReplaceAll(class, `\`, `\\`) + "]")
			i += end + 1
		case '\\':
			if i+1 < len(p) {
				_, n := utf8.DecodeRuneInString(p[i+1:])
				b.WriteString(regexp.QuoteMeta(p[i+1 : i+1+n]))
				i += n
			}
		default:
			j := i + 1
			for j < len(p) && strings.IndexByte(`*?[\`, p[j]) < 0 {
				j++
			}
			b.WriteString(regexp.QuoteMeta(p[i:j]))
			i = j - 1
		}
	}
	return b.String()
}
