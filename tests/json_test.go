package tests

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/jsonout"
)

// documented holds the schemas of docs/JSON.md, compiled, and its examples, by schema name.
type documented struct {
	schemas  map[string]*jsonschema.Schema
	examples map[string][]string
}

// block is a fenced JSON block of docs/JSON.md with the tag before it.
var block = regexp.MustCompile("(?s)<!-- (schema|example): ([a-z-]+) -->\n```json\n(.*?)\n```")

// readDocs reads docs/JSON.md: every schema gets the shared definitions of the defs block, so
// that "#/$defs/name" means what the page says it means.
func readDocs(t *testing.T) documented {
	t.Helper()
	page, err := os.ReadFile(filepath.Join("..", "docs", "JSON.md"))
	require.NoError(t, err)
	d := documented{schemas: map[string]*jsonschema.Schema{}, examples: map[string][]string{}}
	raw := map[string]map[string]any{}
	var order []string
	for _, m := range block.FindAllStringSubmatch(string(page), -1) {
		kind, name, text := m[1], m[2], m[3]
		if kind == "example" {
			d.examples[name] = append(d.examples[name], text)
			continue
		}
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
		require.NoError(t, err, "schema %s", name)
		obj, ok := v.(map[string]any)
		require.True(t, ok, "schema %s is an object", name)
		require.NotContains(t, raw, name, "schema %s is documented once", name)
		raw[name] = obj
		order = append(order, name)
	}
	require.Contains(t, raw, "defs")
	shared := raw["defs"]["$defs"].(map[string]any)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	c.AssertContent()
	for _, name := range order {
		if name == "defs" {
			continue
		}
		s := raw[name]
		defs, _ := s["$defs"].(map[string]any)
		if defs == nil {
			defs = map[string]any{}
		}
		for k, v := range shared {
			require.NotContains(t, defs, k, "schema %s defines %s, a name of the shared definitions", name, k)
			defs[k] = v
		}
		s["$defs"] = defs
		require.NoError(t, c.AddResource(name+".json", s))
		d.schemas[name], err = c.Compile(name + ".json")
		require.NoError(t, err, "schema %s", name)
	}
	return d
}

// valid checks that doc, a document as micsync wrote it, is valid against the schema name.
func (d documented) valid(t *testing.T, name, doc string) {
	t.Helper()
	s, ok := d.schemas[name]
	require.True(t, ok, "docs/JSON.md documents schema %s", name)
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(doc))
	require.NoError(t, err, "one JSON document:\n%s", doc)
	assert.NoError(t, s.Validate(v), "against schema %s:\n%s", name, doc)
}

func TestJSONExamplesMatchTheirSchemas(t *testing.T) {
	d := readDocs(t)
	for _, name := range []string{"run", "check", "trash-list", "trash-list-run"} {
		require.Contains(t, d.schemas, name)
	}
	for name := range d.schemas {
		require.NotEmpty(t, d.examples[name], "schema %s has an example", name)
		for _, ex := range d.examples[name] {
			d.valid(t, name, ex)
			var doc map[string]any
			require.NoError(t, json.Unmarshal([]byte(ex), &doc))
			assert.EqualValues(t, jsonout.Version, doc["version"], "the example shows the version")
		}
	}
	for name := range d.examples {
		assert.Contains(t, d.schemas, name, "example of a documented schema")
	}

	// The schemas are strict enough to fail a document that breaks them.
	ex := d.examples["run"][0]
	restore := d.examples["run"][len(d.examples["run"])-1]
	require.Contains(t, restore, `"command": "trash restore"`)
	for _, broken := range []string{
		strings.Replace(ex, `"result": "planned"`, `"result": "maybe"`, 1),
		strings.Replace(ex, `"version": 1`, `"version": 2`, 1),
		strings.Replace(ex, `{"base64": "Y2Fm6S50eHQ="}`, `{"base64": "not base64!"}`, 1),
		strings.Replace(ex, `"size": 512`, `"size": -1`, 1),
		strings.Replace(ex, `"dry_run": true`, `"dry_run": false`, 1), // a planned result is for dry runs
		strings.Replace(ex, `"totals": {`, `"totals": {"new_files": {"count": 1, "bytes": 1}, "x": 1,`, 1),
		strings.Replace(ex, `"only_in_destination_unknown": false`, `"only_in_destination_unknown": true`, 1), // then none are listed
		strings.Replace(ex, `{"name": "letters/2019", "dir": true}`, `{"name": "letters/2019", "size": 0}`, 1),
		strings.Replace(ex, `"dry_run": true,`, `"dry_run": true, "stamp": "20261203T071502Z",`, 1), // a restore's only
		strings.Replace(restore, `"stamp": "20261203T071502Z",`, ``, 1),
	} {
		require.NotEqual(t, ex, broken)
		v, err := jsonschema.UnmarshalJSON(strings.NewReader(broken))
		require.NoError(t, err)
		assert.Error(t, d.schemas["run"].Validate(v), broken)
	}
	v, err := jsonschema.UnmarshalJSON(strings.NewReader(strings.Replace(d.examples["trash-list"][0], `"time": "2026-11-21T20:32:12+01:00"`, `"time": "yesterday"`, 1)))
	require.NoError(t, err)
	assert.Error(t, d.schemas["trash-list"].Validate(v), "times are RFC 3339")
}

