package tests

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/jsonout"
)

// statusDoc is what the tests read of micsync status --json.
type statusDoc struct {
	Command        string        `json:"command"`
	Time           string        `json:"time"`
	Path           *jsonout.Name `json:"path"`
	CutShort       bool          `json:"cut_short"`
	Configurations []struct {
		Name      string `json:"name"`
		Locations []struct {
			Role      string       `json:"role"`
			Root      jsonout.Name `json:"root"`
			Reachable bool         `json:"reachable"`
			Why       *string      `json:"why"`
			LastSeen  *string      `json:"last_seen"`
		} `json:"locations"`
		Folders []struct {
			Path   jsonout.Name `json:"path"`
			Copies []struct {
				Root    jsonout.Name `json:"root"`
				Last    *string      `json:"last"`
				LastRun *string      `json:"last_run"`
				Failed  *struct {
					ID       string  `json:"id"`
					Time     string  `json:"time"`
					Result   string  `json:"result"`
					Error    *string `json:"error"`
					Declined struct {
						Overwrite int `json:"overwrite"`
					} `json:"declined"`
				} `json:"failed"`
				Changed  *int    `json:"changed"`
				CutShort bool    `json:"cut_short"`
				Note     *string `json:"note"`
			} `json:"copies"`
		} `json:"folders"`
		NoDisc  []jsonout.Name `json:"no_disc"`
		OneDisc []jsonout.Name `json:"one_disc"`
	} `json:"configurations"`
}

// recentIn checks that s is an RFC 3339 time of the last minute, written with the offset
// that zone has.
func recentIn(t *testing.T, zone *time.Location, s *string) {
	t.Helper()
	require.NotNil(t, s, "a time, not null")
	at, err := time.Parse(time.RFC3339, *s)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), at, time.Minute, *s)
	_, want := at.In(zone).Zone()
	_, got := at.Zone()
	assert.Equal(t, want, got, "%s has the offset of the zone status runs in", *s)
}

// newIn lists the files below dir in WORKING that are not below the same dir in a BACKUP.
func newIn(t *testing.T, work, backup string) int {
	t.Helper()
	n := 0
	require.NoError(t, filepath.Walk(work, func(p string, fi os.FileInfo, err error) error {
		require.NoError(t, err)
		rel, _ := filepath.Rel(work, p)
		if !exists(filepath.Join(backup, rel)) {
			n++
		}
		return nil
	}))
	return n
}

