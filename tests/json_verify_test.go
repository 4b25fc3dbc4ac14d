package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"micsync/internal/jsonout"
)

// verifyDoc is what the tests read of verify's document.
type verifyDoc struct {
	Command        string  `json:"command"`
	Repair         bool    `json:"repair"`
	Budget         *string `json:"budget"`
	Configurations []struct {
		Name        string         `json:"name"`
		Paths       []jsonout.Name `json:"paths"`
		Run         *string        `json:"run"`
		Result      string         `json:"result"`
		Error       *string        `json:"error"`
		Hints       []string       `json:"hints"`
		Unreachable []struct {
			Root jsonout.Name `json:"root"`
		} `json:"unreachable"`
		ComparedWith *struct {
			Root jsonout.Name `json:"root"`
		} `json:"compared_with"`
		Locations  []verifyLocation `json:"locations"`
		CannotTell []struct {
			Name   jsonout.Name `json:"name"`
			Copies []struct {
				Root     jsonout.Name `json:"root"`
				Modified jsonout.Time `json:"modified"`
			} `json:"copies"`
		} `json:"cannot_tell"`
	} `json:"configurations"`
}

type verifyLocation struct {
	Root     jsonout.Name `json:"root"`
	Dir      jsonout.Name `json:"dir"`
	Result   string       `json:"result"`
	Error    *string      `json:"error"`
	Compared struct {
		Count int   `json:"count"`
		Bytes int64 `json:"bytes"`
	} `json:"compared"`
	Bad        []jsonout.Name `json:"bad"`
	Repaired   []jsonout.Name `json:"repaired"`
	Unknown    []jsonout.Name `json:"unknown"`
	Edited     []jsonout.Name `json:"edited"`
	Missing    []jsonout.Name `json:"missing"`
	OnlyHere   []jsonout.Name `json:"only_here"`
	Unreadable []struct {
		Name   jsonout.Name `json:"name"`
		Reason string       `json:"reason"`
	} `json:"unreadable"`
}

// at returns the location of the document's only configuration at root.
func (d verifyDoc) at(t *testing.T, root string) verifyLocation {
	t.Helper()
	require.Len(t, d.Configurations, 1)
	for _, l := range d.Configurations[0].Locations {
		if string(l.Root) == root {
			return l
		}
	}
	require.Failf(t, "no location", "%s in %+v", root, d.Configurations[0].Locations)
	return verifyLocation{}
}