// runDoc is what the tests read of an action's document.
type runDoc struct {
	Command     string `json:"command"`
	DryRun      bool   `json:"dry_run"`
	Unreachable []struct {
		Root jsonout.Name `json:"root"`
	} `json:"unreachable"`
	Destinations []struct {
		Root   jsonout.Name `json:"root"`
		Result string       `json:"result"`
		Error  *string      `json:"error"`
		Plan   *struct {
			Entries []struct {
				Name  jsonout.Name `json:"name"`
				Class string       `json:"class"`
				Size  int64        `json:"size"`
			} `json:"entries"`
			OnlyInDst *struct {
				Count   int `json:"count"`
				Entries []struct {
					Name jsonout.Name `json:"name"`
					Dir  bool         `json:"dir"`
				} `json:"entries"`
			} `json:"only_in_destination"`
			OnlyInDstUnknown bool `json:"only_in_destination_unknown"`
		} `json:"plan"`
		Done *struct {
			Files   int `json:"files"`
			Dirs    int `json:"dirs"`
			Deleted int `json:"deleted"`
		} `json:"done"`
		TrashRun *string `json:"trash_run"`
	} `json:"destinations"`
}

// entries returns the plan of a document's only destination as name: class.
func (r runDoc) entries(t *testing.T) map[string]string {
	t.Helper()
	require.Len(t, r.Destinations, 1)
	return r.entries1(t, 0)
}

// entries1 returns the plan of a document's destination i as name: class.
func (r runDoc) entries1(t *testing.T, i int) map[string]string {
	t.Helper()
	require.NotNil(t, r.Destinations[i].Plan)
	m := map[string]string{}
	for _, e := range r.Destinations[i].Plan.Entries {
		m[string(e.Name)] = e.Class
	}
	return m
}

// jsonRun runs micsync with args, checks that it wrote one document valid against schema,
// and decodes it into v.
func (d documented) jsonRun(t *testing.T, e *env, schema string, v any, args ...string) result {
	t.Helper()
	r := e.run(t, args...)
	require.NotEmpty(t, r.Stdout, r)
	d.valid(t, schema, r.Stdout)
	dec := json.NewDecoder(strings.NewReader(r.Stdout))
	require.NoError(t, dec.Decode(v), r)
	assert.False(t, dec.More(), "one document, nothing after it")
	assert.NotContains(t, r.Stdout, "\x1b[", "no colour")
	return r
}

// interrupt stops run as Ctrl-C does and reads the document that it still writes into v.
func (d documented) interrupt(t *testing.T, run *bgRun, schema string, v any) {
	t.Helper()
	require.NoError(t, syscall.Kill(-run.pid(), syscall.SIGINT))
	r := run.wait(t, hangDeadline)
	assert.Equal(t, 130, r.Code, r)
	assert.Equal(t, "micsync: error: interrupted\n", r.Stderr)
	d.valid(t, schema, r.Stdout)
	require.NoError(t, json.Unmarshal([]byte(r.Stdout), v), r)
}

