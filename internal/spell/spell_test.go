package spell

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"backup", "backup", 0},
		{"bakup", "backup", 1},
		{"backpu", "backup", 2},
		{"", "work", 4},
		{"dry-rnu", "dry-run", 2},
		{"café", "cafe", 1}, // one character, though two bytes
	} {
		assert.Equal(t, c.want, Distance(c.a, c.b), "%q %q", c.a, c.b)
		assert.Equal(t, c.want, Distance(c.b, c.a), "%q %q", c.b, c.a)
	}
}
