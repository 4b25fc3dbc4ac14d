package run

import (
	"slices"

	"micsync/internal/jsonout"
	"micsync/internal/ui"
	"micsync/locations"
	"micsync/rsyncplan"
)

// JSON is on with --json: the command writes its one document (docs/JSON.md) with Document,
// instead of the text that Out would show.
func (e *Env) JSON() bool { return e.Doc != nil }

// Document writes doc, which embeds a jsonout.Header, as the run's one document on Env.Doc;
// nothing when JSON is off. A command calls it once, where its text output ends, so that a run
// that stops before (a mistake, a question without an answer, Ctrl-C while planning) leaves
// stdout empty and says why on stderr.
func (e *Env) Document(doc any) error {
	if e.Doc == nil {
		return nil
	}
	if err := jsonout.Write(e.Doc, doc); err != nil {
		return ui.Failure(err)
	}
	return nil
}

// runDoc is the document of an action (schema "run" in docs/JSON.md).
type runDoc struct {
	jsonout.Header
	DryRun        bool             `json:"dry_run"`
	Configuration string           `json:"configuration"`
	Stamp         string           `json:"stamp,omitempty"` // trash restore: the trash run
	Source        placeDoc         `json:"source"`
	Unreachable   []unreachable    `json:"unreachable"`
	Destinations  []destinationDoc `json:"destinations"`
}

// placeDoc is a location and the directory of it that a run syncs.
type placeDoc struct {
	locationDoc
	Dir jsonout.Name `json:"dir"`
}

// locationDoc names a location in every document: its role and its root.
type locationDoc struct {
	Role string       `json:"role"`
	Root jsonout.Name `json:"root"`
}

func locationOf(l locations.Location) locationDoc {
	return locationDoc{Role: l.Role.String(), Root: jsonout.Name(l.Path)}
}

// unreachable is a location that the run skipped because it could not be used.
type unreachable struct {
	locationDoc
	Why string `json:"why"`
}

type destinationDoc struct {
	placeDoc
	SourceDir jsonout.Name   `json:"source_dir"`
	Names     []jsonout.Name `json:"names"`
	Result    string         `json:"result"`
	Error     *string        `json:"error"`
	Hints     []string       `json:"hints"`
	Plan      *planDoc       `json:"plan"`
	Approved  *approvedDoc   `json:"approved"`
	Done      *doneDoc       `json:"done"`
	Flushed   bool           `json:"flushed"`
	TrashRun  *string        `json:"trash_run"`
}

type planDoc struct {
	Totals     map[string]totalDoc `json:"totals"`
	Bytes      int64               `json:"bytes"`
	Entries    []entryDoc          `json:"entries"`
	Missing    []jsonout.Name      `json:"missing"`
	Unreadable []reasonDoc         `json:"unreadable"`
	Refused    []reasonDoc         `json:"refused"`
	Kept       []reasonDoc         `json:"kept"`
	Newer      []jsonout.Name      `json:"newer"`
	Warnings   []string            `json:"warnings"`
	// DeletionsSkipped: rsync plans no deletion once it could not read all of the source.
	DeletionsSkipped bool `json:"deletions_skipped"`
	// OnlyInDst is what only the destination holds below the synced paths, for a plan that
	// tells it and never deletes it (a backup's); nil for the others, and when it could not be
	// found (OnlyInDstUnknown).
	OnlyInDst        *onlyInDstDoc `json:"only_in_destination"`
	OnlyInDstUnknown bool          `json:"only_in_destination_unknown"`
}

// onlyInDstDoc lists what only a destination holds. The entries' sizes are not looked up:
// nothing is done to them.
type onlyInDstDoc struct {
	Count   int           `json:"count"`
	Entries []onlyDstItem `json:"entries"`
}

type onlyDstItem struct {
	Name jsonout.Name `json:"name"`
	Dir  bool         `json:"dir"`
}

type totalDoc struct {
	Count int   `json:"count"`
	Bytes int64 `json:"bytes"`
}

type entryDoc struct {
	Name  jsonout.Name `json:"name"`
	Class string       `json:"class"`
	Size  int64        `json:"size"`
	Dir   bool         `json:"dir"`
}

type reasonDoc struct {
	Name   jsonout.Name `json:"name"`
	Reason string       `json:"reason"`
}

type approvedDoc struct {
	Overwrite bool           `json:"overwrite"`
	Delete    bool           `json:"delete"`
	LeftOut   []jsonout.Name `json:"left_out"`
}

type doneDoc struct {
	Files      int            `json:"files"`
	Bytes      int64          `json:"bytes"`
	Dirs       int            `json:"dirs"`
	Links      int            `json:"links"`
	Deleted    int            `json:"deleted"`
	Unreadable []reasonDoc    `json:"unreadable"`
	Changed    []jsonout.Name `json:"changed"`
	Kept       []jsonout.Name `json:"kept"`
	Warnings   []string       `json:"warnings"`
}

// classKeys names the classes of a plan in JSON, in the order a plan shows them.
var classKeys = []struct {
	class rsyncplan.Class
	key   string
}{
	{rsyncplan.Modified, "modified"}, {rsyncplan.Replaced, "replaced"}, {rsyncplan.Deleted, "deleted"},
	{rsyncplan.NewFile, "new_file"}, {rsyncplan.NewLink, "new_link"}, {rsyncplan.NewDir, "new_dir"},
	{rsyncplan.Meta, "attributes"},
}

func classKey(c rsyncplan.Class) string {
	for _, k := range classKeys {
		if k.class == c {
			return k.key
		}
	}
	return c.String()
}

