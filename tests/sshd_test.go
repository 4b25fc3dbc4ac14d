package tests

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// requireSSHD names the environment variable that turns "cannot start sshd" from a skip into a
// failure. CI sets it, so that the tests of remote locations cannot pass there by not running.
const requireSSHD = "MICSYNC_REQUIRE_SSHD"

// sshdReadyTimeout bounds the wait for a started sshd to let the user in.
const sshdReadyTimeout = 10 * time.Second

// sshServer is a real OpenSSH server on 127.0.0.1 that lets one user in with one temporary key
// and nothing else.
type sshServer struct {
	// Host is the address to give ssh and rsync: "127.0.0.1". KnownHosts also vouches for
	// "localhost".
	Host string
	// Port is the server's port, a free one above 1024.
	Port int
	// User is the current user's name, the only user the server lets in.
	User string
	// IdentityFile is the private key (ed25519, no passphrase) whose public half is the only
	// line of the server's authorized_keys.
	IdentityFile string
	// KnownHosts is a known_hosts file holding the server's temporary host key for
	// [127.0.0.1]:Port and [localhost]:Port.
	KnownHosts string
}

// SSHOptions returns the ssh options that reach the server as User with IdentityFile and trust
// only KnownHosts: no ssh_config and no ~/.ssh of the real user is read (ssh finds those through
// the password database, not $HOME, so a temporary HOME does not hide them), no agent key is
// offered, and nothing prompts. The port is not among them. No path holds a blank or a quote,
// so the options can be joined with blanks into rsync's -e.
func (s *sshServer) SSHOptions() []string {
	return sshOptions(s.IdentityFile, s.KnownHosts)
}

func sshOptions(identity, knownHosts string) []string {
	return []string{
		"-F", "none",
		"-o", "IdentityFile=" + identity,
		"-o", "IdentitiesOnly=yes",
		"-o", "UserKnownHostsFile=" + knownHosts,
		"-o", "GlobalKnownHostsFile=/dev/null",
		"-o", "StrictHostKeyChecking=yes",
		"-o", "BatchMode=yes",
	}
}

// Command returns ssh running argv on the server as User, for the caller to run and bound.
// Each word of argv is quoted for the remote shell, so it arrives as one argument whatever it
// holds.
func (s *sshServer) Command(argv ...string) *exec.Cmd {
	return s.command(context.Background(), s.IdentityFile, argv)
}

func (s *sshServer) command(ctx context.Context, identity string, argv []string) *exec.Cmd {
	args := append(sshOptions(identity, s.KnownHosts), "-o", "ConnectTimeout=5",
		"-p", strconv.Itoa(s.Port), s.User+"@"+s.Host, "--")
	for _, a := range argv {
		args = append(args, remoteQuote(a))
	}
	cmd := exec.CommandContext(ctx, "ssh", args...)
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// Run runs argv on the server like Command and returns its standard output. It fails the test
// if the command fails or takes longer than runTimeout.
func (s *sshServer) Run(t *testing.T, argv ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), runTimeout)
	defer cancel()
	cmd := s.command(ctx, s.IdentityFile, argv)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ssh %s: %v\n%s", strings.Join(argv, " "), err, stderr.String())
	}
	return string(out)
}

