package ui

import (
	"context"
	"errors"
	"fmt"

	"micsync/prompt"
)

// Error is an error to show the user: what went wrong, whether it was the user's mistake
// (a bad path, flag or config) or a failure, and what to do about it.
type Error struct {
	Err   error
	Usage bool     // the user's mistake, not micsync's or a disc's
	Hints []string // one line each, after the error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Usage marks err as the user's mistake, with hints.
func Usage(err error, hints ...string) error { return &Error{Err: err, Usage: true, Hints: hints} }

// Failure marks err as a failure, with hints.
func Failure(err error, hints ...string) error { return &Error{Err: err, Hints: hints} }

// NoTerminalError is a question that had to be asked with no terminal to ask on. The run stops
// before it changes more: a flag answers the question next time.
type NoTerminalError struct {
	What   string // why a question was needed, e.g. "there are files to delete"
	Answer string // the flags that answer it
	JSON   bool   // there may be a terminal, but --json asks nothing
}

func (e *NoTerminalError) Error() string {
	if e.JSON {
		return e.What + " and --json asks no questions"
	}
	return e.What + " and there is no terminal to ask on"
}

// Hints says which flag answers the question.
func (e *NoTerminalError) Hints() []string { return []string{"answer with " + e.Answer} }

// Unanswered turns a question's failure into the error the user sees: a NoTerminalError naming
// the flags that answer it, prompt.ErrInterrupted for Ctrl-C, or a failure.
func Unanswered(err error, what, answer string) error {
	switch {
	case errors.Is(err, prompt.ErrNoTerminal):
		return &NoTerminalError{What: what, Answer: answer, JSON: errors.Is(err, prompt.ErrNotAsked)}
	case errors.Is(err, prompt.ErrInterrupted):
		return prompt.ErrInterrupted
	}
	return Failure(err)
}

// Interrupted reports whether err means that the user stopped the run: Ctrl-C at a question,
// or a signal that cancelled the run's context.
func Interrupted(err error) bool {
	return errors.Is(err, prompt.ErrInterrupted) || errors.Is(err, context.Canceled)
}

// Hints returns the hints that err carries, if any.
func Hints(err error) []string {
	var e *Error
	if errors.As(err, &e) {
		return e.Hints
	}
	var nt *NoTerminalError
	if errors.As(err, &nt) {
		return nt.Hints()
	}
	return nil
}

// Report prints err the one way micsync prints errors: "micsync: error: " and the message on
// one line, then a "micsync: hint: " line for each hint. A non-empty about (a destination's
// root) goes before the message.
func (o *Output) Report(about string, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.progress.clearLocked()
	if about != "" {
		about = Show(about) + ": "
	}
	fmt.Fprintf(o.stderr, "micsync: error: %s%s\n", about, OneLine(err.Error()))
	for _, h := range Hints(err) {
		fmt.Fprintf(o.stderr, "micsync: hint: %s\n", OneLine(h))
	}
}