func TestJSONOfStatus(t *testing.T) {
	d := readDocs(t)
	e := docs(t)
	latin1 := "caf\xe9" // a folder named in Latin-1
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	e.mkfile(t, "Documents/"+latin1+"/menu.txt", "soup")
	// The runs are recorded on a machine in Berlin; status looks from New York.
	e.Env = []string{"TZ=Europe/Berlin"}
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)
	require.Equal(t, 0, e.run(t, "--backup", "--to", e.path("disk1/Documents"), e.path("Documents", latin1)).Code)
	e.mkfile(t, "Documents/taxes/2025.txt", "more")
	e.mkfile(t, "Documents/taxes/2026/q1.txt", "even more")
	e.unplug(t, "disk2")
	e.Env = []string{"TZ=America/New_York"}
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	before := filesBelow(t, e.Home)

	var doc statusDoc
	r := d.jsonRun(t, e, "status", &doc, "status", "--json")
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stderr)
	assert.Equal(t, before, filesBelow(t, e.Home), "status --json writes nothing")
	assert.Equal(t, "status", doc.Command)
	recentIn(t, ny, &doc.Time)
	assert.Nil(t, doc.Path)
	assert.False(t, doc.CutShort)
	require.Len(t, doc.Configurations, 1)
	c := doc.Configurations[0]
	assert.Equal(t, "documents", c.Name)
	d1, d2 := e.path("disk1/Documents"), e.path("disk2/Documents")

	require.Len(t, c.Locations, 3)
	for i, want := range []struct {
		role, root string
		reachable  bool
	}{{"WORKING", e.path("Documents"), true}, {"BACKUP", d1, true}, {"BACKUP", d2, false}} {
		l := c.Locations[i]
		assert.Equal(t, want.role, l.Role)
		assert.Equal(t, want.root, string(l.Root))
		assert.Equal(t, want.reachable, l.Reachable, want.root)
		assert.Equal(t, !want.reachable, l.Why != nil, "why only when not reachable: %v", l.Why)
		recentIn(t, ny, l.LastSeen)
	}
	assert.Equal(t, "does not exist (disc not mounted?)", *c.Locations[2].Why)

	recs := e.localRecords(t)
	require.Len(t, recs, 3) // taxes to two discs, then the Latin-1 folder to disk1
	require.Len(t, c.Folders, 2)
	byPath := map[string]int{}
	for i, f := range c.Folders {
		byPath[string(f.Path)] = i
		require.Len(t, f.Copies, 2, "one for each BACKUP")
		assert.Equal(t, d1, string(f.Copies[0].Root))
		assert.Equal(t, d2, string(f.Copies[1].Root))
	}
	require.Contains(t, byPath, "taxes")
	require.Contains(t, byPath, latin1, "the Latin-1 name survives the trip")
	assert.Regexp(t, `"path": \{\s*"base64": "Y2Fm6Q=="\s*\}`, r.Stdout, "in the documented form")

	taxes := c.Folders[byPath["taxes"]].Copies
	for i, cp := range taxes {
		recentIn(t, ny, cp.Last)
		require.NotNil(t, cp.LastRun)
		assert.Equal(t, recs[i].ID, *cp.LastRun)
		assert.Nil(t, cp.Failed)
	}
	want := newIn(t, e.path("Documents/taxes"), e.path("disk1/Documents/taxes"))
	require.Equal(t, 3, want, "2025.txt, 2026 and 2026/q1.txt")
	require.NotNil(t, taxes[0].Changed, "disk1 is reachable: counted")
	assert.Equal(t, want, *taxes[0].Changed, "what is new in WORKING since the copy")
	assert.False(t, taxes[0].CutShort)
	assert.Nil(t, taxes[1].Changed, "disk2 is in a drawer: not counted")

	cafe := c.Folders[byPath[latin1]].Copies
	require.NotNil(t, cafe[0].Changed)
	assert.Equal(t, 0, *cafe[0].Changed)
	assert.Equal(t, recs[2].ID, *cafe[0].LastRun)
	assert.Nil(t, cafe[1].Last, "disk2 never got it")
	assert.Nil(t, cafe[1].LastRun)
	assert.Equal(t, []jsonout.Name{jsonout.Name(latin1)}, c.OneDisc)
	assert.Empty(t, c.NoDisc)
	assert.NotNil(t, c.NoDisc, "an empty list, not null")

	// No config file: the error on stderr, nothing on stdout.
	require.NoError(t, os.Remove(e.path(".micsync.json")))
	r = e.run(t, "status", "--json")
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout)
	assert.Contains(t, r.Stderr, "micsync: error: ")
}