func TestJSONOfEveryActionOnRealDirectories(t *testing.T) {
	d := readDocs(t)
	e := docs(t)
	latin1 := "caf\xe9.txt" // not UTF-8
	e.mkfile(t, "Documents/a.txt", "new")
	e.mkfile(t, "Documents/"+latin1, "new content")
	e.mkfile(t, "Documents/sub/m.txt", "new content")
	e.mkfile(t, "disk1/Documents/sub/m.txt", "old")
	e.mkfile(t, "disk1/Documents/"+latin1, "old")
	setMtime(t, e.path("disk1/Documents/sub/m.txt"), past)
	setMtime(t, e.path("disk1/Documents", latin1), past)
	require.NoError(t, os.RemoveAll(e.path("disk2"))) // unplugged
	docsDir := e.path("Documents")

	// A dry run: the plan, nothing changed, the name that is not UTF-8 as base64.
	var plan runDoc
	r := d.jsonRun(t, e, "run", &plan, "backup", "-n", "--json", docsDir)
	require.Equal(t, 0, r.Code, r)
	assert.True(t, plan.DryRun)
	assert.Equal(t, "backup", plan.Command)
	require.Len(t, plan.Unreachable, 1)
	assert.Equal(t, e.path("disk2/Documents"), string(plan.Unreachable[0].Root))
	entries := plan.entries(t)
	assert.Equal(t, "new_file", entries["a.txt"])
	assert.Equal(t, "modified", entries["sub/m.txt"])
	assert.Equal(t, "modified", entries[latin1], "the name's bytes survive the trip: %v", entries)
	assert.Contains(t, r.Stdout, `"base64": "Y2Fm6S50eHQ="`, "in the documented form")
	assert.Equal(t, "planned", plan.Destinations[0].Result)
	assert.False(t, exists(e.path("disk1/Documents/a.txt")), "a dry run changes nothing")
	assert.Nil(t, plan.Destinations[0].TrashRun)

	// A question that no flag answers: the error on stderr, nothing on stdout.
	r = e.run(t, "backup", "--json", docsDir)
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout, "no partial document")
	assert.Contains(t, r.Stderr, "micsync: error: there are modified files to overwrite and --json asks no questions\n")
	assert.False(t, exists(e.path("disk1/Documents/a.txt")))

	// The run itself: plan, approval, what was done, the trash run.
	var done runDoc
	r = d.jsonRun(t, e, "run", &done, "backup", "-m", "--json", docsDir)
	require.Equal(t, 0, r.Code, r)
	require.Len(t, done.Destinations, 1)
	dst := done.Destinations[0]
	assert.Equal(t, "ok", dst.Result)
	assert.Nil(t, dst.Error)
	require.NotNil(t, dst.Done)
	assert.Equal(t, 3, dst.Done.Files)
	assert.Equal(t, "new content", readFile(t, e.path("disk1/Documents", latin1)))
	assert.Equal(t, "new", readFile(t, e.path("disk1/Documents/a.txt")))
	require.NotNil(t, dst.TrashRun)
	stamp := *dst.TrashRun
	assert.Equal(t, "old", readFile(t, e.path("disk1/Documents/.micsync-trash", stamp, latin1)), "trash_run names the run's trash")

	// trash list, and one run's files with the name that is not UTF-8.
	var runs struct {
		Locations []struct {
			Root jsonout.Name `json:"root"`
			Runs []struct {
				Stamp string `json:"stamp"`
			} `json:"runs"`
		} `json:"locations"`
	}
	r = d.jsonRun(t, e, "trash-list", &runs, "trash", "list", "--json")
	require.Equal(t, 0, r.Code, r)
	require.Len(t, runs.Locations, 1)
	assert.Equal(t, e.path("disk1/Documents"), string(runs.Locations[0].Root))
	require.Len(t, runs.Locations[0].Runs, 1)
	assert.Equal(t, stamp, runs.Locations[0].Runs[0].Stamp)
	var files struct {
		Locations []struct {
			Entries []struct {
				Name jsonout.Name `json:"name"`
				Size int64        `json:"size"`
			} `json:"entries"`
		} `json:"locations"`
	}
	r = d.jsonRun(t, e, "trash-list-run", &files, "trash", "list", "--json", stamp)
	require.Equal(t, 0, r.Code, r)
	require.Len(t, files.Locations, 1)
	got := map[string]int64{}
	for _, f := range files.Locations[0].Entries {
		got[string(f.Name)] = f.Size
	}
	assert.Equal(t, map[string]int64{latin1: 3, "sub/m.txt": 3}, got)
	r = e.run(t, "trash", "list", "--json", "20000101T000000Z")
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout)

	// work -d deletes what the BACKUP lacks; the document counts it.
	e.mkfile(t, "Documents/extra.txt", "only here")
	var work runDoc
	r = d.jsonRun(t, e, "run", &work, "work", "-D", "--json", docsDir)
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "deleted", work.entries(t)["extra.txt"])
	require.NotNil(t, work.Destinations[0].Done)
	assert.Equal(t, 1, work.Destinations[0].Done.Deleted)
	assert.False(t, exists(e.path("Documents/extra.txt")))

	// transfer to the other BACKUP, plugged in again.
	require.NoError(t, os.MkdirAll(e.path("disk2/Documents"), 0o755))
	var transfer runDoc
	r = d.jsonRun(t, e, "run", &transfer, "transfer", "--json", e.path("disk1/Documents"))
	require.Equal(t, 0, r.Code, r)
	require.Len(t, transfer.Destinations, 1)
	assert.Equal(t, e.path("disk2/Documents"), string(transfer.Destinations[0].Root))
	assert.Equal(t, "ok", transfer.Destinations[0].Result)
	assert.Nil(t, transfer.Destinations[0].TrashRun, "nothing overwritten or deleted there")
	assert.Equal(t, "new content", readFile(t, e.path("disk2/Documents", latin1)))

	// tree: directories only.
	require.NoError(t, os.MkdirAll(e.path("disk1/Documents/skel/deep"), 0o755))
	e.mkfile(t, "disk1/Documents/skel/deep/file.txt", "not copied")
	var tree runDoc
	r = d.jsonRun(t, e, "run", &tree, "tree", "--json", e.path("disk1/Documents/skel"))
	require.Equal(t, 0, r.Code, r)
	require.Len(t, tree.Destinations, 1)
	assert.Equal(t, "ok", tree.Destinations[0].Result)
	require.NotNil(t, tree.Destinations[0].Done)
	assert.Equal(t, 2, tree.Destinations[0].Done.Dirs)
	assert.True(t, exists(e.path("Documents/skel/deep")))
	assert.False(t, exists(e.path("Documents/skel/deep/file.txt")))
}

