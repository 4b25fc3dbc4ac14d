package rsyncplan

import (
	"bytes"
	"io"
	"path"
	"slices"
	"strings"
	"sync"
)

// Unreadable is an entry of the source that rsync could not read, and left out.
type Unreadable struct {
	Name   string // relative to the job's destination directory, slash-separated; "." is the root
	Reason string // rsync's, e.g. "Permission denied (13)"
	// opened is set for a file that rsync listed but could not open: --stats counts it as
	// transferred all the same.
	opened bool
}

// The messages (rsync 3.x, after "rsync: " and, since 3.2.4, the role "[sender] ") of a source
// entry that rsync could not read and skipped, each followed by the quoted path, then the end
// and rsync's reason, e.g. `opendir "/w/locked" failed: Permission denied (13)`. Every other
// message is a failure of another kind, and so are these two on purpose: a file with read
// errors while it is copied ("read errors mapping") is written with zeros where the read
// failed, and a source root that cannot be entered ("change_dir") leaves nothing to plan.
var readMessages = []struct {
	start, end string
	opened     bool // the entry was listed: see Unreadable.opened
}{
	{`opendir "`, `" failed: `, false},           // a directory: sent without what it holds
	{`send_files failed to open "`, `": `, true}, // a file: not copied
	{`readlink_stat("`, `") failed: `, false},    // an entry in a directory that cannot be searched
	{`link_stat "`, `" failed: `, false},         // a listed entry in such a directory
}

// readError parses one line that rsync printed on stderr. ok is true when it tells that rsync
// could not read an entry below src (the source directory on its host, with a trailing slash)
// and skipped it. A reason of "No such file or directory" or "Not a directory" is not a read
// error: the entry went away after planning.
func readError(line, src string) (u Unreadable, ok bool) {
	msg, found := strings.CutPrefix(line, "rsync: ")
	if !found {
		return u, false
	}
	if rest, role := strings.CutPrefix(msg, "["); role {
		who, after, closed := strings.Cut(rest, "] ")
		if !closed || who != "sender" {
			return u, false
		}
		msg = after
	}
	for _, m := range readMessages {
		rest, found := strings.CutPrefix(msg, m.start)
		if !found {
			continue
		}
		// The path is quoted as it is; a reason never holds a quote, so the last one ends it.
		end := strings.LastIndex(rest, `"`)
		if end < 0 || !strings.HasPrefix(rest[end:], m.end) {
			return u, false
		}
		reason := rest[end+len(m.end):]
		if !errnoReason(reason) || strings.HasSuffix(reason, " (2)") || strings.HasSuffix(reason, " (20)") {
			return u, false
		}
		name, ok := relativeTo(decodeName([]byte(rest[:end])), src)
		return Unreadable{Name: name, Reason: reason, opened: m.opened}, ok
	}
	return u, false
}

// errnoReason reports whether s looks like rsync's "<strerror> (<errno>)".
func errnoReason(s string) bool {
	open := strings.LastIndex(s, " (")
	if open < 1 || !strings.HasSuffix(s, ")") || strings.ContainsAny(s, `"`) {
		return false
	}
	digits := s[open+2 : len(s)-1]
	return digits != "" && strings.Trim(digits, "0123456789") == ""
}

// relativeTo returns the name of p relative to dir (which ends with a slash), "." for dir itself.
func relativeTo(p, dir string) (string, bool) {
	if p == strings.TrimSuffix(dir, "/") {
		return ".", true
	}
	rel, ok := strings.CutPrefix(p, dir)
	if !ok || rel == "" {
		return "", false
	}
	rel = path.Clean(rel)
	if rel == ".." || strings.HasPrefix(rel, "../") || strings.HasPrefix(rel, "/") {
		return "", false
	}
	return rel, true
}

// readErrors sorts the stderr lines of one rsync run on their way to where they are shown:
// read errors of entries that rsync skipped, and the others. It takes whole lines, as
// Runner.Stderr does.
type readErrors struct {
	next  io.Writer // where the lines go on to; nil: nowhere
	src   string    // the source directory on its host, with a trailing slash
	mu    sync.Mutex
	found []Unreadable
	other bool // a line that is not a read error: a failure of another kind
}

// watch returns a copy of r whose runs' stderr goes through a new readErrors for the job.
func watch(r *Runner, j Job) (*Runner, *readErrors) {
	e := &readErrors{next: r.Stderr, src: withSlash(OnHost(j.SrcDir))}
	c := *r
	c.Stderr = e
	return &c, e
}

func (e *readErrors) Write(b []byte) (int, error) {
	if e.next != nil {
		e.next.Write(b)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for line := range bytes.Lines(b) {
		text := strings.TrimRight(string(line), "\r\n")
		switch u, ok := readError(text, e.src); {
		case ok:
			e.found = append(e.found, u)
		case text == "" || strings.HasPrefix(text, "rsync error: some files/attrs were not transferred"):
			// rsync's last word on exit status 23, which follows the messages that explain it.
		default:
			e.other = true
		}
	}
	return len(b), nil
}

// only returns the entries that rsync could not read, when they are all that went wrong in a
// run that ended with res: exit status 23 and no other message. ok is false otherwise.
func (e *readErrors) only(res Result) (found []Unreadable, ok bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if res.Code != 23 || e.other || len(e.found) == 0 {
		return nil, false
	}
	return e.found, true
}

// skippedDeletions is what rsync prints on stdout instead of deleting, after a read error.
const skippedDeletions = "IO error encountered -- skipping file deletion"

// dropDeletions takes the planned deletions out of a plan whose dry run could not read some
// entries: rsync then stops deleting, so that what it shows as deleted is only a part, and what
// it would have deleted below an entry it could not read is unknown. What a type change
// destroys stays: the copy run removes it with --force whatever rsync could read.
func (p *Plan) dropDeletions() {
	replaced := map[string]bool{}
	for _, it := range p.Items {
		if it.Class == Replaced {
			replaced[it.Name] = true
		}
	}
	p.Items = slices.DeleteFunc(p.Items, func(it Item) bool { return it.Class == Deleted && !under(it.Name, replaced) })
	p.Warnings = slices.DeleteFunc(p.Warnings, func(w string) bool { return w == skippedDeletions })
	p.DeletionsSkipped = true
}

// dropUnreadable takes the entries that rsync could not read out of the plan. rsync plans a
// directory it could not read as an empty one, with its attributes: copied, it would show an
// empty directory, or make the destination's copy as unreadable as the source.
func (p *Plan) dropUnreadable() {
	if len(p.Unreadable) == 0 {
		return
	}
	skip := make(map[string]bool, len(p.Unreadable))
	for _, u := range p.Unreadable {
		skip[u.Name] = true
	}
	p.Items = slices.DeleteFunc(p.Items, func(it Item) bool { return skip[it.Name] })
}

// unreadableIn reports whether the plan could not read top or an entry below it.
func (p *Plan) unreadableIn(top string) bool {
	for _, u := range p.Unreadable {
		if u.Name == top || strings.HasPrefix(u.Name, top+"/") {
			return true
		}
	}
	return false
}