// remoteQuote quotes s for a POSIX shell, as the remote login shell parses what ssh sends.
func remoteQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// startSSHD starts sshd for the current user and stops it when the test ends; its log is shown
// if the test failed. When sshd cannot run here (not installed, no permission), the test is
// skipped with the reason, or fails if MICSYNC_REQUIRE_SSHD is set.
func startSSHD(t *testing.T) *sshServer {
	t.Helper()
	unavailable := func(format string, args ...any) {
		t.Helper()
		reason := fmt.Sprintf(format, args...)
		if os.Getenv(requireSSHD) != "" {
			t.Fatalf("cannot start sshd, and %s is set: %s", requireSSHD, reason)
		}
		t.Skipf("cannot start sshd: %s", reason)
	}

	sshd, err := findSSHD()
	if err != nil {
		unavailable("%v", err)
	}
	for _, tool := range []string{"ssh", "ssh-keygen"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable("%v", err)
		}
	}
	me, err := user.Current()
	if err != nil {
		unavailable("who am I: %v", err)
	}
	if os.Geteuid() == 0 {
		// As root, sshd separates privileges and chroots its unprivileged half into this
		// directory; Debian's service makes it at boot, and nothing has when sshd never ran.
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			unavailable("%v", err)
		}
	}

	dir, err := sshdDir(os.Geteuid())
	if err != nil {
		unavailable("%v", err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	hostKey := filepath.Join(dir, "host_ed25519")
	s := &sshServer{
		Host:         "127.0.0.1",
		User:         me.Username,
		IdentityFile: filepath.Join(dir, "id_ed25519"),
		KnownHosts:   filepath.Join(dir, "known_hosts"),
	}
	for _, key := range []string{hostKey, s.IdentityFile} {
		if err := sshKeygen(key); err != nil {
			unavailable("%v", err)
		}
	}
	userKey, err := os.ReadFile(s.IdentityFile + ".pub")
	require.NoError(t, err)
	authorizedKeys := filepath.Join(dir, "authorized_keys")
	require.NoError(t, os.WriteFile(authorizedKeys, userKey, 0o600))
	hostPub, err := os.ReadFile(hostKey + ".pub")
	require.NoError(t, err)
	config := filepath.Join(dir, "sshd_config")
	require.NoError(t, os.WriteFile(config, []byte(sshdConfig(dir, hostKey, authorizedKeys, me.Username)), 0o600))
	log := filepath.Join(dir, "sshd.log")

	// The port is free when we look and may be taken before sshd binds it, by a parallel test
	// among others: then sshd exits, and we try another one.
	for attempt := 1; ; attempt++ {
		s.Port, err = freePort()
		if err != nil {
			unavailable("find a free port: %v", err)
		}
		knownHosts := fmt.Sprintf("[%s]:%d,[localhost]:%d %s", s.Host, s.Port, s.Port, hostPub)
		require.NoError(t, os.WriteFile(s.KnownHosts, []byte(knownHosts), 0o600))

		p, err := startSSHDProcess(sshd, "-D", "-f", config, "-E", log, "-p", strconv.Itoa(s.Port))
		if err != nil {
			unavailable("%v", err)
		}
		lastTry, err := s.waitReady(t, p)
		if err == nil {
			t.Logf("sshd listens on %s:%d; its keys, configuration and log are in %s", s.Host, s.Port, dir)
			t.Cleanup(func() {
				p.stop()
				if t.Failed() {
					t.Logf("sshd log %s:\n%s", log, readLog(log))
				}
			})
			return s
		}
		p.stop()
		if strings.Contains(readLog(log), "Address already in use") && attempt < 5 {
			continue
		}
		unavailable("%v\nlast ssh attempt: %s\nsshd log %s:\n%s", err, lastTry, log, readLog(log))
	}
}

// findSSHD returns sshd's absolute path: sshd re-executes itself for each connection and
// refuses to start from a relative one. It is in /usr/sbin, which a user's PATH often lacks.
func findSSHD() (string, error) {
	if p, err := exec.LookPath("sshd"); err == nil {
		return filepath.Abs(p)
	}
	for _, p := range []string{"/usr/sbin/sshd", "/usr/local/sbin/sshd"} {
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("no sshd in PATH, /usr/sbin or /usr/local/sbin (Debian: apt-get install openssh-server)")
}

// sshdDir makes the directory for the server's keys, configuration and log, which the caller
// removes.
//
// It is not t.TempDir(): sshd's StrictModes, kept on as on any real server, refuses an
// authorized_keys file when it or any directory above it is writable by group or others, or
// owned by someone other than the user or root, and /tmp is world-writable (mode 1777). The
// first candidate whose whole path passes that check is taken: $TMPDIR when it is private, the
// user's runtime directory (/run/user/UID), cache directory (~/.cache) or home (/root for root,
// where CI runs). None of the paths holds a blank or a quote, which neither sshd_config nor
// rsync's -e could take unquoted.
func sshdDir(uid int) (string, error) {
	candidates := []string{os.TempDir(), os.Getenv("XDG_RUNTIME_DIR")}
	if d, err := os.UserCacheDir(); err == nil {
		candidates = append(candidates, d)
	}
	if d, err := os.UserHomeDir(); err == nil {
		candidates = append(candidates, d)
	}
	var refused []string
	for _, c := range candidates {
		if c == "" {
			continue
		}
		real, err := filepath.EvalSymlinks(c) // sshd checks the real path
		if err != nil {
			refused = append(refused, err.Error())
			continue
		}
		if strings.ContainsAny(real, " \t\n'\"\\%") {
			refused = append(refused, real+": holds a blank, a quote or a %")
			continue
		}
		if err := strictModesAllow(real, uid); err != nil {
			refused = append(refused, err.Error())
			continue
		}
		d, err := os.MkdirTemp(real, "micsync-sshd-")
		if err != nil {
			refused = append(refused, err.Error())
			continue
		}
		return d, nil
	}
	return "", fmt.Errorf("no directory for authorized_keys that sshd's StrictModes accepts: %s",
		strings.Join(refused, "; "))
}

// strictModesAllow checks dir and every directory above it as sshd's StrictModes does.
func strictModesAllow(dir string, uid int) error {
	for d := dir; ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		st, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return fmt.Errorf("%s: no owner", d)
		}
		if st.Uid != 0 && int(st.Uid) != uid {
			return fmt.Errorf("%s: owned by uid %d", d, st.Uid)
		}
		if fi.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("%s: writable by group or others (%v)", d, fi.Mode())
		}
		if d == "/" {
			return nil
		}
	}
}

