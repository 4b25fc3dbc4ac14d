package run

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"micsync/internal/ui"
	"micsync/locations"
	"micsync/prompt"
)

// InitRequest is what micsync init was given: the configuration, or nothing to ask for it.
type InitRequest struct {
	Name         string
	Work, Backup []string
	Force        bool // replace the config file if it exists
	Add          bool // add the configuration to the config file if it exists
	Create       bool // create the locations that are not created yet
}

// Init creates the config file, or adds a configuration to it: from the request, for scripts, or
// by asking on the terminal. The file is written only once it passes the checks of every run.
func Init(env *Env, c InitRequest) error {
	path, err := env.Config()
	if err != nil {
		return err
	}
	existing, err := os.ReadFile(path)
	exists := err == nil
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return ui.Failure(fmt.Errorf("read config: %w", err))
	}
	var prior *locations.File // the configurations to add to
	switch {
	case exists && !c.Force && !c.Add:
		return ui.Usage(fmt.Errorf("config file %s already exists", ui.Show(path)),
			"add a configuration to it with micsync init --add", "replace it with micsync init --force",
			"see what it holds with micsync check")
	case exists && c.Add:
		if prior, err = locations.Load(path); err != nil {
			return ui.Usage(err, "fix it before adding to it, or replace it with micsync init --force")
		}
	default:
		existing = nil // a new file, or --force
	}

	var e locations.Entry
	var create []string // the directories to create, once the configuration is known to be valid
	asked := c.Name == "" && len(c.Work) == 0 && len(c.Backup) == 0
	if asked {
		if e, create, err = interview(env, path, prior); err != nil {
			return err
		}
	} else {
		if c.Name == "" || len(c.Work) == 0 || len(c.Backup) == 0 {
			return ui.Usage(errors.New("--name, --work and --backup are all needed"),
				"for example: micsync init --name documents --work ~/Documents --backup /run/media/me/disk/Documents",
				"or run micsync init without them on a terminal: it asks")
		}
		e = locations.Entry{Name: c.Name, Work: absPaths(c.Work, env.Cwd), Backup: absPaths(c.Backup, env.Cwd)}
	}

	data, err := locations.Render(existing, e)
	if err != nil {
		return ui.Usage(fmt.Errorf("config %s: %w", ui.Show(path), err))
	}
	// The file must pass the checks of every run before anything is made for it.
	var ce *locations.ConfigError
	if _, err := locations.Check(path, data); errors.As(err, &ce) {
		return ui.Usage(err, "nothing was written")
	} else if err != nil {
		return ui.Failure(err)
	}
	if !asked {
		if create, err = toCreate(e, filepath.Dir(path), c.Create); err != nil {
			return err
		}
	}
	made, err := mkdirs(create)
	if err != nil {
		return err
	}
	written := false
	defer func() {
		if !written {
			unmake(made)
		}
	}()

	f, err := locations.WriteFile(path, data)
	switch {
	case errors.As(err, &ce):
		return ui.Usage(err, "nothing was written")
	case err != nil:
		return ui.Failure(err)
	}
	written = true
	for _, d := range made {
		env.Out.Printf("created directory %s\n", ui.Show(d))
	}
	verb := "created"
	switch {
	case prior != nil:
		verb = fmt.Sprintf("added configuration %q to", e.Name)
	case exists:
		verb = "replaced"
	}
	env.Out.Printf("%s %s\n\n", verb, ui.Show(f.Path))
	showConfig(env, f.Lookup(e.Name))
	env.Out.Printf("\nnext: micsync check shows every configuration; micsync --backup %s copies to the BACKUPs\n",
		ui.Show(e.Work[0]))
	return nil
}

// toCreate returns the directories of e's locations that are not created yet, for create to
// make; without create, such a location is refused: every run would skip it.
func toCreate(e locations.Entry, dir string, create bool) ([]string, error) {
	var out []string
	for _, raw := range slices.Concat(e.Work, e.Backup) {
		p, missing := locations.NotCreated(raw, dir)
		switch {
		case !missing || slices.Contains(out, p):
		case !create:
			return nil, ui.Usage(fmt.Errorf("%s is not created yet: it does not exist, but its parent directory does", ui.Show(p)),
				"create it with micsync init --create (and the same options), or mkdir -p "+ui.Show(p)+" first")
		default:
			out = append(out, p)
		}
	}
	return out, nil
}

// mkdirs creates the directories ps, whose parents exist, with the mode the umask leaves, and
// returns those it made. When one fails, those made are removed again.
func mkdirs(ps []string) ([]string, error) {
	var made []string
	for _, p := range ps {
		err := os.Mkdir(p, 0o777)
		switch {
		case errors.Is(err, fs.ErrExist): // made meanwhile: not ours to remove
		case err != nil:
			unmake(made)
			return nil, ui.Failure(fmt.Errorf("create %s: %w", ui.Show(p), err), "nothing was written")
		default:
			made = append(made, p)
		}
	}
	return made, nil
}

