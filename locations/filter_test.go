package locations

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExcludeOnlyAndGitignore(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	path := filepath.Join(tmp, "micsync.json")
	writeFile(t, path, `{"configs": [
		{"name": "code", "work": ["/w1"], "backup": ["/b1"], "exclude": ["*.tmp", "node_modules/", "/Downloads/cache/"], "gitignore": true},
		{"name": "photos", "work": ["/w2"], "backup": ["/b2"], "only": ["*.jpg", "*.cr2"]},
		{"name": "plain", "work": ["/w3"], "backup": ["/b3"]}]}`)
	f, err := Load(path)
	require.NoError(t, err)
	require.Len(t, f.Configs, 3)
	assert.Equal(t, []string{"*.tmp", "node_modules/", "/Downloads/cache/"}, f.Configs[0].Exclude)
	assert.True(t, f.Configs[0].GitIgnore)
	assert.Equal(t, []string{"*.jpg", "*.cr2"}, f.Configs[1].Only)
	assert.Nil(t, f.Configs[2].Exclude)
	assert.False(t, f.Configs[2].GitIgnore)
}

func TestBadPatternsAreRefusedWithFileConfigurationAndPattern(t *testing.T) {
	tmp := tempDir(t)
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	path := filepath.Join(tmp, "micsync.json")
	for body, problem := range map[string]string{
		`"exclude": ["*.tmp", ""]`:      `"exclude" holds an empty pattern`,
		`"only": ["  "]`:                `"only" holds an empty pattern`,
		`"exclude": ["a\nb"]`:           `"exclude" holds the pattern "a\nb", which has a line break or NUL in it`,
		`"exclude": "*.tmp"`:            `"exclude" must be a list of patterns`,
		`"gitignore": "yes"`:            `"gitignore" must be true or false`,
		`"exclude": ["x"], "exlude": 1`: `unknown key "exlude"`,
	} {
		writeFile(t, path, `{"configs": [{"name": "code", "work": ["/w1"], "backup": ["/b1"], `+body+`}]}`)
		_, err := Load(path)
		var ce *ConfigError
		require.True(t, errors.As(err, &ce), "%s: %v", body, err)
		assert.Equal(t, path, ce.File)
		assert.Equal(t, `configuration "code"`, ce.Config, body)
		assert.Contains(t, ce.Problem, problem)
	}
}