func TestJSONOfAFailedDestinationIsStillADocument(t *testing.T) {
	d := readDocs(t)
	e := docs(t)
	e.mkfile(t, "Documents/sub/b.txt", "b")
	// disk2's directory for sub is a file: planning fails there, disk1 goes on.
	e.mkfile(t, "disk2/Documents/sub", "in the way")
	var doc runDoc
	r := d.jsonRun(t, e, "run", &doc, "backup", "--json", e.path("Documents/sub/b.txt"))
	assert.Equal(t, 1, r.Code, r)
	require.Len(t, doc.Destinations, 2)
	ok, failed := doc.Destinations[0], doc.Destinations[1]
	assert.Equal(t, e.path("disk1/Documents"), string(ok.Root))
	assert.Equal(t, "ok", ok.Result)
	assert.Equal(t, "b", readFile(t, e.path("disk1/Documents/sub/b.txt")))
	assert.Equal(t, e.path("disk2/Documents"), string(failed.Root))
	assert.Equal(t, "failed", failed.Result)
	require.NotNil(t, failed.Error)
	assert.Contains(t, *failed.Error, "is not a directory")
	assert.Nil(t, failed.Done, "nothing was run there")
	assert.Contains(t, r.Stderr, "micsync: error: "+e.path("disk2/Documents")+": ", "the error is on stderr too")
}

