package tests

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersion(t *testing.T) {
	t.Parallel()
	r := newEnv(t).run(t, "--version")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "micsync e2e-test\n", r.Stdout)
	assert.Empty(t, r.Stderr)
}

func TestVersionOnTerminal(t *testing.T) {
	t.Parallel()
	s := newEnv(t).startPTY(t, "--version")
	s.Expect("micsync e2e-test")
	assert.Equal(t, 0, s.Wait())
}