// unmake removes the directories that init made, when the config file was not written after
// all: nothing is left behind. They are empty; one that is not stays.
func unmake(made []string) {
	for i := len(made) - 1; i >= 0; i-- {
		_ = os.Remove(made[i])
	}
}

// interview asks for the configuration on the terminal, checking each answer as it is typed,
// and returns it with the directories to create: a location that is not created yet is made
// if the user says so.
func interview(env *Env, path string, prior *locations.File) (locations.Entry, []string, error) {
	ask := env.Ask
	var e locations.Entry
	dir := filepath.Dir(path)
	name, err := ask.Input("Name of the configuration:", "A short name for a set of locations, such as documents or photos.",
		func(s string) error {
			switch {
			case strings.TrimSpace(s) == "":
				return errors.New("a configuration needs a name")
			case prior != nil && prior.Lookup(strings.TrimSpace(s)) != nil:
				return fmt.Errorf("%s already has a configuration %q", path, strings.TrimSpace(s))
			}
			return nil
		})
	if err != nil {
		return e, nil, initAskErr(err)
	}
	e.Name = strings.TrimSpace(name)
	var create []string

	// Each location is checked with the ones before it: a BACKUP inside a WORKING is refused at once.
	for _, q := range []struct {
		role        locations.Role
		list        *[]string
		first, more string
		help        string
	}{
		{locations.Work, &e.Work, "WORKING location (a directory you work in):", "Another WORKING location (Enter when done):",
			"A directory whose files micsync copies to the BACKUPs, such as ~/Documents. It must exist, or be created now."},
		{locations.Backup, &e.Backup, "BACKUP location (where the copies go):", "Another BACKUP location (Enter when done):",
			"A directory on another disc, such as /run/media/me/disk1/Documents. Its disc may be unplugged now."},
	} {
		for {
			message := q.first
			if len(*q.list) > 0 {
				message = q.more
			}
			answer, err := ask.Input(message, q.help, func(s string) error {
				s = strings.TrimSpace(s)
				if s == "" {
					if len(*q.list) == 0 {
						return fmt.Errorf("a configuration needs at least one %s location", q.role)
					}
					return nil
				}
				return checkAnswer(q.role, absPath(s, env.Cwd), e, dir, prior)
			})
			if err != nil {
				return e, nil, initAskErr(err)
			}
			if answer = strings.TrimSpace(answer); answer == "" {
				break
			}
			p := absPath(answer, env.Cwd)
			if dir, missing := locations.NotCreated(p, filepath.Dir(path)); missing {
				yes, err := ask.Confirm(fmt.Sprintf("%s does not exist yet. Create it?", ui.Show(dir)), true)
				if err != nil {
					return e, nil, initAskErr(err)
				}
				switch {
				case yes:
					create = append(create, dir)
				case q.role == locations.Work:
					continue // a WORKING must exist: ask again
				}
			}
			*q.list = append(*q.list, p)
		}
	}
	return e, create, nil
}

// checkAnswer checks a location typed for e with the rules of the config file, also against the
// configurations of prior, the file added to (or nil), and that a WORKING exists: it is where
// the user works now, so a missing one is a typing mistake.
func checkAnswer(r locations.Role, p string, e locations.Entry, dir string, prior *locations.File) error {
	work, backup := e.Work, e.Backup
	if r == locations.Work {
		work = append(slices.Clip(work), p)
	} else {
		backup = append(slices.Clip(backup), p)
	}
	var others []*locations.Config
	if prior != nil {
		others = prior.Configs
	}
	if err := locations.CheckLocations(work, backup, dir, others); err != nil {
		return err
	}
	if _, missing := locations.NotCreated(p, dir); missing {
		return nil // asked about once typed
	}
	if r == locations.Work && !locations.IsRemote(p) {
		full := p
		if home := os.Getenv("HOME"); strings.HasPrefix(p, "~/") && home != "" {
			full = filepath.Join(home, p[2:])
		}
		if fi, err := os.Stat(full); err != nil || !fi.IsDir() {
			return fmt.Errorf("%s is not a directory; give one that exists (use --work for one that is not mounted now)", p)
		}
	}
	return nil
}

// absPaths makes each path absolute with absPath.
func absPaths(ps []string, cwd string) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = absPath(p, cwd)
	}
	return out
}

// absPath makes a relative path absolute against cwd, as the shell would read it: the config
// file would read it relative to its own directory. "~" and "~/..." are kept for the file to
// stay valid if the home directory moves. A location on another host is kept as it is.
func absPath(p, cwd string) string {
	if p == "" || p == "~" || strings.HasPrefix(p, "~/") || filepath.IsAbs(p) || locations.IsRemote(p) {
		return p
	}
	return filepath.Join(cwd, p)
}

// initAskErr turns a failed question into the error the user sees.
func initAskErr(err error) error {
	switch {
	case errors.Is(err, prompt.ErrNoTerminal):
		return ui.Usage(errors.New("micsync init asks its questions on a terminal, and there is none"),
			"give the configuration with --name NAME --work PATH --backup PATH")
	case errors.Is(err, prompt.ErrInterrupted):
		return err
	}
	return ui.Failure(err)
}