func TestJSONOfCheck(t *testing.T) {
	d := readDocs(t)
	e := docs(t)
	require.NoError(t, os.RemoveAll(e.path("disk2/Documents"))) // its disc is there: not created yet
	e.mkfile(t, "disk2/other", "the disc holds something")
	var doc struct {
		ConfigFile     jsonout.Name `json:"config_file"`
		Configurations []struct {
			Name      string `json:"name"`
			Locations []struct {
				Root      jsonout.Name `json:"root"`
				Reachable bool         `json:"reachable"`
				Create    *string      `json:"create"`
			} `json:"locations"`
		} `json:"configurations"`
		Locations, Reachable int
	}
	r := d.jsonRun(t, e, "check", &doc, "check", "--json")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, e.path(".micsync.json"), string(doc.ConfigFile))
	require.Len(t, doc.Configurations, 1)
	assert.Equal(t, "documents", doc.Configurations[0].Name)
	assert.Equal(t, 3, doc.Locations)
	assert.Equal(t, 2, doc.Reachable)
	ls := doc.Configurations[0].Locations
	require.Len(t, ls, 3)
	assert.Equal(t, e.path("disk2/Documents"), string(ls[2].Root))
	assert.False(t, ls[2].Reachable)
	require.NotNil(t, ls[2].Create)
	assert.Contains(t, *ls[2].Create, "mkdir -p")

	e.writeConfig(t, `{"configs": [{"name": "documents", "wrok": ["~/Documents"]}]}`)
	r = e.run(t, "check", "--json")
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout, "an invalid file: no document")
	assert.Contains(t, r.Stderr, "micsync: error: ")
}

// TestJSONOfAnInterruptedRun stops a backup to two discs with Ctrl-C while rsync copies: the
// document still comes, and says that both stopped.
func TestJSONOfAnInterruptedRun(t *testing.T) {
	d := readDocs(t)
	e := docs(t)
	writeBytes(t, e.path("Documents/big.bin"), randomBytes(4<<20, 15))
	stubRsync(t, e).slow(t, 200)
	run := e.start(t, "--backup", "--json", e.path("Documents"))
	for _, dir := range []string{"disk1/Documents", "disk2/Documents"} {
		waitTemp(t, run, e.path(dir), "big.bin")
	}
	var doc runDoc
	d.interrupt(t, run, "run", &doc)
	require.Len(t, doc.Destinations, 2)
	for _, dst := range doc.Destinations {
		assert.Equal(t, "stopped", dst.Result, "%s", dst.Root)
	}
}

// onlyInDst returns what a document's destination i holds only, as name: dir.
func (r runDoc) onlyInDst(t *testing.T, i int) map[string]bool {
	t.Helper()
	require.NotNil(t, r.Destinations[i].Plan)
	only := r.Destinations[i].Plan.OnlyInDst
	require.NotNil(t, only, "the plan tells what only the destination holds")
	m := map[string]bool{}
	for _, e := range only.Entries {
		m[string(e.Name)] = e.Dir
	}
	assert.Equal(t, len(only.Entries), only.Count)
	return m
}

