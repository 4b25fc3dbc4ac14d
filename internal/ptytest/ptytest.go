// Package ptytest drives programs in a pseudo-terminal for tests, with a terminal emulator
// that keeps the screen and answers the program's queries as a real terminal would.
package ptytest

import (
	"os"
	"strings"
	"time"

	expect "github.com/Netflix/go-expect"
	"github.com/hinshun/vt10x"
	"golang.org/x/sys/unix"
)

// NewConsole opens a pseudo-terminal whose output is drawn on screen, a vt10x emulator.
// The emulator's replies, such as the cursor position survey asks for, are typed back into
// the console as input; without them survey waits forever. Expectations on the console
// time out after timeout. The caller closes the console.
func NewConsole(timeout time.Duration) (console *expect.Console, screen vt10x.Terminal, err error) {
	replies := &consoleInput{}
	screen = vt10x.New(vt10x.WithWriter(replies))
	console, err = expect.NewConsole(expect.WithStdout(screen), expect.WithDefaultTimeout(timeout))
	if err != nil {
		return nil, nil, err
	}
	replies.console = console
	return console, screen, nil
}

// consoleInput sends what is written to it to the console as typed input. It is set once the
// console exists, before anything is drawn.
type consoleInput struct{ console *expect.Console }

func (w *consoleInput) Write(p []byte) (int, error) { return w.console.Write(p) }

// LineMode reports whether tty is in line (canonical) mode, false once it is closed.
func LineMode(tty *os.File) bool {
	conn, err := tty.SyscallConn()
	if err != nil {
		return false
	}
	canonical := false
	_ = conn.Control(func(fd uintptr) {
		t, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
		canonical = err == nil && t.Lflag&unix.ICANON != 0
	})
	return canonical
}

// ScreenText returns the screen without trailing blanks, for failure messages.
func ScreenText(screen vt10x.Terminal) string {
	lines := strings.Split(screen.String(), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), "\n")
}
