package ui

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestShow(t *testing.T) {
	tests := map[string]string{
		"plain.txt":      "plain.txt",
		"space name":     "space name",
		"caf\u00e9":      "caf\u00e9",
		"new\nline":      `"new\nline"`,
		"tab\there":      `"tab\there"`,
		"latin1-\xe9":    `"latin1-\xe9"`,
		`back\slash`:     `"back\\slash"`,
		" lead":          `" lead"`,
		"esc\x1b[31mred": `"esc\x1b[31mred"`,
		"":               `""`,
	}
	for in, want := range tests {
		assert.Equal(t, want, Show(in), in)
	}
}

func TestHumanBytes(t *testing.T) {
	assert.Equal(t, "0 B", HumanBytes(0))
	assert.Equal(t, "999 B", HumanBytes(999))
	assert.Equal(t, "1.0 kB", HumanBytes(1000))
	assert.Equal(t, "3.4 MB", HumanBytes(3_400_000))
	assert.Equal(t, "2.0 TB", HumanBytes(2_000_000_000_000))
}

func TestOneLine(t *testing.T) {
	assert.Equal(t, `a\nb\rc`, OneLine("a\nb\rc"))
	assert.Equal(t, `caf\xe9 \x1b[31m café	tab`, OneLine("caf\xe9 \x1b[31m café	tab"))
}