func TestJSONOfABackupTellsWhatOnlyTheBackupHolds(t *testing.T) {
	d := readDocs(t)
	e := renamedInWork(t, false)
	e.mkfile(t, "disk1/Documents/outside.txt", "not below the named path")
	before := tree(t, e.Home)

	var plan runDoc
	r := d.jsonRun(t, e, "run", &plan, "backup", "-n", "--json", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	require.Len(t, plan.Destinations, 2)
	old := map[string]bool{"letters/old name.txt": false, "letters/-2019": true, "letters/-2019/a.txt": false, "letters/-2019/b\xff.txt": false}
	for i := range plan.Destinations {
		assert.Equal(t, old, plan.onlyInDst(t, i), "the old names, the one that is not UTF-8 too")
		assert.False(t, plan.Destinations[i].Plan.OnlyInDstUnknown)
		entries := plan.entries1(t, i)
		assert.Equal(t, "new_file", entries["letters/new name.txt"], "the new names are the plan's")
		assert.NotContains(t, entries, "letters/old name.txt", "never a deletion")
	}
	assert.Contains(t, r.Stdout, `"base64": "`, "the name that is not UTF-8 in the documented form")
	assert.Equal(t, before, tree(t, e.Home), "a dry run changes nothing")

	// The backup itself tells them too, and deletes none of them.
	var done runDoc
	r = d.jsonRun(t, e, "run", &done, "backup", "--json", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	require.Len(t, done.Destinations, 2)
	for i, disk := range []string{"disk1", "disk2"} {
		assert.Equal(t, old, done.onlyInDst(t, i))
		require.NotNil(t, done.Destinations[i].Done)
		assert.Equal(t, 0, done.Destinations[i].Done.Deleted)
		for _, n := range oldNames {
			assert.True(t, exists(e.path(disk, "Documents", n)), "%s: %q stays", disk, n)
		}
		assert.Equal(t, "dear", readFile(t, e.path(disk, "Documents/letters/new name.txt")))
	}

	// Once the BACKUP holds nothing of its own there, the list is empty, not null.
	var none runDoc
	r = d.jsonRun(t, e, "run", &none, "backup", "-n", "--json", e.path("Documents/top.txt"))
	require.Equal(t, 0, r.Code, r)
	for i := range none.Destinations {
		assert.Empty(t, none.onlyInDst(t, i))
	}

	// Other commands do not look: null.
	var work runDoc
	r = d.jsonRun(t, e, "run", &work, "work", "-n", "--json", "--from", e.path("disk1/Documents"), e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	require.Len(t, work.Destinations, 1)
	require.NotNil(t, work.Destinations[0].Plan)
	assert.Nil(t, work.Destinations[0].Plan.OnlyInDst)
	assert.False(t, work.Destinations[0].Plan.OnlyInDstUnknown)
}

func TestJSONOfPrune(t *testing.T) {
	d := readDocs(t)
	e := renamedInWork(t, true)
	before := tree(t, e.Home)

	// Without an answer: the error on stderr, nothing on stdout, nothing deleted.
	r := e.run(t, "prune", "--json", e.path("Documents/letters"))
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout, "no partial document")
	assert.Contains(t, r.Stderr, "micsync: error: there are files to delete and --json asks no questions\n")
	assert.Equal(t, before, tree(t, e.Home))

	// A dry run: the deletions are the plan's, nothing is deleted.
	var plan runDoc
	r = d.jsonRun(t, e, "run", &plan, "prune", "-n", "--json", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "prune", plan.Command)
	assert.True(t, plan.DryRun)
	require.Len(t, plan.Destinations, 2)
	want := map[string]string{"letters/old name.txt": "deleted", "letters/-2019": "deleted", "letters/-2019/a.txt": "deleted", "letters/-2019/b\xff.txt": "deleted"}
	for i := range plan.Destinations {
		assert.Equal(t, want, plan.entries1(t, i), "deletions only")
		assert.Nil(t, plan.Destinations[i].Plan.OnlyInDst, "they are the plan, not only told")
		assert.Equal(t, "planned", plan.Destinations[i].Result)
	}
	assert.Equal(t, before, tree(t, e.Home))

	// --yes deletes them on one BACKUP, into its trash; WORKING and the other BACKUP stay.
	var done runDoc
	r = d.jsonRun(t, e, "run", &done, "prune", "--yes", "--json", "--to", e.path("disk1/Documents"), e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "prune", done.Command)
	assert.False(t, done.DryRun)
	require.Len(t, done.Destinations, 1)
	dst := done.Destinations[0]
	assert.Equal(t, e.path("disk1/Documents"), string(dst.Root))
	assert.Equal(t, "ok", dst.Result)
	assert.Equal(t, want, done.entries(t))
	require.NotNil(t, dst.Done)
	assert.Equal(t, 4, dst.Done.Deleted)
	assert.Equal(t, 0, dst.Done.Files, "prune copies nothing")
	require.NotNil(t, dst.TrashRun)
	for _, n := range oldNames {
		assert.False(t, exists(e.path("disk1/Documents", n)), "%q went from disk1", n)
		assert.True(t, exists(e.path("disk2/Documents", n)), "%q stays on disk2", n)
		assert.FileExists(t, e.path("disk1/Documents/.micsync-trash", *dst.TrashRun, n), "trash_run names the run that keeps %q", n)
	}
	assert.Equal(t, "dear", readFile(t, e.path("disk1/Documents/.micsync-trash", *dst.TrashRun, "letters/old name.txt")))
	assert.Equal(t, "dear", readFile(t, e.path("disk1/Documents/letters/new name.txt")), "the new names stay")
	assert.Equal(t, only(before, "Documents"), only(tree(t, e.Home), "Documents"), "WORKING is not touched")
}

func TestJSONOfTrashRestore(t *testing.T) {
	d := readDocs(t)
	e := renamedInWork(t, true)
	r := e.run(t, "prune", "--yes", "-q", "--to", e.path("disk1/Documents"), e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	runs, err := filepath.Glob(e.path("disk1/Documents/.micsync-trash/*"))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	stamp := filepath.Base(runs[0])
	// A file that changed since is in the way of one of them.
	e.mkfile(t, "disk1/Documents/letters/old name.txt", "written since")
	before := tree(t, e.Home)

	var plan struct {
		runDoc
		Stamp  string `json:"stamp"`
		Source struct {
			Dir jsonout.Name `json:"dir"`
		} `json:"source"`
	}
	r = d.jsonRun(t, e, "run", &plan, "trash", "restore", "-n", "--json", stamp)
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "trash restore", plan.Command)
	assert.Equal(t, stamp, plan.Stamp)
	assert.Equal(t, runs[0], string(plan.Source.Dir), "the trash run's directory")
	assert.Equal(t, map[string]string{"letters": "attributes", "letters/old name.txt": "modified", "letters/-2019": "new_dir",
		"letters/-2019/a.txt": "new_file", "letters/-2019/b\xff.txt": "new_file"}, plan.entries(t))
	assert.Equal(t, e.path("disk1/Documents"), string(plan.Destinations[0].Root))
	assert.Equal(t, "planned", plan.Destinations[0].Result)
	assert.Equal(t, before, tree(t, e.Home), "a dry run changes nothing")

	// Overwriting needs an answer: none on stdout then, and nothing restored.
	r = e.run(t, "trash", "restore", "--json", stamp)
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout, "no partial document")
	assert.Contains(t, r.Stderr, "micsync: error: there are modified files to overwrite and --json asks no questions\n")
	assert.Equal(t, before, tree(t, e.Home))

	// --no restores what overwrites nothing.
	var some runDoc
	r = d.jsonRun(t, e, "run", &some, "trash", "restore", "--no", "--json", stamp)
	require.Equal(t, 0, r.Code, r)
	require.Len(t, some.Destinations, 1)
	require.NotNil(t, some.Destinations[0].Done)
	assert.Equal(t, 2, some.Destinations[0].Done.Files)
	assert.Equal(t, "written since", readFile(t, e.path("disk1/Documents/letters/old name.txt")))
	assert.Equal(t, "b", readFile(t, e.path("disk1/Documents/letters/-2019/b\xff.txt")))
	assert.Nil(t, some.Destinations[0].TrashRun, "it overwrote nothing")

	// -m overwrites it, and keeps what it overwrote in a trash run of its own.
	var all runDoc
	r = d.jsonRun(t, e, "run", &all, "trash", "restore", "-m", "--json", stamp, "letters/old name.txt")
	require.Equal(t, 0, r.Code, r)
	dst := all.Destinations[0]
	assert.Equal(t, "ok", dst.Result)
	assert.Equal(t, map[string]string{"letters/old name.txt": "modified"}, all.entries(t))
	assert.Equal(t, "dear", readFile(t, e.path("disk1/Documents/letters/old name.txt")))
	require.NotNil(t, dst.TrashRun)
	assert.NotEqual(t, stamp, *dst.TrashRun)
	assert.Equal(t, "written since", readFile(t, e.path("disk1/Documents/.micsync-trash", *dst.TrashRun, "letters/old name.txt")))
	assert.Equal(t, "dear", readFile(t, e.path("disk1/Documents/.micsync-trash", stamp, "letters/old name.txt")), "the trash run is kept")

	r = e.run(t, "trash", "restore", "--json", "20000101T000000Z")
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout)
	assert.Contains(t, r.Stderr, "micsync: error: no trash run 20000101T000000Z in a reachable location\n")
}

