package tests

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Names that a remote shell would split, unquote or read as options, were they not protected.
var remoteOddNames = []string{"space name.txt", `quote's "double".txt`, "-leading-dash.txt", "semi;colon $HOME `x`.txt", "star*.txt"}

// sshSettings returns the "ssh" settings of a configuration that reaches srv: its port, its
// known host key and key. BatchMode is left to micsync, which sets it without a terminal.
func sshSettings(srv *sshServer, identity string) map[string]any {
	var opts []string
	all := srv.SSHOptions() // pairs: "-F" "none", "-o" "Name=value", ...
	for i := 0; i+1 < len(all); i += 2 {
		if v := all[i+1]; v != "BatchMode=yes" && !strings.HasPrefix(v, "IdentityFile=") {
			opts = append(opts, all[i], v)
		}
	}
	return map[string]any{"port": srv.Port, "identity": identity, "options": opts, "timeout": 5}
}

// remoteConfig writes a configuration "documents" with the given locations and ssh settings.
func remoteConfig(t *testing.T, e *env, work, backup []string, ssh map[string]any) {
	t.Helper()
	data, err := json.Marshal(map[string]any{"configs": []map[string]any{
		{"name": "documents", "work": work, "backup": backup, "ssh": ssh},
	}})
	require.NoError(t, err)
	e.writeConfig(t, string(data))
}

// remoteDocs returns an env whose configuration "documents" has the WORKING ~/Documents and a
// BACKUP on srv, the directory it returns, logged in to with identity. Both directories exist.
func remoteDocs(t *testing.T, srv *sshServer, identity string) (*env, string) {
	t.Helper()
	e := newEnv(t)
	nas := e.path("nas/Documents")
	for _, d := range []string{e.path("Documents"), nas} {
		require.NoError(t, os.MkdirAll(d, 0o755))
	}
	remoteConfig(t, e, []string{"~/Documents"}, []string{at(srv, nas)}, sshSettings(srv, identity))
	return e, nas
}

// at is srv's rsync address of a directory here: the server is this machine.
func at(srv *sshServer, dir string) string { return srv.User + "@" + srv.Host + ":" + dir }

