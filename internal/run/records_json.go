package run

import (
	"time"

	"micsync/internal/jsonout"
	"micsync/internal/record"
)

// statusDoc is the document of micsync status (schema "status" in docs/JSON.md).
type statusDoc struct {
	jsonout.Header
	Time           jsonout.Time      `json:"time"` // when status looked: the ages are from here
	Path           *jsonout.Name     `json:"path"` // the path asked about; null: every configuration
	Configurations []configStatusDoc `json:"configurations"`
	CutShort       bool              `json:"cut_short"`
}

type configStatusDoc struct {
	Name      string              `json:"name"`
	Locations []locationStatusDoc `json:"locations"`
	Folders   []folderStatusDoc   `json:"folders"`
	NoDisc    []jsonout.Name      `json:"no_disc"`
	OneDisc   []jsonout.Name      `json:"one_disc"`
}

type locationStatusDoc struct {
	Role      string       `json:"role"`
	Root      jsonout.Name `json:"root"`
	Reachable bool         `json:"reachable"`
	Why       *string      `json:"why"`
	LastSeen  jsonout.Time `json:"last_seen"`
}

type folderStatusDoc struct {
	Path   jsonout.Name    `json:"path"`
	Copies []copyStatusDoc `json:"copies"`
}

type copyStatusDoc struct {
	Root     jsonout.Name `json:"root"`
	Last     jsonout.Time `json:"last"`
	LastRun  *string      `json:"last_run"`
	Failed   *failedDoc   `json:"failed"`
	Changed  *int         `json:"changed"`
	CutShort bool         `json:"cut_short"`
	Note     *string      `json:"note"`
}

// failedDoc is the last run at a BACKUP that did not leave a complete copy of a folder: enough
// to say what went wrong, and the id that micsync log shows whole.
type failedDoc struct {
	ID       string       `json:"id"`
	Time     jsonout.Time `json:"time"`
	Result   string       `json:"result"`
	Error    *string      `json:"error"`
	Declined declinedDoc  `json:"declined"`
}

type declinedDoc struct {
	Overwrite int `json:"overwrite"`
	Delete    int `json:"delete"`
}

// statusDocument turns what status gathered, at now, about p ("" every configuration) into its
// document.
func statusDocument(now time.Time, p string, data StatusData) statusDoc {
	doc := statusDoc{Header: jsonout.NewHeader("status"), Time: jsonout.Time(now.Local()),
		Configurations: []configStatusDoc{}, CutShort: data.CutShort}
	if p != "" {
		n := jsonout.Name(p)
		doc.Path = &n
	}
	for _, c := range data.Configs {
		cd := configStatusDoc{Name: c.Name, Locations: []locationStatusDoc{}, Folders: []folderStatusDoc{},
			NoDisc: nonNil(c.NoDisc), OneDisc: nonNil(c.OneDisc)}
		for _, l := range c.Locations {
			cd.Locations = append(cd.Locations, locationStatusDoc{Role: l.Role, Root: l.Root, Reachable: l.Reachable,
				Why: optional(l.Why), LastSeen: local(l.LastSeen)})
		}
		for _, f := range c.Folders {
			fd := folderStatusDoc{Path: f.Path, Copies: []copyStatusDoc{}}
			for _, cp := range f.Copies {
				cpd := copyStatusDoc{Root: cp.Root, Last: local(cp.Last), LastRun: optional(cp.LastRun),
					Changed: cp.Changed, CutShort: cp.Note == notCounted, Note: optional(cp.Note)}
				if r := cp.Failed; r != nil {
					cpd.Failed = &failedDoc{ID: r.ID, Time: local(r.Time), Result: string(r.Result), Error: optional(r.Error),
						Declined: declinedDoc{Overwrite: r.Declined.Overwrite, Delete: r.Declined.Delete}}
				}
				fd.Copies = append(fd.Copies, cpd)
			}
			cd.Folders = append(cd.Folders, fd)
		}
		doc.Configurations = append(doc.Configurations, cd)
	}
	return doc
}

// local is t in this machine's zone, as the documents show times: a record keeps the offset
// of the machine that wrote it.
func local(t jsonout.Time) jsonout.Time {
	if time.Time(t).IsZero() {
		return t
	}
	return jsonout.Time(time.Time(t).Local())
}

// optional is s, or nil (null) for "".
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(ns []jsonout.Name) []jsonout.Name {
	if ns == nil {
		return []jsonout.Name{}
	}
	return ns
}

// logDoc is the document of micsync log (schema "log" in docs/JSON.md): the records asked for,
// newest first, one for each destination of a run.
type logDoc struct {
	jsonout.Header
	Since   *string       `json:"since"` // --since as given; null: every run
	Path    *jsonout.Name `json:"path"`  // the PATH asked about, as given; null: none
	Run     *string       `json:"run"`   // the RUN asked for, as given; null: a list of runs
	Records []recordDoc   `json:"records"`
}

// recordDoc is a record as the documents show it: the form of the file of records, with every
// field there (null when it has no value) and times in this machine's zone.
type recordDoc struct {
	ID            string         `json:"id"`
	Time          jsonout.Time   `json:"time"`
	End           jsonout.Time   `json:"end"`
	Version       string         `json:"version"`
	Configuration string         `json:"configuration"`
	Action        string         `json:"action"`
	Paths         []jsonout.Name `json:"paths"`
	PathsLeftOut  int            `json:"paths_left_out"`
	Source        recordPlaceDoc `json:"source"`
	Destination   recordPlaceDoc `json:"destination"`
	Planned       record.Counts  `json:"planned"`
	Done          record.Done    `json:"done"`
	Result        string         `json:"result"`
	Error         *string        `json:"error"`
	Declined      declinedDoc    `json:"declined"`
	// Verified is there for a verify's records only (docs/JSON.md, verify).
	Verified *record.Verified `json:"verified,omitempty"`
}

type recordPlaceDoc struct {
	Role   string       `json:"role"`
	Root   jsonout.Name `json:"root"`
	Marker *string      `json:"marker"`
}

// logDocument turns what log gathered for req into its document.
func logDocument(req LogRequest, data LogData) logDoc {
	doc := logDoc{Header: jsonout.NewHeader("log"), Since: optional(req.Since), Records: []recordDoc{}}
	switch {
	case data.Run != "":
		doc.Run = optional(data.Run)
	case req.Which != "":
		n := jsonout.Name(req.Which)
		doc.Path = &n
	}
	for _, r := range data.Records {
		doc.Records = append(doc.Records, recordDocument(r))
	}
	return doc
}

func recordDocument(r record.Record) recordDoc {
	paths := r.Paths
	if paths == nil {
		paths = []jsonout.Name{}
	}
	return recordDoc{ID: r.ID, Time: local(r.Time), End: local(r.End), Version: r.Version, Configuration: r.Configuration,
		Action: r.Action, Paths: paths, PathsLeftOut: r.PathsLeftOut, Source: recordPlace(r.Source),
		Destination: recordPlace(r.Destination), Planned: r.Planned, Done: r.Done, Result: string(r.Result),
		Error: optional(r.Error), Declined: declinedDoc{Overwrite: r.Declined.Overwrite, Delete: r.Declined.Delete},
		Verified: r.Verified}
}

func recordPlace(p record.Place) recordPlaceDoc {
	return recordPlaceDoc{Role: p.Role, Root: p.Root, Marker: optional(p.Marker)}
}