func TestJSONOfTrashRestoreInSeveralLocationsNeedsLocation(t *testing.T) {
	d := readDocs(t)
	e := renamedInWork(t, true)
	r := e.run(t, "prune", "--yes", "-q", e.path("Documents/letters"))
	require.Equal(t, 0, r.Code, r)
	runs, err := filepath.Glob(e.path("disk2/Documents/.micsync-trash/*"))
	require.NoError(t, err)
	require.Len(t, runs, 1)
	stamp := filepath.Base(runs[0])
	require.DirExists(t, e.path("disk1/Documents/.micsync-trash", stamp), "one run, in the trash of both")
	before := tree(t, e.Home)

	r = e.run(t, "trash", "restore", "--json", stamp)
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout)
	assert.Contains(t, r.Stderr, "micsync: error: several locations have this trash run and --json asks no questions\n")
	assert.Contains(t, r.Stderr, "--location ROOT")
	assert.Equal(t, before, tree(t, e.Home))

	var doc runDoc
	r = d.jsonRun(t, e, "run", &doc, "trash", "restore", "--json", "--location", e.path("disk2/Documents"), stamp)
	require.Equal(t, 0, r.Code, r)
	require.Len(t, doc.Destinations, 1)
	assert.Equal(t, e.path("disk2/Documents"), string(doc.Destinations[0].Root))
	for _, n := range oldNames {
		assert.True(t, exists(e.path("disk2/Documents", n)), "%q is back on disk2", n)
		assert.False(t, exists(e.path("disk1/Documents", n)), "%q: disk1 was not named", n)
	}
}