func TestJSONOfStatusShowsAFailedRun(t *testing.T) {
	d := readDocs(t)
	e := docsOneBackup(t)
	e.mkfile(t, "Documents/notes.txt", "first")
	setMtime(t, e.path("Documents/notes.txt"), past)
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/notes.txt")).Code)
	e.mkfile(t, "Documents/notes.txt", "second")
	require.Equal(t, 2, e.run(t, "--backup", e.path("Documents/notes.txt")).Code) // no terminal to ask
	recs := e.localRecords(t)
	require.Len(t, recs, 2)

	var doc statusDoc
	r := d.jsonRun(t, e, "status", &doc, "status", "--json", "Documents/notes.txt")
	require.Equal(t, 0, r.Code, r)
	require.NotNil(t, doc.Path)
	assert.Equal(t, "Documents/notes.txt", string(*doc.Path), "as given")
	require.Len(t, doc.Configurations, 1)
	c := doc.Configurations[0]
	require.Len(t, c.Folders, 1)
	assert.Equal(t, "notes.txt", string(c.Folders[0].Path))
	cp := c.Folders[0].Copies[0]
	require.NotNil(t, cp.LastRun)
	assert.Equal(t, recs[0].ID, *cp.LastRun, "the last complete copy is the first run's")
	require.NotNil(t, cp.Failed)
	assert.Equal(t, recs[1].ID, cp.Failed.ID)
	assert.Equal(t, "failed", cp.Failed.Result)
	require.NotNil(t, cp.Failed.Error)
	assert.Equal(t, "there are modified files to overwrite and there is no terminal to ask on", *cp.Failed.Error)
	require.NotNil(t, cp.Changed)
	assert.Equal(t, 1, *cp.Changed, "notes.txt is modified since")
	assert.Equal(t, "first", readFile(t, e.path("disk1/Documents/notes.txt")))
	assert.Equal(t, []jsonout.Name{"notes.txt"}, c.OneDisc, "disk2 never got it")
	other := c.Folders[0].Copies[1]
	assert.Nil(t, other.Last)
	assert.Nil(t, other.Failed)
	assert.Nil(t, other.Changed)

	// The failed run's record whole.
	var failed logDoc
	r = d.jsonRun(t, e, "log", &failed, "log", "--json", recs[1].ID)
	require.Equal(t, 0, r.Code, r)
	require.Len(t, failed.Records, 1, "disk2 was not there")
	f := failed.Records[0]
	assert.Equal(t, "failed", f.Result)
	require.NotNil(t, f.Error)
	assert.Equal(t, *cp.Failed.Error, *f.Error)
	assert.Equal(t, 1, f.Planned.Modified.Count)
	assert.Equal(t, int64(len("second")), f.Planned.Modified.Bytes)
	assert.Zero(t, f.Done.Files, "nothing was copied")
	assert.Equal(t, []jsonout.Name{"notes.txt"}, f.Paths)
}

// brokenFails checks that each broken form of the documented example i of schema name fails
// the schema: the schema says something.
func (d documented) brokenFails(t *testing.T, name string, i int, broken map[string][2]string) {
	t.Helper()
	require.Contains(t, d.schemas, name, "docs/JSON.md documents schema %s", name)
	require.Greater(t, len(d.examples[name]), i)
	ex := d.examples[name][i]
	for why, r := range broken {
		b := strings.Replace(ex, r[0], r[1], 1)
		require.NotEqual(t, ex, b, why)
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(b))
		require.NoError(t, err, why)
		assert.Error(t, d.schemas[name].Validate(v), why)
	}
}

func TestJSONStatusSchemaIsStrict(t *testing.T) {
	d := readDocs(t)
	d.brokenFails(t, "status", 0, map[string][2]string{
		"a count is not negative":      {`"changed": 2`, `"changed": -2`},
		"times are RFC 3339":           {`"last": "2026-12-01T21:05:44+01:00"`, `"last": "last Tuesday"`},
		"no why when reachable":        {`"reachable": true, "why": null`, `"reachable": true, "why": "odd"`},
		"a why when not reachable":     {`"why": "does not exist (disc not mounted?)"`, `"why": null`},
		"no run without a copy":        {`"last": null, "last_run": null`, `"last": null, "last_run": "20261121T193212Z-0b1c"`},
		"no count without a copy":      {`"changed": null, "cut_short": false, "note": null}` + "\n          ]\n        },\n        {\n          \"path\": \"taxes\"", `"changed": 1, "cut_short": false, "note": null}` + "\n          ]\n        },\n        {\n          \"path\": \"taxes\""},
		"a failed run has its result":  {`"result": "failed"`, `"result": "broken"`},
		"the command is status":        {`"command": "status"`, `"command": "log"`},
		"the cut_short flag is needed": {`  "cut_short": false` + "\n}", "  \"x\": false\n}"},
	})
}

// logDoc is what the tests read of micsync log --json.
type logDoc struct {
	Command string        `json:"command"`
	Since   *string       `json:"since"`
	Path    *jsonout.Name `json:"path"`
	Run     *string       `json:"run"`
	Records []logRecord   `json:"records"`
}

