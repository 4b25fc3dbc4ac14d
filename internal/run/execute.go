package run

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"micsync/internal/ui"
	"micsync/locations"
	"micsync/prompt"
	"micsync/rsyncplan"
)

// executeAll executes the approved plans (todo) of the run's destinations, several at once
// unless -j or -v says otherwise, and summarises every destination.
func (e *Env) executeAll(src locations.Location, dests, todo []*dest, h *held, o Options) error {
	jobs := o.Jobs
	if jobs < 1 || jobs > len(todo) {
		jobs = len(todo)
	}
	if o.Verbose {
		jobs = 1 // -v asks about each destination in turn
	}
	each(todo, jobs, func(d *dest) {
		if e.Ctx.Err() != nil || (jobs == 1 && stopped(todo)) {
			return
		}
		d.ran = true
		if d.err = e.fits(h, d); d.err != nil {
			return
		}
		err := e.execute(d, o)
		if !ui.Interrupted(err) {
			// What was written is flushed also when some of it failed: it is good.
			if ferr := e.finish(h, src, d); err == nil {
				err = ferr
			}
		}
		d.err = err
	})
	e.Out.EndProgress()
	interrupted := false
	for _, d := range todo {
		var nt *ui.NoTerminalError
		switch {
		case ui.Interrupted(d.err):
			d.err = prompt.ErrInterrupted
			interrupted = true
		case errors.As(d.err, &nt):
			return d.err // stopped before more changes
		case d.err != nil && len(dests) > 1:
			e.Out.Report(d.loc.Path, d.err)
		}
	}
	outcomes := make([]ui.Outcome, len(dests))
	for i, d := range dests {
		outcomes[i] = d.outcome()
	}
	e.Out.Summary(outcomes)
	if interrupted || e.Ctx.Err() != nil {
		return prompt.ErrInterrupted
	}
	return failures(dests)
}

// stopped reports whether a destination run so far ended in a way that stops the others: an
// interrupt, or a question that had no terminal to be asked on.
func stopped(ds []*dest) bool {
	for _, d := range ds {
		var nt *ui.NoTerminalError
		if ui.Interrupted(d.err) || errors.As(d.err, &nt) {
			return true
		}
	}
	return false
}

// each calls fn for every destination, at most n at a time, and waits for all.
func each(ds []*dest, n int, fn func(*dest)) {
	if n < 1 {
		return
	}
	sem := make(chan struct{}, n)
	var wg sync.WaitGroup
	for _, d := range ds {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			fn(d)
		}()
	}
	wg.Wait()
}

// execute runs the approved plan of one destination.
func (e *Env) execute(d *dest, o Options) error {
	dir, err := rsyncplan.TempDir("run-")
	if err != nil {
		return ui.Failure(err)
	}
	defer os.RemoveAll(dir)
	steps, err := d.plan.Steps(d.approval, dir)
	if err != nil {
		return ui.Failure(err)
	}
	if o.Verbose {
		// -v shows the destination's commands and asks once before they run.
		for _, s := range steps {
			e.Out.Trace(d.rsync.CommandLine(s.Args))
		}
		q := fmt.Sprintf("Run these %d commands for %s?", len(steps), ui.Show(d.loc.Path))
		if len(steps) == 1 {
			q = "Run this command for " + ui.Show(d.loc.Path) + "?"
		}
		ok, err := e.yesNo(false, o, q, "-v asks before running a destination's commands", "--yes")
		if err != nil {
			return err
		}
		if !ok {
			d.skipped = "you declined its rsync commands; nothing was changed there"
			return nil
		}
	}
	err = d.plan.Execute(e.Ctx, d.rsync, steps, &d.done)
	switch {
	case err == nil:
		return partial(d)
	case ui.Interrupted(err):
		return prompt.ErrInterrupted
	}
	return ui.Failure(err, rsyncHints(err, d)...)
}

// rsyncHints explains the rsync failures that users meet, from rsync's exit status and message.
func rsyncHints(err error, d *dest) []string {
	var gone *goneError
	if errors.As(err, &gone) {
		return []string{goneHint(gone.loc)}
	}
	var re *rsyncplan.Error
	if !errors.As(err, &re) {
		return nil
	}
	msg := re.Stderr
	switch {
	case strings.Contains(msg, "No space left on device"):
		return fullHints(d.loc)
	case strings.Contains(msg, "Permission denied") || strings.Contains(msg, "Operation not permitted"):
		return []string{"rsync could not read or write the entries named above: check their permissions"}
	case d.loc.Remote() && re.Code == 255:
		return []string{"the connection to " + d.loc.Host + " failed: check that it is up, then run micsync again"}
	case strings.Contains(msg, "vanished") || strings.Contains(msg, "link_stat"):
		return []string{"files changed after the plan was made: run micsync again to plan anew"}
	}
	return nil
}