// TestJSONOfABackupThatCouldNotLookForWhatOnlyTheBackupHolds: rsync looks for nothing to
// delete once it cannot read an entry of the source, and the document says so.
func TestJSONOfABackupThatCouldNotLookForWhatOnlyTheBackupHolds(t *testing.T) {
	d := readDocs(t)
	e := renamedInWork(t, false)
	require.NoError(t, os.RemoveAll(e.path("disk2")))
	e.mkfile(t, "Documents/letters/locked/in.txt", "a directory that cannot be listed")
	asNobody(t, e)
	require.NoError(t, os.Chmod(e.path("Documents/letters/locked"), 0))

	var plan runDoc
	r := d.jsonRun(t, e, "run", &plan, "backup", "-n", "--json", e.path("Documents/letters"))
	assert.Equal(t, 0, r.Code, "a dry run: %s", r)
	var unread struct {
		Destinations []struct {
			Plan struct {
				Unreadable []struct {
					Name jsonout.Name `json:"name"`
				} `json:"unreadable"`
			} `json:"plan"`
		} `json:"destinations"`
	}
	require.NoError(t, json.Unmarshal([]byte(r.Stdout), &unread))
	require.Len(t, unread.Destinations, 1)
	require.Len(t, unread.Destinations[0].Plan.Unreadable, 1)
	assert.Equal(t, "letters/locked", string(unread.Destinations[0].Plan.Unreadable[0].Name))
	require.Len(t, plan.Destinations, 1)
	p := plan.Destinations[0].Plan
	require.NotNil(t, p)
	assert.True(t, p.OnlyInDstUnknown)
	assert.Nil(t, p.OnlyInDst, "not an empty list: nothing was looked for")
	assert.Equal(t, "new_file", plan.entries(t)["letters/new name.txt"], "the rest is planned")
}