// refusedKeys names why a filesystem cannot hold an entry.
var refusedKeys = map[rsyncplan.Reason]string{
	rsyncplan.SameFolded: "same_name_ignoring_case", rsyncplan.BadChars: "bad_characters",
	rsyncplan.NoSymlink: "no_symlinks", rsyncplan.OutOfTime: "time_out_of_range", rsyncplan.TooBig: "too_big",
}

// runDocument is the document of an action's run: every destination with its plan, and for a
// run that was not a dry run what was approved and done.
func (e *Env) runDocument(act Action, config string, src locations.Location, dests []*dest, o Options) runDoc {
	doc := runDoc{Header: jsonout.NewHeader(act.Name), DryRun: o.DryRun, Configuration: config,
		Source:      placeDoc{locationDoc: locationOf(src)},
		Unreachable: []unreachable{}, Destinations: []destinationDoc{}}
	if len(dests) > 0 {
		doc.Source.Dir = jsonout.Name(dests[0].job.SrcDir)
	}
	doc.Unreachable = append(doc.Unreachable, e.skipped...)
	for _, d := range dests {
		doc.Destinations = append(doc.Destinations, destinationDocument(d, o))
	}
	return doc
}

func destinationDocument(d *dest, o Options) destinationDoc {
	dd := destinationDoc{
		placeDoc:  placeDoc{locationDoc: locationOf(d.loc), Dir: jsonout.Name(d.job.DstDir)},
		SourceDir: jsonout.Name(d.job.SrcDir), Names: jsonout.Names(d.job.Names), Hints: []string{},
		Flushed: d.flushed,
	}
	if dd.Names == nil {
		dd.Names = []jsonout.Name{}
	}
	out := d.outcome()
	switch {
	case !o.DryRun:
		dd.Result = string(out.Result())
	case d.err != nil:
		dd.Result = string(ui.ResultFailed)
	default:
		dd.Result = "planned"
	}
	if d.err != nil {
		msg := ui.OneLine(d.err.Error())
		dd.Error = &msg
		dd.Hints = append(dd.Hints, ui.Hints(d.err)...)
	}
	if d.plan != nil {
		dd.Plan = planDocument(d)
	}
	if o.DryRun || d.plan == nil {
		return dd
	}
	left := []jsonout.Name{}
	for n := range d.approval.Skip {
		left = append(left, jsonout.Name(n))
	}
	slices.Sort(left)
	dd.Approved = &approvedDoc{Overwrite: d.approval.Overwrite, Delete: d.approval.Delete, LeftOut: left}
	if d.ran {
		n := d.done
		dd.Done = &doneDoc{Files: n.Files, Bytes: n.Bytes, Dirs: n.Dirs, Links: n.Links, Deleted: n.Deleted,
			Unreadable: unreadableDocs(n.Unreadable), Changed: names(n.Changed), Kept: names(n.Kept), Warnings: strs(n.Warnings)}
	}
	destroys := (d.approval.Overwrite && d.plan.Overwrites() > 0) || (d.approval.Delete && d.plan.Has(rsyncplan.Deleted))
	if d.keep && d.ran && d.stamp != "" && destroys {
		dd.TrashRun = &d.stamp
	}
	return dd
}

func planDocument(d *dest) *planDoc {
	p := d.plan
	pd := &planDoc{Totals: map[string]totalDoc{}, Bytes: p.Bytes(rsyncplan.Approval{Overwrite: true}),
		Entries: []entryDoc{}, Missing: names(p.Missing), Unreadable: unreadableDocs(p.Unreadable),
		Refused: refusedDocs(p.Refused), Kept: refusedDocs(p.Kept), Newer: []jsonout.Name{}, Warnings: strs(p.Warnings),
		DeletionsSkipped: p.DeletionsSkipped}
	for _, k := range classKeys {
		t := p.Totals[k.class]
		pd.Totals[k.key] = totalDoc{Count: t.Count, Bytes: t.Bytes}
	}
	for _, it := range sortedItems(p) {
		pd.Entries = append(pd.Entries, entryDoc{Name: jsonout.Name(it.Name), Class: classKey(it.Class), Size: it.Size, Dir: it.Dir})
	}
	for _, n := range d.newer {
		pd.Newer = append(pd.Newer, jsonout.Name(n.Name))
	}
	pd.OnlyInDstUnknown = p.OnlyInDstUnknown
	if p.Job.OnlyInDst && !p.Job.Delete && !p.OnlyInDstUnknown {
		only := &onlyInDstDoc{Count: len(p.OnlyInDst), Entries: []onlyDstItem{}}
		items := slices.Clone(p.OnlyInDst)
		slices.SortStableFunc(items, func(a, b rsyncplan.Item) int { return ui.ComparePaths(a.Name, b.Name) })
		for _, it := range items {
			only.Entries = append(only.Entries, onlyDstItem{Name: jsonout.Name(it.Name), Dir: it.Dir})
		}
		pd.OnlyInDst = only
	}
	return pd
}

func names(ns []string) []jsonout.Name {
	if ns == nil {
		return []jsonout.Name{}
	}
	return jsonout.Names(ns)
}

func strs(s []string) []string {
	out := []string{}
	for _, l := range s {
		out = append(out, ui.OneLine(l))
	}
	return out
}

func unreadableDocs(us []rsyncplan.Unreadable) []reasonDoc {
	out := []reasonDoc{}
	for _, u := range us {
		out = append(out, reasonDoc{Name: jsonout.Name(u.Name), Reason: ui.OneLine(u.Reason)})
	}
	return out
}

func refusedDocs(rs []rsyncplan.Refused) []reasonDoc {
	out := []reasonDoc{}
	for _, r := range rs {
		out = append(out, reasonDoc{Name: jsonout.Name(r.Name), Reason: refusedKeys[r.Reason]})
	}
	return out
}
