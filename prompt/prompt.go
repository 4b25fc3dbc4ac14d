// Package prompt asks the user the few questions micsync needs, on the terminal and never on stdout.
package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/AlecAivazis/survey/v2"
	"github.com/AlecAivazis/survey/v2/terminal"
	"golang.org/x/term"
)

// Asker asks the user the few questions micsync needs.
type Asker interface {
	// Confirm asks a yes/no question; def is the default answer.
	Confirm(message string, def bool) (bool, error)
	// Select asks for one of options and returns its index.
	Select(message string, options []string) (int, error)
	// MultiSelect asks for one or more of options and returns their indexes, ascending (at least one).
	MultiSelect(message string, options []string) ([]int, error)
	// Input asks for one line of text; help explains the question. valid checks each answer
	// before it is taken, and the question is asked again while it fails.
	Input(message, help string, valid func(string) error) (string, error)
}

// ErrNoTerminal is returned when a question needs a terminal and none is attached.
var ErrNoTerminal = errors.New("no terminal to ask on")

// ErrInterrupted is returned when the user presses Ctrl-C at a prompt.
var ErrInterrupted = errors.New("interrupted")

// New returns an Asker that asks on os.Stdin and draws on os.Stderr when both are terminals,
// and NoTerminal otherwise: survey on a pipe hangs or reads EOF silently.
func New() Asker {
	if !term.IsTerminal(int(os.Stdin.Fd())) || !term.IsTerminal(int(os.Stderr.Fd())) {
		return NoTerminal{}
	}
	return Survey{In: os.Stdin, Out: os.Stderr, Err: os.Stderr}
}

// Survey asks with survey/v2. Questions are drawn on Out (stderr in the binary), never on stdout,
// so that micsync's output can be piped while the user answers.
type Survey struct {
	In  terminal.FileReader
	Out terminal.FileWriter
	Err io.Writer
}

// Confirm asks a yes/no question; def is the answer when the user just presses Enter.
func (s Survey) Confirm(message string, def bool) (bool, error) {
	var yes bool
	err := s.ask(message, &survey.Confirm{Message: message, Default: def}, &yes)
	return yes, err
}

// Select asks for one of options and returns its index.
func (s Survey) Select(message string, options []string) (int, error) {
	var i int
	err := s.ask(message, &survey.Select{Message: message, Options: options}, &i)
	return i, err
}

// MultiSelect asks for one or more of options and returns their indexes, ascending.
// Submitting none is refused and the question asked again.
func (s Survey) MultiSelect(message string, options []string) ([]int, error) {
	var idx []int
	q := &survey.MultiSelect{Message: message, Options: options}
	if err := s.ask(message, q, &idx, survey.WithValidator(survey.Required)); err != nil {
		return nil, err
	}
	slices.Sort(idx) // survey gives them in option order today; the contract should not rest on that
	return idx, nil
}

// Input asks for one line of text; survey shows valid's error under the answer and asks again.
func (s Survey) Input(message, help string, valid func(string) error) (string, error) {
	var answer string
	err := s.ask(message, &survey.Input{Message: message, Help: help}, &answer,
		survey.WithValidator(func(v any) error {
			a, _ := v.(string)
			return valid(a)
		}))
	return answer, err
}

// ask asks p on s's terminal. survey fills answer by reflection: an *int receives the index
// of a Select and an *[]int the indexes of a MultiSelect.
func (s Survey) ask(message string, p survey.Prompt, answer any, opts ...survey.AskOpt) error {
	opts = append(opts, survey.WithStdio(s.In, s.Out, s.Err))
	err := survey.AskOne(p, answer, opts...)
	if errors.Is(err, terminal.InterruptErr) {
		return ErrInterrupted
	}
	if err != nil {
		return fmt.Errorf("ask %q: %w", message, err)
	}
	return nil
}

// NoTerminal is the Asker when no terminal is attached: every question fails at once with
// ErrNoTerminal, so micsync neither hangs nor guesses an answer.
type NoTerminal struct{}

// Confirm returns ErrNoTerminal.
func (NoTerminal) Confirm(string, bool) (bool, error) { return false, ErrNoTerminal }

// Select returns ErrNoTerminal.
func (NoTerminal) Select(string, []string) (int, error) { return 0, ErrNoTerminal }

// MultiSelect returns ErrNoTerminal.
func (NoTerminal) MultiSelect(string, []string) ([]int, error) { return nil, ErrNoTerminal }

// Input returns ErrNoTerminal.
func (NoTerminal) Input(string, string, func(string) error) (string, error) { return "", ErrNoTerminal }