// TestRemoteLocations runs every action against locations on a real ssh server on this
// machine, and checks the trees on disc. One server serves all the cases.
func TestRemoteLocations(t *testing.T) {
	srv := startSSHD(t)

	t.Run("backup to a remote BACKUP: odd names, overwrite into its trash, never deletes", func(t *testing.T) {
		e, nas := remoteDocs(t, srv, srv.IdentityFile)
		for _, n := range remoteOddNames {
			e.mkfile(t, "Documents/odd/"+n, "content of "+n)
		}
		e.mkfile(t, "Documents/notes.txt", "new notes")
		e.mkfile(t, "nas/Documents/notes.txt", "old notes")
		setMtime(t, e.path("nas/Documents/notes.txt"), past)
		e.mkfile(t, "nas/Documents/only-in-backup.txt", "kept")

		r := e.run(t, "--backup", "-m", e.path("Documents"))
		require.Equal(t, 0, r.Code, r)
		assert.Empty(t, rsyncLines(r.Stderr), "a BACKUP without a trash yet is normal: %s", r)
		assert.Contains(t, r.Stdout, at(srv, nas))
		for _, n := range remoteOddNames {
			assert.Equal(t, "content of "+n, readFile(t, filepath.Join(nas, "odd", n)), n)
		}
		assert.Equal(t, "new notes", readFile(t, filepath.Join(nas, "notes.txt")))
		assert.Equal(t, "old notes", trashed(t, e, "nas/Documents", "notes.txt"), "the overwritten file is in the remote trash")
		assert.Equal(t, "kept", readFile(t, filepath.Join(nas, "only-in-backup.txt")), "backup never deletes")
		assert.Equal(t, only(tree(t, e.path("Documents")), "odd"), only(tree(t, nas), "odd"))

		// The same run again has nothing to do.
		r = e.run(t, "--backup", e.path("Documents"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "nothing to do")

		// A destination whose parent is missing on the other host: it is made there.
		e.mkfile(t, "Documents/deep/er/f.txt", "f")
		r = e.run(t, "--backup", e.path("Documents/deep/er"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "    + deep/\n")
		assert.Equal(t, "f", readFile(t, filepath.Join(nas, "deep/er/f.txt")))

		// A path that starts with a dash, given after --.
		e.mkfile(t, "Documents/odd/-leading-dash.txt", "changed")
		e.Dir = e.path("Documents/odd")
		r = e.run(t, "--backup", "-m", "--", "-leading-dash.txt")
		require.Equal(t, 0, r.Code, r)
		assert.Equal(t, "changed", readFile(t, filepath.Join(nas, "odd", "-leading-dash.txt")))
	})

	t.Run("prune on a remote BACKUP: what only it holds goes to its trash", func(t *testing.T) {
		e, nas := remoteDocs(t, srv, srv.IdentityFile)
		e.mkfile(t, "Documents/kept.txt", "k")
		e.mkfile(t, "nas/Documents/old name's.txt", "only there")
		e.mkfile(t, "nas/Documents/-old dir/x.txt", "x")

		r := e.run(t, "--backup", "--full", e.path("Documents"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "  3 entries are only in BACKUP "+at(srv, nas)+" (not deleted; micsync prune "+e.path("Documents")+" moves them to its trash):\n"+
			"    -old dir/\n    -old dir/x.txt\n    old name's.txt\n")
		assert.Equal(t, "only there", readFile(t, filepath.Join(nas, "old name's.txt")), "backup never deletes")

		r = e.run(t, "prune", "--yes", "--max-delete", "3", e.path("Documents"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "3 entries deleted")
		assert.False(t, exists(filepath.Join(nas, "old name's.txt")))
		assert.False(t, exists(filepath.Join(nas, "-old dir")))
		assert.Equal(t, "only there", trashed(t, e, "nas/Documents", "old name's.txt"))
		assert.Equal(t, "k", readFile(t, filepath.Join(nas, "kept.txt")))
	})

	t.Run("work from a remote BACKUP deletes with -D and keeps a trash here", func(t *testing.T) {
		e, nas := remoteDocs(t, srv, srv.IdentityFile)
		e.mkfile(t, "nas/Documents/proj/a b.txt", "from the backup")
		e.mkfile(t, "Documents/proj/extra.txt", "only in working")

		r := e.run(t, "--work", "-D", e.path("Documents/proj"))
		require.Equal(t, 0, r.Code, r)
		assert.Equal(t, "from the backup", readFile(t, e.path("Documents/proj/a b.txt")))
		assert.False(t, exists(e.path("Documents/proj/extra.txt")))
		assert.Equal(t, "only in working", trashed(t, e, "Documents", "proj/extra.txt"))
		assert.True(t, exists(filepath.Join(nas, "proj/a b.txt")), "the source is left alone")
	})

	t.Run("work and tree into a remote WORKING", func(t *testing.T) {
		e := newEnv(t)
		laptop := e.path("laptop/Documents")
		e.mkfile(t, "laptop/Documents/proj/old.txt", "only on the laptop")
		e.mkfile(t, "disk/Documents/proj/new.txt", "from the disc")
		e.mkfile(t, "disk/Documents/skeleton/a/b/file.txt", "not copied by tree")
		require.NoError(t, os.MkdirAll(filepath.Join(laptop, "skeleton"), 0o755))
		remoteConfig(t, e, []string{at(srv, laptop)}, []string{"~/disk/Documents"}, sshSettings(srv, srv.IdentityFile))

		r := e.run(t, "--work", "-D", e.path("disk/Documents/proj"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "WORKING: "+at(srv, laptop)+" (the only one reachable)")
		assert.Equal(t, "from the disc", readFile(t, filepath.Join(laptop, "proj/new.txt")))
		assert.False(t, exists(filepath.Join(laptop, "proj/old.txt")))
		assert.Equal(t, "only on the laptop", trashed(t, e, "laptop/Documents", "proj/old.txt"), "the remote WORKING keeps its trash")

		r = e.run(t, "--tree", e.path("disk/Documents/skeleton"))
		require.Equal(t, 0, r.Code, r)
		assert.True(t, exists(filepath.Join(laptop, "skeleton/a/b")))
		assert.False(t, exists(filepath.Join(laptop, "skeleton/a/b/file.txt")))
	})

	t.Run("transfer between a local and a remote BACKUP, never between two remote ones", func(t *testing.T) {
		e := newEnv(t)
		nas, nas2 := e.path("nas/Documents"), e.path("nas2/Documents")
		e.mkfile(t, "disk/Documents/t/a.txt", "a")
		require.NoError(t, os.MkdirAll(nas, 0o755))
		require.NoError(t, os.MkdirAll(nas2, 0o755))
		remoteConfig(t, e, []string{"~/Documents"}, []string{"~/disk/Documents", at(srv, nas), at(srv, nas2)}, sshSettings(srv, srv.IdentityFile))

		r := e.run(t, "--transfer", "--to", at(srv, nas), e.path("disk/Documents/t"))
		require.Equal(t, 0, r.Code, r)
		assert.Equal(t, "a", readFile(t, filepath.Join(nas, "t/a.txt")))

		e.mkfile(t, "nas/Documents/t/b.txt", "b")
		r = e.run(t, "--transfer", "--from", at(srv, nas), "--to", e.path("disk/Documents"), e.path("disk/Documents/t"))
		require.Equal(t, 0, r.Code, r)
		assert.Equal(t, "b", readFile(t, e.path("disk/Documents/t/b.txt")))

		r = e.run(t, "--transfer", "--from", at(srv, nas), "--to", at(srv, nas2), e.path("disk/Documents/t"))
		assert.Equal(t, 1, r.Code, r)
		assert.Contains(t, r.Stderr, "not between two other hosts")
		assert.False(t, exists(filepath.Join(nas2, "t")))
	})

	t.Run("an unreachable host is skipped like an unplugged disc", func(t *testing.T) {
		e := newEnv(t)
		port, err := freePort()
		require.NoError(t, err)
		down := "ssh://" + srv.User + "@" + srv.Host + ":" + strconv.Itoa(port) + e.path("down/Documents")
		e.mkfile(t, "Documents/f.txt", "f")
		require.NoError(t, os.MkdirAll(e.path("disk/Documents"), 0o755))
		require.NoError(t, os.MkdirAll(e.path("nas"), 0o755))
		e.mkfile(t, "nas/other.txt", "the disc is there")
		remoteConfig(t, e, []string{"~/Documents"}, []string{"~/disk/Documents", down, at(srv, "/no/such/dir"), at(srv, e.path("nas/Documents"))}, sshSettings(srv, srv.IdentityFile))

		r := e.run(t, "--backup", e.path("Documents/f.txt"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "skipped BACKUP "+at(srv, e.path("nas/Documents"))+": not created yet on "+srv.User+"@"+srv.Host)
		assert.Regexp(t, `skipped BACKUP `+srv.User+`@127\.0\.0\.1:\S+/down/Documents: no connection: ssh: connect to host 127\.0\.0\.1 port \d+: Connection refused`, r.Stdout)
		assert.Contains(t, r.Stdout, "skipped BACKUP "+at(srv, "/no/such/dir")+": does not exist on "+srv.User+"@"+srv.Host)
		assert.Equal(t, "f", readFile(t, e.path("disk/Documents/f.txt")))

		r = e.run(t, "check")
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "2 of 5 locations reachable now")
	})

	t.Run("a host that accepts the connection but never answers is skipped after the timeout", func(t *testing.T) {
		silent, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		defer silent.Close()
		go func() {
			for {
				c, err := silent.Accept()
				if err != nil {
					return
				}
				defer c.Close() // held open, never a byte written
			}
		}()
		e := newEnv(t)
		e.mkfile(t, "Documents/f.txt", "f")
		require.NoError(t, os.MkdirAll(e.path("disk/Documents"), 0o755))
		ssh := sshSettings(srv, srv.IdentityFile)
		ssh["port"] = silent.Addr().(*net.TCPAddr).Port
		ssh["timeout"] = 1
		remoteConfig(t, e, []string{"~/Documents"}, []string{"~/disk/Documents", at(srv, e.path("nas"))}, ssh)

		// e.run fails the test if micsync is still waiting when its time is up.
		r := e.run(t, "--backup", e.path("Documents/f.txt"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "skipped BACKUP "+at(srv, e.path("nas"))+": no connection")
		assert.Equal(t, "f", readFile(t, e.path("disk/Documents/f.txt")))
	})

	t.Run("a login that needs a password says to set up a key and does not wait", func(t *testing.T) {
		wrongKey := filepath.Join(t.TempDir(), "id_other")
		require.NoError(t, exec.Command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", wrongKey).Run())
		e, nas := remoteDocs(t, srv, wrongKey)
		e.mkfile(t, "Documents/f.txt", "f")

		r := e.run(t, "--backup", e.path("Documents/f.txt"))
		assert.Equal(t, 1, r.Code, r)
		assert.Contains(t, r.Stdout, "ssh could not log in to "+srv.User+"@"+srv.Host+" without a password")
		assert.Contains(t, r.Stdout, "set up a key: ssh-keygen, then ssh-copy-id")
		assert.Contains(t, r.Stderr, "micsync: error: no BACKUP of configuration \"documents\" is reachable")
		assert.False(t, exists(filepath.Join(nas, "f.txt")))

		// Without a terminal, ssh runs in batch mode: it fails instead of asking.
		remoteConfig(t, e, []string{"~/Documents"}, []string{at(srv, nas)}, sshSettings(srv, srv.IdentityFile))
		r = e.run(t, "--backup", "-v", "--yes", e.path("Documents/f.txt"))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, " -o BatchMode=yes'")
		assert.Contains(t, r.Stdout, " -s ")
	})

	t.Run("a remote marker: missing, the location is skipped", func(t *testing.T) {
		e, nas := remoteDocs(t, srv, srv.IdentityFile)
		e.mkfile(t, "Documents/f.txt", "f")

		r := e.run(t, "mark", at(srv, nas))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "marked BACKUP "+at(srv, nas))
		marker := readFile(t, filepath.Join(nas, ".micsync-location"))
		assert.Contains(t, marker, `"configuration": "documents"`)

		r = e.run(t, "mark", at(srv, nas))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "found the marker of BACKUP "+at(srv, nas))
		assert.Equal(t, marker, readFile(t, filepath.Join(nas, ".micsync-location")), "a marker is never rewritten")

		require.NoError(t, os.Remove(filepath.Join(nas, ".micsync-location")))
		r = e.run(t, "--backup", e.path("Documents/f.txt"))
		assert.Equal(t, 1, r.Code, r)
		assert.Contains(t, r.Stdout, "skipped BACKUP "+at(srv, nas)+": its marker .micsync-location is missing")
		assert.False(t, exists(filepath.Join(nas, "f.txt")))
	})

	t.Run("a remote source that is empty deletes nothing", func(t *testing.T) {
		e, _ := remoteDocs(t, srv, srv.IdentityFile)
		e.mkfile(t, "Documents/precious.txt", "precious")

		r := e.run(t, "--work", "-D", e.path("Documents"))
		assert.Equal(t, 1, r.Code, r)
		assert.Contains(t, r.Stderr, "is empty, which looks like a disc that is not mounted")
		assert.Equal(t, "precious", readFile(t, e.path("Documents/precious.txt")))
	})

	t.Run("trash list, restore and empty on a remote location", func(t *testing.T) {
		e, nas := remoteDocs(t, srv, srv.IdentityFile)
		e.mkfile(t, "nas/Documents/taxes/it's.txt", "the good version")
		setMtime(t, e.path("nas/Documents/taxes/it's.txt"), past)
		e.mkfile(t, "Documents/taxes/it's.txt", "overwritten by mistake")

		r := e.run(t, "--backup", "-m", e.path("Documents/taxes"))
		require.Equal(t, 0, r.Code, r)
		require.Equal(t, "overwritten by mistake", readFile(t, filepath.Join(nas, "taxes/it's.txt")))
		runs, err := filepath.Glob(filepath.Join(nas, ".micsync-trash", "*"))
		require.NoError(t, err)
		require.Len(t, runs, 1)
		stamp := filepath.Base(runs[0])

		r = e.run(t, "trash", "list")
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "BACKUP "+at(srv, nas))
		assert.Contains(t, r.Stdout, stamp+"  1 file  16 B")

		r = e.run(t, "trash", "list", stamp)
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "trash run "+stamp+" of BACKUP "+at(srv, nas))
		assert.Contains(t, r.Stdout, "        16 B  taxes/it's.txt\n", "the files of a run on another host")

		var doc struct {
			runDoc
			Source struct {
				Dir string `json:"dir"`
			} `json:"source"`
			Destinations []struct {
				SourceDir string `json:"source_dir"`
			} `json:"destinations"`
		}
		r = readDocs(t).jsonRun(t, e, "run", &doc, "trash", "restore", "--yes", "--json", stamp, "taxes/it's.txt")
		require.Equal(t, 0, r.Code, r)
		assert.Equal(t, "the good version", readFile(t, filepath.Join(nas, "taxes/it's.txt")))
		trashRun := at(srv, filepath.Join(nas, ".micsync-trash", stamp))
		assert.Equal(t, trashRun, doc.Source.Dir, "the trash run on the host, not the copy of it here")
		require.Len(t, doc.Destinations, 1)
		assert.Equal(t, trashRun, doc.Destinations[0].SourceDir)

		runs, err = filepath.Glob(filepath.Join(nas, ".micsync-trash", "*", "taxes", "it's.txt"))
		require.NoError(t, err)
		assert.Len(t, runs, 2, "the restore's own overwrite went to a trash run of its own")

		r = e.run(t, "trash", "empty", "--yes", at(srv, nas))
		require.Equal(t, 0, r.Code, r)
		assert.Contains(t, r.Stdout, "deleted 2 trash runs")
		left, err := os.ReadDir(filepath.Join(nas, ".micsync-trash"))
		require.NoError(t, err)
		assert.Empty(t, left)
		assert.Equal(t, "the good version", readFile(t, filepath.Join(nas, "taxes/it's.txt")), "emptying the trash leaves the location alone")
	})
}