// sshdConfig is the whole configuration: sshd reads no other file, not /etc/ssh/sshd_config.
// Only the user, only with the key in authorizedKeys, nothing forwarded.
//
// PAM is off, so that a server run by a user works the same as one run by root; as a
// consequence sshd lets no one into an account whose password in /etc/shadow is locked ("!"),
// not even with a key. PermitRootLogin lets root in with a key, as tests run as root in CI.
func sshdConfig(dir, hostKey, authorizedKeys, userName string) string {
	return fmt.Sprintf(`ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
StrictModes yes
AllowUsers %s
PermitRootLogin prohibit-password
AuthenticationMethods publickey
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
HostbasedAuthentication no
UsePAM no
AllowAgentForwarding no
AllowTcpForwarding no
AllowStreamLocalForwarding no
X11Forwarding no
PermitTunnel no
PermitUserEnvironment no
UseDNS no
PrintMotd no
PrintLastLog no
MaxStartups 100
LogLevel VERBOSE
`, hostKey, filepath.Join(dir, "sshd.pid"), authorizedKeys, userName)
}

// sshKeygen makes an ed25519 key pair without a passphrase: path and path.pub.
func sshKeygen(path string) error {
	out, err := exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "micsync-test",
		"-f", path).CombinedOutput()
	if err != nil {
		return fmt.Errorf("ssh-keygen %s: %v\n%s", path, err, out)
	}
	return nil
}

// freePort returns a TCP port on 127.0.0.1 that nothing listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// sshdProcess is a running sshd, in the foreground (-D) as the test's child.
type sshdProcess struct {
	cmd    *exec.Cmd
	output strings.Builder // what sshd wrote before its log was open; read only after exited
	exited chan struct{}   // closed when cmd.Wait has returned
}

func startSSHDProcess(sshd string, args ...string) (*sshdProcess, error) {
	p := &sshdProcess{cmd: exec.Command(sshd, args...), exited: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = &p.output, &p.output
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop ends sshd: SIGTERM, then SIGKILL if it is still there after 5 s. Sessions still open
// have their own processes and end when their client does.
func (p *sshdProcess) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// waitReady waits until `ssh true` succeeds, which proves the whole chain: sshd listens, the
// host key is the one in KnownHosts, and the user's key lets the user in. It returns the output
// of the last failed try with the error.
func (s *sshServer) waitReady(t *testing.T, p *sshdProcess) (lastTry string, err error) {
	deadline := time.Now().Add(sshdReadyTimeout)
	for {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		out, err := s.command(ctx, s.IdentityFile, []string{"true"}).CombinedOutput()
		cancel()
		if err == nil {
			return "", nil
		}
		lastTry = fmt.Sprintf("%v: %s", err, out)
		select {
		case <-p.exited:
			return lastTry, fmt.Errorf("sshd exited: %v\n%s", p.cmd.ProcessState, p.output.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return lastTry, fmt.Errorf("sshd did not let %s in within %v", s.User, sshdReadyTimeout)
		}
	}
}

// readLog returns sshd's log, or why it cannot.
func readLog(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	return string(b)
}

func TestSSHD(t *testing.T) {
	t.Parallel()
	srv := startSSHD(t)

	// The key lets the user in without a prompt, and the remote shell gets each word as it is.
	assert.Equal(t, srv.User+"\n", srv.Run(t, "id", "-un"))
	assert.Equal(t, "it's  two\n", srv.Run(t, "printf", `%s\n`, "it's  two"))

	// Any other key is refused, and refused at once: BatchMode fails instead of asking for a
	// password, which the server would not take anyway.
	wrong := filepath.Join(t.TempDir(), "wrong_ed25519")
	require.NoError(t, sshKeygen(wrong))
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	start := time.Now()
	out, err := srv.command(ctx, wrong, []string{"true"}).CombinedOutput()
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "ssh with a key the server does not know: %s", out)
	assert.Equal(t, 255, exit.ExitCode(), "%s", out)
	assert.Contains(t, string(out), "Permission denied (publickey)")
	assert.Less(t, time.Since(start), 5*time.Second, "ssh with a wrong key should fail at once")

	// rsync over ssh copies a tree with names a shell or rsync's option parser would mangle,
	// into a destination whose path has a blank. -s (--protect-args) sends the names to the
	// remote rsync without the remote shell; rsync 3.2.4 and later do that by default.
	src := t.TempDir()
	files := []string{"plain", "with space", `quote's "double"`, "-dash", "sub dir/-n 'x' *"}
	for _, f := range files {
		p := filepath.Join(src, f)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("content of "+f), 0o644))
	}
	dst := filepath.Join(t.TempDir(), "dest dir")
	shell := strings.Join(append([]string{"ssh", "-p", strconv.Itoa(srv.Port)}, srv.SSHOptions()...), " ")
	rsync := exec.CommandContext(ctx, "rsync", "-a", "-s", "-e", shell, src+"/", srv.User+"@"+srv.Host+":"+dst+"/")
	out, err = rsync.CombinedOutput()
	require.NoError(t, err, "%s\n%s", rsync, out)
	for _, f := range files {
		got, err := os.ReadFile(filepath.Join(dst, f))
		if assert.NoError(t, err) {
			assert.Equal(t, "content of "+f, string(got))
		}
	}
	entries, err := os.ReadDir(dst)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"plain", "with space", `quote's "double"`, "-dash", "sub dir"}, names)
}
