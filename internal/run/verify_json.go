package run

import (
	"path/filepath"
	"time"

	"micsync/internal/jsonout"
	"micsync/internal/record"
	"micsync/internal/ui"
	"micsync/internal/verify"
	"micsync/locations"
)

// verifyDoc is the document of micsync verify (schema "verify" in docs/JSON.md).
type verifyDoc struct {
	jsonout.Header
	Repair         bool              `json:"repair"`
	Budget         *string           `json:"budget"`
	Configurations []verifyConfigDoc `json:"configurations"`
}

// verifyConfigDoc is one configuration's copies below the paths.
type verifyConfigDoc struct {
	Name         string              `json:"name"`
	Paths        []jsonout.Name      `json:"paths"`
	Run          *string             `json:"run"` // the id of the run's records
	Result       string              `json:"result"`
	Error        *string             `json:"error"`
	Hints        []string            `json:"hints"`
	Unreachable  []unreachable       `json:"unreachable"`
	ComparedWith *placeDoc           `json:"compared_with"`
	Locations    []verifyLocationDoc `json:"locations"`
	CannotTell   []cannotTellDoc     `json:"cannot_tell"`
}

type verifyLocationDoc struct {
	placeDoc
	Result      string         `json:"result"`
	Error       *string        `json:"error"`
	Compared    totalDoc       `json:"compared"`
	NotCompared *string        `json:"not_compared"`
	Bad         []jsonout.Name `json:"bad"`
	Repaired    []jsonout.Name `json:"repaired"`
	Unknown     []jsonout.Name `json:"unknown"`
	Edited      []jsonout.Name `json:"edited"`
	Missing     []jsonout.Name `json:"missing"`
	OnlyHere    []jsonout.Name `json:"only_here"`
	Unreadable  []reasonDoc    `json:"unreadable"`
}

// cannotTellDoc is a file whose copies differ in content with the same size and time, and no
// copy known to be the bad one.
type cannotTellDoc struct {
	Name   jsonout.Name `json:"name"`
	Copies []copyDoc    `json:"copies"`
}

type copyDoc struct {
	locationDoc
	Modified jsonout.Time `json:"modified"`
}

// verifyDocument is the document of a verify that went through runs, one for each target.
func verifyDocument(req VerifyRequest, runs []*verifyRun) verifyDoc {
	doc := verifyDoc{Header: jsonout.NewHeader("verify"), Repair: req.Repair, Budget: optional(req.Budget),
		Configurations: []verifyConfigDoc{}}
	for _, v := range runs {
		doc.Configurations = append(doc.Configurations, v.document())
	}
	return doc
}

func (v *verifyRun) document() verifyConfigDoc {
	d := verifyConfigDoc{Name: v.t.Config.Name, Paths: jsonout.Names(aboutTarget(v.t).paths), Run: optional(v.id),
		Hints: []string{}, Unreachable: append([]unreachable{}, v.skipped...), Locations: []verifyLocationDoc{},
		CannotTell: []cannotTellDoc{}}
	switch {
	case v.err == nil:
		d.Result = string(record.OK)
	case ui.Interrupted(v.err):
		d.Result = string(record.Stopped)
	default:
		d.Result = string(record.Failed)
	}
	if v.err != nil {
		d.Error = optional(ui.OneLine(v.err.Error()))
		d.Hints = append(d.Hints, ui.Hints(v.err)...)
	}
	if len(v.locs) > 0 {
		d.ComparedWith = &placeDoc{locationDoc: locationOf(v.locs[0]), Dir: jsonout.Name(v.dir(0))}
	}
	c := v.c
	for k, l := range v.locs {
		n := v.counts(k)
		result, why := v.resultAt(k, v.err)
		ld := verifyLocationDoc{placeDoc: placeDoc{locationDoc: locationOf(l), Dir: jsonout.Name(v.dir(k))},
			Result: string(result), Error: optional(why), Compared: totalDoc{Count: n.Files, Bytes: n.Bytes},
			Repaired: names(sortNames(v.repaired[k])), Bad: names(nil), Unknown: names(nil), Edited: names(nil),
			Missing: names(nil), OnlyHere: names(nil), Unreadable: []reasonDoc{}}
		if c != nil {
			if err := c.failed[k]; err != nil {
				ld.NotCompared = optional(ui.OneLine(err.Error()))
			}
			ld.Bad = names(c.byVerdict(verify.Bad, k))
			ld.Unknown = names(c.holding(verify.CannotTell, k))
			ld.Edited = names(c.edited(k))
			if k > 0 {
				ld.Missing = names(sortNames(c.missing[k]))
				ld.OnlyHere = names(sortNames(c.only[k]))
			}
			ld.Unreadable = unreadableDocs(c.unreadable[k])
		}
		d.Locations = append(d.Locations, ld)
	}
	if c != nil {
		for _, name := range c.byVerdict(verify.CannotTell, -1) {
			j := c.verdicts[name]
			ct := cannotTellDoc{Name: jsonout.Name(name), Copies: []copyDoc{}}
			for i, k := range j.holders {
				ct.Copies = append(ct.Copies, copyDoc{locationDoc: locationOf(c.locs[k]),
					Modified: jsonout.Time(j.times[i].Local())})
			}
			d.CannotTell = append(d.CannotTell, ct)
		}
	}
	return d
}

// dir is where location k holds the target's path.
func (v *verifyRun) dir(k int) string {
	return filepath.Join(v.locs[k].Path, filepath.FromSlash(v.t.Rel))
}

// verifyStatusDoc is the document of micsync verify --status (schema "verify-status").
type verifyStatusDoc struct {
	jsonout.Header
	Time           jsonout.Time            `json:"time"` // when it looked: the periods end here
	Configurations []verifyStatusConfigDoc `json:"configurations"`
}

type verifyStatusConfigDoc struct {
	Name      string                    `json:"name"`
	Locations []verifyStatusLocationDoc `json:"locations"`
}

type verifyStatusLocationDoc struct {
	locationDoc
	Reachable bool        `json:"reachable"`
	Known     totalDoc    `json:"known"` // the files verify knows there
	Periods   []periodDoc `json:"periods"`
}

type periodDoc struct {
	Days    int   `json:"days"`
	Files   int   `json:"files"`
	Bytes   int64 `json:"bytes"`
	Percent int   `json:"percent"` // of the known files
}

func newVerifyStatusDoc(now time.Time) verifyStatusDoc {
	return verifyStatusDoc{Header: jsonout.NewHeader("verify --status"), Time: jsonout.Time(now.Local()),
		Configurations: []verifyStatusConfigDoc{}}
}

// statusLocation is what verify --status says of one location, from what verify remembers.
func statusLocation(l locations.Location, reachable bool, rec *verify.Record, now time.Time) verifyStatusLocationDoc {
	files, bytes := rec.Total()
	ld := verifyStatusLocationDoc{locationDoc: locationOf(l), Reachable: reachable,
		Known: totalDoc{Count: files, Bytes: bytes}, Periods: []periodDoc{}}
	for _, p := range periods {
		n, b := rec.Within(now, time.Duration(p.days)*24*time.Hour)
		pct := 0
		if files > 0 {
			pct = n * 100 / files
		}
		ld.Periods = append(ld.Periods, periodDoc{Days: p.days, Files: n, Bytes: b, Percent: pct})
	}
	return ld
}