func TestJSONOfVerifyOnRealCopies(t *testing.T) {
	d := readDocs(t)
	e := threeCopies(t)
	work, disk1, disk2 := e.path("Documents"), e.path("disk1/Documents"), e.path("disk2/Documents")
	latin1 := "caf\xe9.txt" // not UTF-8
	rot(t, e, "disk2/Documents/photos/raw.cr2")
	rot(t, e, "disk1/Documents/notes.txt")
	require.NoError(t, os.Remove(e.path("disk2/Documents/notes.txt")))
	e.mkfile(t, "disk2/Documents/"+latin1, "only here")

	var doc verifyDoc
	r := d.jsonRun(t, e, "verify", &doc, "verify", "--json")
	require.Equal(t, 1, r.Code, "a content differs: %s", r)
	assert.Contains(t, r.Stderr, "micsync: error: the copies of configuration \"documents\" differ")
	assert.Equal(t, "verify", doc.Command)
	assert.False(t, doc.Repair)
	assert.Nil(t, doc.Budget)
	require.Len(t, doc.Configurations, 1)
	c := doc.Configurations[0]
	assert.Equal(t, "documents", c.Name)
	assert.Equal(t, []jsonout.Name{"."}, c.Paths)
	assert.Equal(t, "failed", c.Result)
	require.NotNil(t, c.Error)
	assert.Contains(t, *c.Error, "1 bad copy")
	assert.Contains(t, c.Hints, "micsync verify --repair replaces each bad copy from a good one, keeping it in the trash")
	require.NotNil(t, c.ComparedWith)
	assert.Equal(t, work, string(c.ComparedWith.Root))
	require.Len(t, c.Locations, 3)

	l2 := doc.at(t, disk2)
	assert.Equal(t, "failed", l2.Result)
	assert.Equal(t, []jsonout.Name{"photos/raw.cr2"}, l2.Bad)
	assert.Equal(t, []jsonout.Name{"notes.txt"}, l2.Missing)
	assert.Equal(t, []jsonout.Name{jsonout.Name(latin1)}, l2.OnlyHere, "a name that is not UTF-8 keeps its bytes")
	assert.Contains(t, r.Stdout, `"base64": "Y2Fm6S50eHQ="`)
	assert.Empty(t, l2.Unknown)
	assert.Equal(t, 2, l2.Compared.Count, "raw.cr2 and the file only disk2 holds")
	assert.Equal(t, disk2, string(l2.Dir))
	for _, root := range []string{work, disk1} {
		l := doc.at(t, root)
		assert.Equal(t, "failed", l.Result, root)
		require.NotNil(t, l.Error)
		assert.Equal(t, "1 file whose right copy is unknown", *l.Error)
		assert.Equal(t, []jsonout.Name{"notes.txt"}, l.Unknown, root)
		assert.Empty(t, l.Bad, root)
		assert.Empty(t, l.Missing, root)
	}
	require.Len(t, c.CannotTell, 1)
	assert.Equal(t, jsonout.Name("notes.txt"), c.CannotTell[0].Name)
	require.Len(t, c.CannotTell[0].Copies, 2)
	for i, root := range []string{work, disk1} {
		assert.Equal(t, root, string(c.CannotTell[0].Copies[i].Root))
		assert.True(t, past.Equal(time.Time(c.CannotTell[0].Copies[i].Modified)), "each copy's time")
	}
	assert.Equal(t, "Good pixels, all of them", readFile(t, e.path("disk2/Documents/photos/raw.cr2")), "verify changes nothing")

	// The records of the run carry the document's id.
	require.NotNil(t, c.Run)
	recs := byRoot(t, e.localRecords(t), *c.Run)
	assert.Len(t, recs, 3)
	assert.Equal(t, 1, recs[disk2].Verified.Bad)

	// log --json carries what the verify counted in each location.
	var log struct {
		Records []struct {
			ID          string `json:"id"`
			Action      string `json:"action"`
			Destination struct {
				Root jsonout.Name `json:"root"`
			} `json:"destination"`
			Verified *struct {
				Files int `json:"files"`
				Bad   int `json:"bad"`
			} `json:"verified"`
		} `json:"records"`
	}
	r = d.jsonRun(t, e, "log", &log, "log", "--json", *c.Run)
	require.Equal(t, 0, r.Code, r)
	require.Len(t, log.Records, 3)
	for _, rec := range log.Records {
		assert.Equal(t, "verify", rec.Action)
		require.NotNil(t, rec.Verified, rec.Destination.Root)
		assert.Equal(t, map[bool]int{true: 1, false: 0}[string(rec.Destination.Root) == disk2], rec.Verified.Bad, rec.Destination.Root)
		assert.Equal(t, 2, rec.Verified.Files)
	}

	// --repair asks, and --json asks nothing: without --yes nothing is compared or changed.
	before := len(e.localRecords(t))
	r = e.run(t, "verify", "--repair", "--json")
	assert.Equal(t, 2, r.Code, r)
	assert.Empty(t, r.Stdout)
	assert.Contains(t, r.Stderr, "micsync: error: verify --repair --json asks no questions")
	assert.Contains(t, r.Stderr, "micsync: hint: add --yes")
	assert.Len(t, e.localRecords(t), before, "not started")

	var fixed verifyDoc
	r = d.jsonRun(t, e, "verify", &fixed, "verify", "--repair", "--yes", "--json")
	require.Equal(t, 1, r.Code, "notes.txt still differs: %s", r)
	assert.True(t, fixed.Repair)
	l2 = fixed.at(t, disk2)
	assert.Equal(t, []jsonout.Name{"photos/raw.cr2"}, l2.Repaired)
	assert.Empty(t, l2.Bad, "found good after the repair")
	assert.Equal(t, "ok", l2.Result, "disk2's copies agree with the others now")
	assert.Empty(t, fixed.at(t, disk1).Repaired)
	assert.Equal(t, []jsonout.Name{"notes.txt"}, fixed.at(t, disk1).Unknown, "never touched: the good copy is not known")
	assert.Equal(t, "good pixels, all of them", readFile(t, e.path("disk2/Documents/photos/raw.cr2")))

	// verify --status --json: what was verified, per location.
	var st struct {
		Command        string `json:"command"`
		Configurations []struct {
			Name      string `json:"name"`
			Locations []struct {
				Root      jsonout.Name `json:"root"`
				Reachable bool         `json:"reachable"`
				Known     struct {
					Count int `json:"count"`
				} `json:"known"`
				Periods []struct {
					Days    int `json:"days"`
					Files   int `json:"files"`
					Percent int `json:"percent"`
				} `json:"periods"`
			} `json:"locations"`
		} `json:"configurations"`
	}
	r = d.jsonRun(t, e, "verify-status", &st, "verify", "--status", "--json")
	require.Equal(t, 0, r.Code, r)
	assert.Equal(t, "verify --status", st.Command)
	require.Len(t, st.Configurations, 1)
	require.Len(t, st.Configurations[0].Locations, 3)
	for _, l := range st.Configurations[0].Locations {
		assert.True(t, l.Reachable)
		assert.Equal(t, 2, l.Known.Count, l.Root)
		require.Len(t, l.Periods, 3)
		assert.Equal(t, 30, l.Periods[0].Days)
	}
}

