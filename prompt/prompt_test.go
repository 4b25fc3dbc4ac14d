package prompt_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/AlecAivazis/survey/v2/core"
	expect "github.com/Netflix/go-expect"
	"github.com/hinshun/vt10x"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/ptytest"
	"micsync/prompt"
)

const (
	arrowDown = "\x1b[B"
	ctrlC     = "\x03"
)

func init() {
	// Colour codes would split the text the tests wait for, as in survey's own tests.
	core.DisableColor = true
}

func TestConfirm(t *testing.T) {
	tests := []struct {
		name   string
		def    bool
		prompt string
		answer string
		want   bool
	}{
		{"yes", false, "? Overwrite? (y/N)", "y", true},
		{"no", true, "? Overwrite? (Y/n)", "n", false},
		{"default yes on Enter", true, "? Overwrite? (Y/n)", "", true},
		{"default no on Enter", false, "? Overwrite? (y/N)", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var got bool
			err := converse(t, func(u *user) {
				u.expect(tt.prompt)
				u.send(tt.answer + "\n")
			}, func(s prompt.Survey) (err error) {
				got, err = s.Confirm("Overwrite?", tt.def)
				return err
			})
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestConfirmInterrupted(t *testing.T) {
	t.Parallel()
	err := converse(t, func(u *user) {
		u.expect("? Overwrite? (y/N)")
		u.send(ctrlC)
	}, func(s prompt.Survey) error {
		_, err := s.Confirm("Overwrite?", false)
		return err
	})
	require.ErrorIs(t, err, prompt.ErrInterrupted)
}

func TestSelect(t *testing.T) {
	t.Parallel()
	var got int
	err := converse(t, func(u *user) {
		u.expect("  backup-c")
		u.send(arrowDown)
		u.send("\n")
	}, func(s prompt.Survey) (err error) {
		got, err = s.Select("Copy from which backup?", []string{"backup-a", "backup-b", "backup-c"})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, 1, got)
}

func TestMultiSelect(t *testing.T) {
	t.Parallel()
	var got []int
	err := converse(t, func(u *user) {
		u.expect("[ ]  backup-c")
		u.send(" ")
		u.send(arrowDown + arrowDown + " ")
		u.send("\n")
	}, func(s prompt.Survey) (err error) {
		got, err = s.MultiSelect("Back up to which?", []string{"backup-a", "backup-b", "backup-c", "backup-d"})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2}, got)
}

func TestMultiSelectRequiresOne(t *testing.T) {
	t.Parallel()
	var got []int
	err := converse(t, func(u *user) {
		u.expect("[ ]  backup-b")
		u.send("\n")
		u.expect("Value is required")
		u.expect("[ ]  backup-b")
		u.send(arrowDown + " \n")
	}, func(s prompt.Survey) (err error) {
		got, err = s.MultiSelect("Back up to which?", []string{"backup-a", "backup-b"})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, []int{1}, got)
}

func TestInputAsksAgainUntilValid(t *testing.T) {
	t.Parallel()
	var got string
	var checked []string
	err := converse(t, func(u *user) {
		u.expect("? Name of the configuration:")
		u.send("  \n")
		u.expect("a configuration needs a name")
		u.send("docs\n")
	}, func(s prompt.Survey) (err error) {
		got, err = s.Input("Name of the configuration:", "A short name.", func(a string) error {
			checked = append(checked, a)
			if strings.TrimSpace(a) == "" {
				return errors.New("a configuration needs a name")
			}
			return nil
		})
		return err
	})
	require.NoError(t, err)
	assert.Equal(t, "docs", got)
	assert.Equal(t, []string{"  ", "docs"}, checked, "each answer is checked before it is taken")
}

func TestInputInterrupted(t *testing.T) {
	t.Parallel()
	err := converse(t, func(u *user) {
		u.expect("? Name:")
		u.send(ctrlC)
	}, func(s prompt.Survey) error {
		_, err := s.Input("Name:", "", func(string) error { return nil })
		return err
	})
	require.ErrorIs(t, err, prompt.ErrInterrupted)
}

func TestNoTerminal(t *testing.T) {
	var ask prompt.Asker = prompt.NoTerminal{}
	_, err := ask.Confirm("Overwrite?", true)
	assert.ErrorIs(t, err, prompt.ErrNoTerminal)
	_, err = ask.Select("Which?", []string{"a", "b"})
	assert.ErrorIs(t, err, prompt.ErrNoTerminal)
	_, err = ask.MultiSelect("Which?", []string{"a", "b"})
	assert.ErrorIs(t, err, prompt.ErrNoTerminal)
	_, err = ask.Input("Name?", "", func(string) error { return nil })
	assert.ErrorIs(t, err, prompt.ErrNoTerminal)
}

// converse runs ask on a fresh pseudo-terminal while script plays the user, and returns ask's error.
func converse(t *testing.T, script func(*user), ask func(prompt.Survey) error) error {
	t.Helper()
	u := newUser(t)
	tty := u.console.Tty()
	asked := make(chan error, 1)
	go func() {
		err := ask(prompt.Survey{In: tty, Out: tty, Err: tty})
		_ = tty.Close() // ends the output, so that expectEOF returns
		asked <- err
	}()
	script(u)
	// Read to the end, not just to the answer: survey asks for the cursor position after
	// the answer too, and would wait for the reply forever.
	u.expectEOF()
	return <-asked
}

// user types at a pseudo-terminal whose screen, a vt10x emulator, answers survey's
// cursor-position queries the way a real terminal would. Its methods stop the test on
// failure; the question left waiting for input then leaks, as a read of a terminal cannot be
// cancelled.
type user struct {
	t       *testing.T
	console *expect.Console
	screen  vt10x.Terminal
}

func newUser(t *testing.T) *user {
	t.Helper()
	c, screen, err := ptytest.NewConsole(5 * time.Second)
	require.NoError(t, err)
	t.Cleanup(func() { _ = c.Close() })
	return &user{t: t, console: c, screen: screen}
}

// expect waits until s has been drawn.
func (u *user) expect(s string) {
	u.t.Helper()
	if _, err := u.console.ExpectString(s); err != nil {
		u.t.Fatalf("waiting for %q: %v\nscreen:\n%s", s, err, ptytest.ScreenText(u.screen))
	}
}

// expectEOF waits until the question is over and the terminal closed.
func (u *user) expectEOF() {
	u.t.Helper()
	if _, err := u.console.ExpectEOF(); err != nil {
		u.t.Fatalf("waiting for the question to end: %v\nscreen:\n%s", err, ptytest.ScreenText(u.screen))
	}
}

// send types s once survey reads keys one at a time: keys typed while the terminal is still
// in line mode, between drawing a question and reading the answer, are echoed, and Ctrl-C is
// dropped.
func (u *user) send(s string) {
	u.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); ptytest.LineMode(u.console.Tty()); {
		if time.Now().After(deadline) {
			u.t.Fatalf("typing %q: the terminal stayed in line mode\nscreen:\n%s", s, ptytest.ScreenText(u.screen))
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := u.console.Send(s); err != nil {
		u.t.Fatalf("typing %q: %v", s, err)
	}
}
