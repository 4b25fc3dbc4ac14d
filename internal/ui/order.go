package ui

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"micsync/rsyncplan"
)

// ComparePaths orders two slash-separated names as a person reads them: component by
// component, so that a directory comes first and its contents follow it right away, and within
// a component digit runs compare as numbers ("scan 2" before "scan 10") and letters without
// regard to case. "." (the root) comes before everything.
func ComparePaths(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == ".":
		return -1
	case b == ".":
		return 1
	}
	for {
		ca, restA, moreA := strings.Cut(a, "/")
		cb, restB, moreB := strings.Cut(b, "/")
		if c := compareNatural(ca, cb); c != 0 {
			return c
		}
		switch {
		case !moreA && !moreB:
			return 0
		case !moreA:
			return -1 // a is the directory that holds b
		case !moreB:
			return 1
		}
		a, b = restA, restB
	}
}

// compareNatural compares one component of two names: digit runs by their value, other
// characters case-folded. Names that are still equal ("01" and "1", "A" and "a") are ordered
// by their bytes, so that the order never depends on the order of the input.
func compareNatural(a, b string) int {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if isDigit(a[i]) && isDigit(b[j]) {
			si, sj := i, j
			for i < len(a) && isDigit(a[i]) {
				i++
			}
			for j < len(b) && isDigit(b[j]) {
				j++
			}
			na, nb := strings.TrimLeft(a[si:i], "0"), strings.TrimLeft(b[sj:j], "0")
			if c := cmp.Or(cmp.Compare(len(na), len(nb)), strings.Compare(na, nb)); c != 0 {
				return c
			}
			continue
		}
		ra, sa := utf8.DecodeRuneInString(a[i:])
		rb, sb := utf8.DecodeRuneInString(b[j:])
		if c := cmp.Compare(unicode.ToLower(ra), unicode.ToLower(rb)); c != 0 {
			return c
		}
		i, j = i+sa, j+sb
	}
	return cmp.Or(cmp.Compare(len(a)-i, len(b)-j), strings.Compare(a, b))
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// sortedItems returns a plan's items in reading order (ComparePaths), equal names in the order
// rsync gave them. rsync lists a deleted directory's contents before the directory: sorted, it
// comes first, as in every other list.
func sortedItems(items []rsyncplan.Item) []rsyncplan.Item {
	s := slices.Clone(items)
	slices.SortStableFunc(s, func(a, b rsyncplan.Item) int { return ComparePaths(a.Name, b.Name) })
	return s
}

// attrWords says in words which attributes differ: "permissions, time"; "" for none.
func attrWords(a rsyncplan.Attrs) string {
	var words []string
	for _, w := range []struct {
		attr rsyncplan.Attrs
		word string
	}{{rsyncplan.AttrPerms, "permissions"}, {rsyncplan.AttrOwner, "owner"}, {rsyncplan.AttrGroup, "group"},
		{rsyncplan.AttrTime, "time"}, {rsyncplan.AttrACL, "ACL"}, {rsyncplan.AttrXattr, "extended attributes"}} {
		if a&w.attr != 0 {
			words = append(words, w.word)
		}
	}
	return strings.Join(words, ", ")
}
