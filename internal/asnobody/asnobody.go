// Package asnobody runs a test again as the user nobody, for tests of what a user who cannot
// read an entry meets, when the tests run as root, who reads everything.
package asnobody

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// asNobodyEnv is set in a test binary that Elsewhere runs as nobody.
const asNobodyEnv = "MICSYNC_TEST_AS_NOBODY"

// Elsewhere makes the calling test run as a user who cannot read a mode 000 entry, and
// reports whether it ran elsewhere, in which case the caller returns. An ordinary user runs
// the test as it is; root, who reads every entry, runs it again as nobody in a copy of the
// test binary that nobody may run, and fails or skips as that run does.
func Elsewhere(t *testing.T) bool {
	t.Helper()
	if os.Getuid() != 0 {
		return false
	}
	if os.Getenv(asNobodyEnv) != "" {
		t.Fatal("the run as nobody is still root")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("the test runs as root, who reads every entry, and setpriv is missing to run it as nobody")
	}
	bin, err := os.Executable()
	require.NoError(t, err)
	dir := t.TempDir()
	for d := dir; d != os.TempDir() && d != "/"; d = filepath.Dir(d) {
		require.NoError(t, os.Chmod(d, 0o755))
	}
	in, err := os.Open(bin)
	require.NoError(t, err)
	defer in.Close()
	copied := filepath.Join(dir, "test")
	out, err := os.OpenFile(copied, os.O_WRONLY|os.O_CREATE, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
	var run []string
	for _, level := range strings.Split(t.Name(), "/") {
		run = append(run, "^"+regexp.QuoteMeta(level)+"$")
	}
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--",
		copied, "-test.run="+strings.Join(run, "/"), "-test.count=1", "-test.v")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), asNobodyEnv+"=1", "HOME="+dir)
	output, err := cmd.CombinedOutput()
	switch {
	case err != nil:
		t.Fatalf("as nobody: %v\n%s", err, output)
	case strings.Contains(string(output), "--- SKIP"):
		t.Skipf("as nobody:\n%s", output)
	case !strings.Contains(string(output), "--- PASS: "+t.Name()):
		t.Fatalf("as nobody, the test did not run:\n%s", output)
	}
	return true
}