type logRecord struct {
	ID            string         `json:"id"`
	Time          string         `json:"time"`
	End           string         `json:"end"`
	Version       string         `json:"version"`
	Configuration string         `json:"configuration"`
	Action        string         `json:"action"`
	Paths         []jsonout.Name `json:"paths"`
	PathsLeftOut  int            `json:"paths_left_out"`
	Source        logPlace       `json:"source"`
	Destination   logPlace       `json:"destination"`
	Planned       struct {
		New, Modified, Deleted struct {
			Count int   `json:"count"`
			Bytes int64 `json:"bytes"`
		}
	} `json:"planned"`
	Done struct {
		Files   int   `json:"files"`
		Bytes   int64 `json:"bytes"`
		Dirs    int   `json:"dirs"`
		Links   int   `json:"links"`
		Deleted int   `json:"deleted"`
	} `json:"done"`
	Result   string  `json:"result"`
	Error    *string `json:"error"`
	Declined struct {
		Overwrite int `json:"overwrite"`
		Delete    int `json:"delete"`
	} `json:"declined"`
}

type logPlace struct {
	Role   string       `json:"role"`
	Root   jsonout.Name `json:"root"`
	Marker *string      `json:"marker"`
}

func TestJSONOfLog(t *testing.T) {
	d := readDocs(t)
	e := docs(t)
	require.Equal(t, 0, e.run(t, "mark", e.path("disk1/Documents")).Code)
	e.mkfile(t, "Documents/taxes/2024.txt", "income")
	e.mkfile(t, "Documents/taxes/2025.txt", "more income")
	e.mkfile(t, "Documents/photos/cat.jpg", "cat")
	e.Env = []string{"TZ=Europe/Berlin"}
	require.Equal(t, 0, e.run(t, "--backup", e.path("Documents/taxes")).Code)
	require.Equal(t, 0, e.run(t, "--backup", "--to", e.path("disk1/Documents"), e.path("Documents/photos")).Code)
	e.Env = []string{"TZ=America/New_York"}
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	recs := e.localRecords(t) // oldest first
	require.Len(t, recs, 3)
	marker := recs[0].Destination.Marker
	require.NotEmpty(t, marker, "disk1 is marked")
	d1, d2 := e.path("disk1/Documents"), e.path("disk2/Documents")

	var all logDoc
	r := d.jsonRun(t, e, "log", &all, "log", "--json")
	require.Equal(t, 0, r.Code, r)
	assert.Empty(t, r.Stderr)
	assert.Equal(t, "log", all.Command)
	assert.Nil(t, all.Since)
	assert.Nil(t, all.Path)
	assert.Nil(t, all.Run)
	require.Len(t, all.Records, 3, "one record for each destination of each run")
	assert.Equal(t, recs[2].ID, all.Records[0].ID, "newest first")
	for i, want := range []struct {
		rec    int
		root   string
		path   string
		marker bool
	}{{2, d1, "photos", true}, {0, d1, "taxes", true}, {1, d2, "taxes", false}} {
		rec := recs[want.rec]
		at := slices.IndexFunc(all.Records, func(r logRecord) bool { return r.ID == rec.ID && string(r.Destination.Root) == want.root })
		require.GreaterOrEqual(t, at, 0, "record %d", i)
		got := all.Records[at]
		recentIn(t, ny, &got.Time)
		recentIn(t, ny, &got.End)
		assert.Equal(t, "e2e-test", got.Version)
		assert.Equal(t, "documents", got.Configuration)
		assert.Equal(t, "backup", got.Action)
		assert.Equal(t, []jsonout.Name{jsonout.Name(want.path)}, got.Paths)
		assert.Zero(t, got.PathsLeftOut)
		assert.Equal(t, logPlace{Role: "WORKING", Root: jsonout.Name(e.path("Documents"))}, got.Source)
		assert.Equal(t, "BACKUP", got.Destination.Role)
		assert.Equal(t, want.root, string(got.Destination.Root))
		if want.marker {
			require.NotNil(t, got.Destination.Marker)
			assert.Equal(t, marker, *got.Destination.Marker)
		} else {
			assert.Nil(t, got.Destination.Marker, "disk2 has no marker")
		}
		// What the record counts is what is on the disc now.
		files, bytes, dirs := 0, int64(0), 0
		require.NoError(t, filepath.Walk(filepath.Join(want.root, want.path), func(p string, fi os.FileInfo, err error) error {
			require.NoError(t, err)
			if fi.IsDir() {
				dirs++
			} else {
				files++
				bytes += fi.Size()
			}
			return nil
		}))
		assert.Equal(t, files+dirs, got.Planned.New.Count, "%s %s", want.root, want.path)
		assert.Equal(t, bytes, got.Planned.New.Bytes)
		assert.Zero(t, got.Planned.Modified.Count)
		assert.Zero(t, got.Planned.Deleted.Count)
		assert.Equal(t, files, got.Done.Files)
		assert.Equal(t, bytes, got.Done.Bytes)
		assert.Equal(t, dirs, got.Done.Dirs)
		assert.Equal(t, "ok", got.Result)
		assert.Nil(t, got.Error)
		assert.Zero(t, got.Declined.Overwrite)
	}

	// Only the runs that synced a path; the path as given.
	var photos logDoc
	r = d.jsonRun(t, e, "log", &photos, "log", "--json", "--since", "1h", "Documents/photos/cat.jpg")
	require.Equal(t, 0, r.Code, r)
	require.NotNil(t, photos.Path)
	assert.Equal(t, "Documents/photos/cat.jpg", string(*photos.Path))
	require.NotNil(t, photos.Since)
	assert.Equal(t, "1h", *photos.Since)
	require.Len(t, photos.Records, 1)
	assert.Equal(t, recs[2].ID, photos.Records[0].ID)

	// One run whole: its records at both discs.
	var one logDoc
	r = d.jsonRun(t, e, "log", &one, "log", "--json", recs[0].ID)
	require.Equal(t, 0, r.Code, r)
	require.NotNil(t, one.Run)
	assert.Equal(t, recs[0].ID, *one.Run)
	assert.Nil(t, one.Path)
	require.Len(t, one.Records, 2)
	roots := []string{}
	for _, rec := range one.Records {
		assert.Equal(t, recs[0].ID, rec.ID)
		roots = append(roots, string(rec.Destination.Root))
	}
	assert.ElementsMatch(t, []string{d1, d2}, roots)

	// A run that is not recorded: the error on stderr, nothing on stdout.
	r = e.run(t, "log", "--json", "20010101T000000Z-abcd")
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout)
	assert.Equal(t, "micsync: error: no run 20010101T000000Z-abcd is recorded\nmicsync: hint: micsync log lists the recorded runs\n", r.Stderr)

	// Nothing recorded: an empty list, not null.
	var none logDoc
	r = d.jsonRun(t, newEnv(t), "log", &none, "log", "--json")
	require.Equal(t, 0, r.Code, r)
	assert.NotNil(t, none.Records)
	assert.Empty(t, none.Records)
	assert.Contains(t, r.Stdout, `"records": []`)
}

func TestJSONLogSchemaIsStrict(t *testing.T) {
	d := readDocs(t)
	d.brokenFails(t, "log", 0, map[string][2]string{
		"ids have their form":     {`"id": "20261201T200544Z-3f9a"`, `"id": "yesterday"`},
		"the result is known":     {`"result": "failed"`, `"result": "partly"`},
		"bytes are not negative":  {`"bytes": 25600`, `"bytes": -1`},
		"the marker is there":     {`"marker": null}`, `"mark": null}`},
		"times are RFC 3339":      {`"end": "2026-12-01T21:06:10+01:00"`, `"end": "21:06"`},
		"a path is a name":        {`"path": "/home/me/Documents/taxes"`, `"path": 7`},
		"planned has its classes": {`"deleted": {"count": 0, "bytes": 0}}`, `"removed": {"count": 0, "bytes": 0}}`},
	})
	d.brokenFails(t, "log", 1, map[string][2]string{
		"a run's document has its records": {`"records": [` + "\n    {", `"records": [], "x": [` + "\n    {"},
	})
}