func TestJSONOfVerifyThatAgreesOrCannotStart(t *testing.T) {
	d := readDocs(t)
	e := threeCopies(t)

	var doc verifyDoc
	r := d.jsonRun(t, e, "verify", &doc, "verify", "--json", "--budget", "10B", e.path("Documents/photos"))
	require.Equal(t, 0, r.Code, r)
	require.Len(t, doc.Configurations, 1)
	c := doc.Configurations[0]
	assert.Equal(t, "ok", c.Result)
	assert.Nil(t, c.Error)
	assert.Equal(t, []jsonout.Name{"photos"}, c.Paths)
	require.NotNil(t, doc.Budget)
	assert.Equal(t, "10B", *doc.Budget)
	for _, l := range c.Locations {
		assert.Equal(t, "ok", l.Result, l.Root)
		assert.Equal(t, 1, l.Compared.Count, "the budget's first file")
		assert.Equal(t, string(l.Root), string(l.Dir), "the directory that holds photos")
	}

	require.NoError(t, os.RemoveAll(e.path("disk1"))) // unplugged
	require.NoError(t, os.RemoveAll(e.path("disk2")))
	doc = verifyDoc{}
	r = d.jsonRun(t, e, "verify", &doc, "verify", "--json")
	require.Equal(t, 1, r.Code, r)
	c = doc.Configurations[0]
	assert.Equal(t, "failed", c.Result)
	require.NotNil(t, c.Error)
	assert.Contains(t, *c.Error, "verify needs two to compare")
	assert.Len(t, c.Unreachable, 2)
	assert.Empty(t, c.Locations)
	assert.Nil(t, c.Run, "nothing compared, nothing recorded")
	assert.Nil(t, c.ComparedWith)
}

func TestJSONOfAnInterruptedVerify(t *testing.T) {
	d := readDocs(t)
	e := threeCopies(t)
	// rsync compares by content only after it has said so: then the verify is stopped.
	real, err := exec.LookPath("rsync")
	require.NoError(t, err)
	bin := t.TempDir()
	mark := filepath.Join(bin, "comparing")
	script := "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = --checksum ] && touch " + mark + " && sleep 30; done\nexec " + real + " \"$@\"\n"
	require.NoError(t, os.WriteFile(filepath.Join(bin, "rsync"), []byte(script), 0o755))
	e.Env = append(e.Env, "PATH="+bin+":"+os.Getenv("PATH"))

	run := e.start(t, "verify", "--json")
	waitFor(t, run, "a comparison", func() bool { return exists(mark) })
	var doc verifyDoc
	d.interrupt(t, run, "verify", &doc)
	require.Len(t, doc.Configurations, 1)
	c := doc.Configurations[0]
	assert.Equal(t, "stopped", c.Result)
	require.Len(t, c.Locations, 3)
	for _, l := range c.Locations {
		assert.Equal(t, "stopped", l.Result, l.Root)
	}
	require.NotNil(t, c.Run)
	assert.Len(t, byRoot(t, e.localRecords(t), *c.Run), 3, "recorded as stopped")
}
