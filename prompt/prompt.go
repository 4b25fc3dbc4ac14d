// Package prompt asks the user the few questions micsync needs, on the terminal and never on stdout.
package prompt

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

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
	// Decide asks a yes/no question that has a third answer, to pick the entries it is about
	// one by one; no is the default.
	Decide(message string) (Decision, error)
	// Pick asks which of options to take, every one preselected, and returns their indexes,
	// ascending; none is an answer.
	Pick(message string, options []string) ([]int, error)
}

// Decision is the answer to Decide.
type Decision int

// The answers to Decide.
const (
	No Decision = iota
	Yes
	PickThem
)

// ErrNoTerminal is returned when a question needs a terminal and none is attached.
var ErrNoTerminal = errors.New("no terminal to ask on")

// ErrNotAsked is returned when a question needs an answer and the command was told to ask
// none (--json): the flags answer them, on a terminal too. It is an ErrNoTerminal.
var ErrNotAsked = fmt.Errorf("%w: --json asks no questions", ErrNoTerminal)

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

// Decide asks as Confirm does, with "p" for the third answer.
func (s Survey) Decide(message string) (Decision, error) {
	var a string
	err := s.ask(message, &survey.Input{Message: message + " (y/N, p: pick the entries)"}, &a,
		survey.WithValidator(func(v any) error {
			if _, ok := decision(v.(string)); !ok {
				return errors.New("answer y (yes), n (no) or p (pick the entries)")
			}
			return nil
		}))
	d, _ := decision(a)
	return d, err
}

func decision(a string) (Decision, bool) {
	switch strings.ToLower(strings.TrimSpace(a)) {
	case "", "n", "no":
		return No, true
	case "y", "yes":
		return Yes, true
	case "p", "pick":
		return PickThem, true
	}
	return No, false
}

// Pick asks with a multi-select list whose options are all selected at first.
func (s Survey) Pick(message string, options []string) ([]int, error) {
	var idx []int
	q := &survey.MultiSelect{Message: message, Options: options, Default: options, PageSize: 15}
	if err := s.ask(message, q, &idx); err != nil {
		return nil, err
	}
	slices.Sort(idx)
	return idx, nil
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

// Decide returns ErrNoTerminal.
func (NoTerminal) Decide(string) (Decision, error) { return No, ErrNoTerminal }

// Pick returns ErrNoTerminal.
func (NoTerminal) Pick(string, []string) ([]int, error) { return nil, ErrNoTerminal }

// Input returns ErrNoTerminal.
func (NoTerminal) Input(string, string, func(string) error) (string, error) { return "", ErrNoTerminal }

// NotAsked is the Asker of a command that asks no questions (--json): every question fails at
// once with ErrNotAsked, even on a terminal.
type NotAsked struct{}

// Confirm returns ErrNotAsked.
func (NotAsked) Confirm(string, bool) (bool, error) { return false, ErrNotAsked }

// Select returns ErrNotAsked.
func (NotAsked) Select(string, []string) (int, error) { return 0, ErrNotAsked }

// MultiSelect returns ErrNotAsked.
func (NotAsked) MultiSelect(string, []string) ([]int, error) { return nil, ErrNotAsked }

// Decide returns ErrNotAsked.
func (NotAsked) Decide(string) (Decision, error) { return No, ErrNotAsked }

// Pick returns ErrNotAsked.
func (NotAsked) Pick(string, []string) ([]int, error) { return nil, ErrNotAsked }

// Input returns ErrNotAsked.
func (NotAsked) Input(string, string, func(string) error) (string, error) { return "", ErrNotAsked }
