package clidoc

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

// Man writes the manual page of g, micsync(1), in roff: version is the version of micsync it
// documents, description the program's description.
func (g Grammar) Man(w io.Writer, version, description string) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p(`.\" Made by "micsync man" from micsync's grammar: change cmd/micsync, not this file.`)
	p(`.TH MICSYNC 1 "" "micsync %s" "User Commands"`, Roff(version))
	p(".SH NAME")
	p(`micsync \- keep WORKING directories and their BACKUP copies in step, with rsync`)

	var actions, others []Command
	for _, c := range g.Leaves() {
		if c.Action {
			actions = append(actions, c)
		} else {
			others = append(others, c)
		}
	}
	p(".SH SYNOPSIS")
	p(".B micsync")
	p(`%s [\fIoptions\fR] \fIpath\fR...`, strings.Join(prefixAll(`\fB\-\-`, names(actions), `\fR`), "|"))
	for _, c := range append(actions, others...) {
		p(".br")
		p(".B micsync %s", Roff(c.Path))
		p("%s", Roff(synopsisArgs(c)))
	}

	p(".SH DESCRIPTION")
	p("%s", Roff(description))
	p(".PP")
	p("%s", Roff("micsync keeps the directories you work in (WORKING locations) and their copies on other discs "+
		"(BACKUP locations, often external USB drives) in step. You name paths inside a location and an action; "+
		"micsync works out where to copy from and to, asks rsync for a dry run, shows what is new, modified and "+
		"to be deleted, asks before anything is overwritten or deleted, and then does exactly what you approved."))
	p(".PP")
	p("%s", Roff("The locations are set in the config file; micsync init writes it and micsync check shows it. "+
		"A location that does not exist now, such as a disc that is not plugged in, is skipped."))

	p(".SH ACTIONS")
	for _, c := range actions {
		p(".TP")
		p(`.BR %s ", " \-\-%s`, Roff(c.Name), Roff(c.Name))
		p("%s", Roff(c.Help))
	}

	// The options of the actions, each once, with the actions it belongs to when not all.
	p(".SH OPTIONS OF THE ACTIONS")
	var seen []string
	for _, c := range actions {
		for _, f := range c.Flags {
			if slices.Contains(seen, f.Long) {
				continue
			}
			seen = append(seen, f.Long)
			var in []string
			for _, o := range actions {
				if slices.ContainsFunc(o.Flags, func(of Flag) bool { return of.Long == f.Long }) {
					in = append(in, o.Name)
				}
			}
			help := f.Help
			if len(in) < len(actions) {
				help += " Actions: " + strings.Join(in, ", ") + "."
			}
			manFlag(p, f, help)
		}
	}

	p(".SH COMMANDS")
	for _, c := range others {
		p(".TP")
		p(".B micsync %s", Roff(c.Path))
		p("%s", Roff(c.Help))
		for _, a := range c.Args {
			p(".IP")
			p(`\fI%s\fR: %s`, Roff(a.Name), Roff(a.Help))
		}
		if len(c.Flags) > 0 {
			p(".RS")
			for _, f := range c.Flags {
				manFlag(p, f, f.Help)
			}
			p(".RE")
		}
	}

	p(".SH GLOBAL OPTIONS")
	for _, f := range g.Global {
		help := f.Help
		if f.Env != "" {
			help += " Also the environment variable " + f.Env + "."
		}
		manFlag(p, f, help)
	}

	p(".SH FILES")
	p(".TP")
	p(`.I ~/.micsync.json`)
	p("%s", Roff("The config file: a list of configurations, each with a unique name, its WORKING locations (work) "+
		"and its BACKUP locations (backup). ~/ is the home directory; a relative path is relative to the directory "+
		"of the config file. Within a configuration no location may be inside another one. A location on another "+
		"host is written host:/path, user@host:/path or ssh://user@host:port/path and reached with rsync over ssh; "+
		"a configuration's optional ssh settings (port, identity, options, timeout) apply to its remote locations. "+
		"A configuration may leave things out: exclude holds rsync patterns (*.tmp, node_modules/, /Downloads/cache/) "+
		"of what no run copies, deletes or counts, only the patterns of the only files that runs copy, and "+
		"gitignore: true reads .gitignore files as .micsyncignore files are read."))
	p(".TP")
	p(`.I .micsyncignore`)
	p("%s", Roff("In any directory of a location: patterns of what to leave out in that directory and below, one a "+
		"line (rsync's dir-merge; a leading / anchors a pattern at the file's directory, a trailing / matches "+
		"directories only, ** crosses directories; lines that start with # are skipped). --exclude adds patterns "+
		"for one run, and -v prints the rules in effect."))
	p(".TP")
	p(`.I /usr/share/doc/micsync/micsync.json.example`)
	p("%s", Roff("A config file to start from."))
	p(".TP")
	p(`.I ~/.local/state/micsync/runs.jsonl`)
	p("%s", Roff("The record of every run that was not a dry run, one JSON object a line, one per destination "+
		"(and of every micsync verify, one per location compared) "+
		"(in $XDG_STATE_HOME/micsync when that is set); the oldest go once it holds 4 MiB. micsync log and "+
		"micsync status read it."))
	p(".TP")
	p(`.I ROOT/.micsync/runs.jsonl`)
	p("%s", Roff("The records of the runs that wrote to the location at ROOT, and of the verifies that checked it, kept in the location itself (up to "+
		"64 KiB), so that a disc plugged into another machine still tells what it holds and since when. Never synced."))

	p(".TP")
	p(`.I ~/.local/state/micsync/verified/`)
	p("%s", Roff("What micsync verify verified in each location, and when (also in .micsync/verified.json on a BACKUP's disc); XDG_STATE_HOME moves it."))

	p(".SH ENVIRONMENT")
	p(".TP")
	p(".B MICSYNC_CONFIG")
	p("%s", Roff("The config file, instead of ~/.micsync.json; --config-file comes first."))
	p(".TP")
	p(".B HOME")
	p("%s", Roff("The home directory, for ~/.micsync.json and for ~/ in the config file."))
	p(".TP")
	p(".B XDG_STATE_HOME")
	p("%s", Roff("Where micsync keeps what it remembers on this machine (markers, run records), in micsync/ below it; ~/.local/state by default."))

	p(".SH EXIT STATUS")
	for _, s := range []struct{ code, meaning string }{
		{"0", "Done; also nothing to do, and you declined."},
		{"1", "A failure: rsync failed for a destination (the others were still done), or no location is reachable; for verify, copies whose content differs, or that could not be read."},
		{"2", "Bad usage or a bad config file, or a question with no terminal to ask on (or with --json, which asks none); nothing was changed."},
		{"130", "Interrupted (Ctrl-C); rsync is stopped and what was done is reported."},
	} {
		p(".TP")
		p(".B %s", s.code)
		p("%s", Roff(s.meaning))
	}

	p(".SH EXAMPLES")
	for _, e := range []struct{ cmd, what string }{
		{"micsync init", "Create the config file; it asks for a name, the WORKING and the BACKUP locations."},
		{"micsync check", "Show every configuration and which locations are reachable now."},
		{"micsync status --json", "Which disc holds a complete copy of which folder, since when, and what changed in WORKING since, as one JSON document; micsync log --json gives the records of the runs."},
		{"micsync --backup ~/Documents/taxes", "Copy taxes/ to every plugged-in BACKUP."},
		{"micsync --work -d ~/Documents/taxes", "Make taxes/ like the BACKUP's, asking before deleting."},
		{"micsync --backup -m --no ~/Documents", "From a script: copy everything, overwrite modified files, delete nothing."},
		{"micsync --backup -m --json ~/Documents", "The same, for a program: the plan and what was done as one JSON document on stdout (/usr/share/doc/micsync/JSON.md, docs/JSON.md in the source)."},
		{"micsync verify --budget 20m", "Compare the copies by content, those verified longest ago first, for 20 minutes; names each copy that went bad."},
		{"micsync verify --repair", "Replace each bad copy from a good one, after asking; the bad copy goes to the trash."},
		{"micsync verify --json", "What verify found in each location (bad copies, edits, files missing, unreadable or of unknown right copy) as one JSON document; each verify is also recorded in every location it compared (micsync log)."},
	} {
		p(".TP")
		p(".B %s", Roff(e.cmd))
		p("%s", Roff(e.what))
	}

	p(".SH SEE ALSO")
	p(".BR rsync (1)")
}

// synopsisArgs shows the arguments of a command: [options] name [name...].
func synopsisArgs(c Command) string {
	out := "[options]"
	for _, a := range c.Args {
		s := a.Name
		if a.Repeat {
			s += "..."
		}
		if a.Optional {
			s = "[" + s + "]"
		}
		out += " " + s
	}
	return out
}

func names(cs []Command) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func prefixAll(before string, ss []string, after string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = before + Roff(s) + after
	}
	return out
}

// manFlag writes one option as a tagged paragraph.
func manFlag(p func(string, ...any), f Flag, help string) {
	p(".TP")
	names := `\fB\-\-` + Roff(f.Long) + `\fR`
	if f.Short != "" {
		names = `\fB\-` + Roff(f.Short) + `\fR, ` + names
	}
	if f.Value != "" {
		names += ` \fI` + Roff(f.Placeholder) + `\fR`
	}
	p("%s", names)
	p("%s", Roff(help))
}

// Roff escapes text for roff: backslashes print as such, hyphens as minus signs (so that options
// can be copied from the page), and no line can be taken for a request.
func Roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, ".") || strings.HasPrefix(l, "'") {
			lines[i] = `\&` + l
		}
	}
	return strings.Join(lines, "\n")
}
