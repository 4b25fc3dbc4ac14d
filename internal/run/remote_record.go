package run

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"micsync/internal/disc"
	"micsync/internal/record"
	"micsync/locations"
	"micsync/rsyncplan"
)

// remoteRecordTimeout bounds each copy of a file of records to or from another host: a host
// that stopped answering must not keep a run that is done, or micsync status, for long.
var remoteRecordTimeout = 20 * time.Second

// remoteRecords is the file of records of l, a location on another host, as rsync names it.
func remoteRecords(l locations.Location) string {
	return l.Path + "/" + disc.Name + "/" + record.FileName
}

// quiet returns a copy of r that shows nothing and asks nothing: a missing file of records is
// no news, and rsync's words about it are in the error.
func quiet(r *rsyncplan.Runner) *rsyncplan.Runner {
	c := *r
	c.Stderr, c.Trace, c.Progress, c.Guard = nil, nil, nil, nil
	return &c
}

// fetchRecords copies the file of records of l, a location on another host, into dir; none
// there is no error (the file stays missing here).
func fetchRecords(r *rsyncplan.Runner, l locations.Location, dir string) error {
	ctx, cancel := context.WithTimeout(context.Background(), remoteRecordTimeout)
	defer cancel()
	err := quiet(r).Do(ctx, "fetch the records of "+l.Path, []string{"--", remoteRecords(l), dir + "/"})
	var re *rsyncplan.Error
	if errors.As(err, &re) && re.Code == 23 && strings.Contains(re.Stderr, "No such file or directory") {
		return nil
	}
	return err
}

// fetchForRecord readies the record of a run that writes to l, a location on another host,
// before the run plans: it fetches the file of records into a directory of its own here, which
// it returns ("" when that failed: saveRemote fetches it again), and makes the location's own
// directory there when the file is not there yet. Made before planning, the directory changes
// the root's time where the plan still sees it and puts it right, as on a local disc.
func fetchForRecord(r *rsyncplan.Runner, l locations.Location) string {
	dir, err := rsyncplan.TempDir("record-")
	if err != nil {
		return ""
	}
	if fetchRecords(r, l, dir) != nil {
		os.RemoveAll(dir)
		return ""
	}
	if _, err := os.Stat(filepath.Join(dir, record.FileName)); err == nil {
		return dir
	}
	own := filepath.Join(dir, "new", disc.Name)
	if os.MkdirAll(own, 0o755) == nil {
		ctx, cancel := context.WithTimeout(context.Background(), remoteRecordTimeout)
		defer cancel()
		// -d makes the directory, with nothing in it, and leaves one that is there alone.
		quiet(r).Do(ctx, "make micsync's directory on "+l.Host, []string{"-d", "--", own, l.Path + "/"})
	}
	return dir
}

// saveRemote adds rec to the file of records of l, a location on another host: to the copy
// that fetchForRecord fetched into dir, or, when dir is "", to one fetched now; then rsync
// puts it back, which it does under a temporary name and a rename, so that a connection that
// breaks leaves the old file. dir is removed.
func saveRemote(r *rsyncplan.Runner, l locations.Location, rec record.Record, dir string) error {
	if dir == "" {
		var err error
		if dir, err = rsyncplan.TempDir("record-"); err != nil {
			return err
		}
		if err := fetchRecords(r, l, dir); err != nil {
			os.RemoveAll(dir)
			return err
		}
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, record.FileName)
	if err := record.Append(file, record.DiscLimit, rec); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), remoteRecordTimeout)
	defer cancel()
	return quiet(r).Do(ctx, "put the record on "+l.Host, []string{"--chmod=u=rw,go=r", "--", file, l.Path + "/" + disc.Name + "/"})
}

// readRemote reads the file of records of l, a location on another host.
func readRemote(r *rsyncplan.Runner, l locations.Location) ([]record.Record, int, error) {
	dir, err := rsyncplan.TempDir("records-")
	if err != nil {
		return nil, 0, err
	}
	defer os.RemoveAll(dir)
	if err := fetchRecords(r, l, dir); err != nil {
		return nil, 0, err
	}
	return record.Read(filepath.Join(dir, record.FileName))
}
