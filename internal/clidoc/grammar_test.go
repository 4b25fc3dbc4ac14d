package clidoc

import (
	"testing"

	"github.com/alecthomas/kong"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCLI is a small grammar with every kind of flag, argument and command the model knows,
// and help texts that need quoting in every shell and in roff.
type testCLI struct {
	ConfigFile string           `name:"config-file" env:"TEST_CONFIG,OTHER_CONFIG" placeholder:"PATH" help:"Config file; it's \"quoted\"."`
	Version    kong.VersionFlag `help:"Print the version and exit."`
	Debug      bool             `hidden:"" help:"Not shown."`

	Backup struct {
		Modified      bool     `short:"m" help:"Overwrite modified files [all of them]."`
		Yes           bool     `xor:"answer" help:"Answer yes."`
		No            bool     `xor:"answer" help:"Answer no."`
		From          string   `placeholder:"ROOT" help:"Source root."`
		To            []string `placeholder:"ROOT" sep:"none" help:"Destination root; repeatable."`
		Configuration string   `placeholder:"NAME" help:"Configuration: the one to use."`
		Paths         []string `arg:"" name:"path" help:"Files or directories."`
	} `cmd:"" help:"Copy to a BACKUP: it's safe \\ sound."`
	Work struct {
		Modified bool     `short:"m" help:"Overwrite modified files [all of them]."`
		Delete   bool     `short:"d" xor:"delete" help:"Delete, after asking."`
		DeleteNo bool     `short:"D" name:"delete-without-asking" xor:"delete" help:"Delete without asking."`
		Paths    []string `arg:"" name:"path" help:"Files or directories."`
	} `cmd:"" help:".Copy from a BACKUP."`
	Init struct {
		Work    []string `placeholder:"PATH" help:"WORKING location; repeatable."`
		Log     string   `placeholder:"FILE" help:"Log file."`
		Name    string   `placeholder:"KEY:VALUE" help:"Name."`
		Verbose int      `short:"v" type:"counter" help:"More."`
		Jobs    int      `help:"Jobs."`
	} `cmd:"" help:"Create the config."`
	Trash struct {
		Keep string `placeholder:"DIR" help:"Where to keep it."`

		List struct {
			Root string `arg:"" optional:"" placeholder:"ROOT" help:"A location root."`
		} `cmd:"" help:"List the trash."`
		Restore struct {
			Stamp string   `arg:"" placeholder:"STAMP" help:"The trash run."`
			Paths []string `arg:"" optional:"" name:"path" help:"Paths in the trash."`
		} `cmd:"" help:"Restore from the trash."`
		Empty struct{} `cmd:"" help:"Empty the trash."`
	} `cmd:"" help:"The trash."`
	Secret struct{} `cmd:"" hidden:"" help:"Not shown."`
}

// testActions are the commands of testCLI that the original form names as flags; list is a
// subcommand, which is never one.
var testActions = map[string]bool{"backup": true, "work": true, "list": true}

func testGrammar(t *testing.T) Grammar {
	t.Helper()
	k, err := kong.New(&testCLI{}, kong.Name("tool"), kong.Vars{"version": "test"})
	require.NoError(t, err)
	return Read(k.Model, testActions)
}

func TestRead(t *testing.T) {
	g := testGrammar(t)
	assert.Equal(t, []string{"backup", "work", "init", "trash", "trash list", "trash restore", "trash empty"}, g.Paths(),
		"hidden commands left out, each command before its subcommands")
	assert.Equal(t, []string{"backup", "work"}, g.Actions(), "only top-level commands are actions")

	var global []string
	for _, f := range g.Global {
		global = append(global, f.Long)
	}
	assert.Equal(t, []string{"help", "config-file", "version"}, global, "hidden flags left out")
	assert.Equal(t, Flag{Long: "config-file", Help: `Config file; it's "quoted".`, Placeholder: "PATH", Value: "file",
		Env: "TEST_CONFIG", Excludes: []string{"config-file"}}, g.Global[1])

	backup, ok := g.command("backup")
	require.True(t, ok)
	assert.Equal(t, "", backup.Parent)
	assert.True(t, backup.Leaf)
	assert.True(t, backup.Action)
	assert.Equal(t, []Arg{{Name: "path", Help: "Files or directories.", Kind: "file", Repeat: true}}, backup.Args)
	kinds := map[string]Flag{}
	for _, c := range g.Commands {
		for _, f := range c.Flags {
			kinds[c.Path+" --"+f.Long] = f
		}
	}
	assert.Equal(t, "m", kinds["backup --modified"].Short)
	assert.Equal(t, "", kinds["backup --modified"].Value)
	assert.Equal(t, "", kinds["backup --modified"].Placeholder, "no value, no placeholder")
	assert.Equal(t, []string{"yes", "no"}, kinds["backup --yes"].Excludes, "itself and its xor group")
	assert.Equal(t, []string{"modified"}, kinds["backup --modified"].Excludes)
	assert.Equal(t, "root", kinds["backup --from"].Value)
	assert.False(t, kinds["backup --from"].Repeat)
	assert.True(t, kinds["backup --to"].Repeat)
	assert.Equal(t, "configuration", kinds["backup --configuration"].Value)
	assert.Equal(t, "file", kinds["init --work"].Value)
	assert.Equal(t, "file", kinds["init --log"].Value)
	assert.Equal(t, "file", kinds["trash --keep"].Value)
	assert.Equal(t, "text", kinds["init --name"].Value)
	assert.Equal(t, "", kinds["init --verbose"].Value, "a counter takes no value")
	assert.Equal(t, "text", kinds["init --jobs"].Value)
	assert.Equal(t, "JOBS", kinds["init --jobs"].Placeholder, "the name when no placeholder is given")

	trash, ok := g.command("trash")
	require.True(t, ok)
	assert.False(t, trash.Leaf)
	assert.False(t, trash.Action)
	assert.Empty(t, trash.Args)
	list, ok := g.command("trash list")
	require.True(t, ok)
	assert.Equal(t, "trash", list.Parent)
	assert.Equal(t, "list", list.Name)
	assert.False(t, list.Action, "a subcommand is not an action")
	assert.Equal(t, []Arg{{Name: "root", Help: "A location root.", Kind: "root", Optional: true}}, list.Args)
	restore, _ := g.command("trash restore")
	assert.Equal(t, []Arg{{Name: "stamp", Help: "The trash run.", Kind: "stamp"},
		{Name: "path", Help: "Paths in the trash.", Kind: "file", Optional: true, Repeat: true}}, restore.Args)

	_, ok = g.command("secret")
	assert.False(t, ok)
}

func TestGrammarMethods(t *testing.T) {
	g := testGrammar(t)
	assert.Equal(t, []string{"", "trash"}, g.Parents())
	var leaves []string
	for _, c := range g.Leaves() {
		leaves = append(leaves, c.Path)
	}
	assert.Equal(t, []string{"backup", "work", "init", "trash list", "trash restore", "trash empty"}, leaves)
	assert.Equal(t, []string{"backup", "work", "init", "trash"}, g.ChildNames(""))
	assert.Equal(t, []string{"list", "restore", "empty"}, g.ChildNames("trash"))
	assert.Empty(t, g.Children("backup"))

	assert.Equal(t, []string{"--backup", "--work", "--help", "-h", "--config-file", "--version"}, g.Options(""),
		"before any command the action flags and the global flags")
	assert.Equal(t, []string{"--keep", "--help", "-h", "--config-file", "--version"}, g.Options("trash list"),
		"a parent's flags are valid after its subcommands")
	assert.Contains(t, g.Options("work"), "-D")
	assert.NotContains(t, g.Options("backup"), "--delete")
	assert.Len(t, g.Flags("nothing"), len(g.Global), "an unknown command has the global flags")
}
