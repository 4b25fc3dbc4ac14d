package locations

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"micsync/internal/spell"
)

// schema is the keys an object of the config file may hold, and for the keys whose value holds
// objects, the schema of those objects (a list of objects has the schema of its items).
type schema struct {
	what string // how a message names the object: "the top level", "a configuration"
	keys []string
	sub  map[string]*schema
}

var (
	sshSchema    = &schema{what: `"ssh"`, keys: []string{"port", "identity", "options", "timeout"}}
	configSchema = &schema{what: "a configuration", keys: []string{"name", "work", "backup", "ssh", "keep", "exclude", "only", "gitignore"},
		sub: map[string]*schema{"ssh": sshSchema}}
	topSchema = &schema{what: "the top level", keys: []string{"configs"},
		sub: map[string]*schema{"configs": configSchema}}
)

// keyError is a key that the config file may not hold where it is: unknown, or given twice.
// config is the index of the configuration it is in, or -1.
type keyError struct {
	config int
	offset int    // of the key's opening quote
	what   string // `unknown key "bakup"`
	why    string // `did you mean "backup"?`
}

// checkKeys walks data, valid JSON, and returns the first key that is unknown or given twice,
// at any level, or nil. A value of the wrong type is left for the decoding to report.
func checkKeys(data []byte) *keyError {
	dec := json.NewDecoder(bytes.NewReader(data))
	w := keyWalker{dec: dec, data: data, config: -1}
	return w.value(topSchema, false)
}

type keyWalker struct {
	dec    *json.Decoder
	data   []byte
	config int // the configuration the walk is in, or -1
}

// value reads one value; s is the schema it must follow if it is an object (or, with list, a
// list of objects), nil for any value.
func (w *keyWalker) value(s *schema, list bool) *keyError {
	tok, err := w.dec.Token()
	if err != nil {
		return nil // not valid JSON: the decoding says where
	}
	switch tok {
	case json.Delim('['):
		for i := 0; w.dec.More(); i++ {
			if list && s == configSchema {
				w.config = i
			}
			item := s
			if !list {
				item = nil
			}
			if ke := w.value(item, false); ke != nil {
				return ke
			}
		}
		if list && s == configSchema {
			w.config = -1
		}
		_, _ = w.dec.Token() // ']'
	case json.Delim('{'):
		if list {
			s = nil // an object where a list belongs: the decoding says so
		}
		seen := map[string]int{}
		for w.dec.More() {
			tok, err := w.dec.Token()
			if err != nil {
				return nil
			}
			key, _ := tok.(string)
			at := w.keyStart(int(w.dec.InputOffset()))
			if s != nil {
				if prev, ok := seen[key]; ok {
					line, col := position(w.data, int64(prev)+1)
					return w.fail(at, fmt.Sprintf("key %q given twice", key), fmt.Sprintf("it is also at line %d, column %d; keep one", line, col))
				}
				seen[key] = at
				if !slices.Contains(s.keys, key) {
					return w.fail(at, fmt.Sprintf("unknown key %q", key), unknownKey(s, key))
				}
			}
			var sub *schema
			if s != nil {
				sub = s.sub[key]
			}
			if ke := w.value(sub, key == "configs" && s == topSchema); ke != nil {
				return ke
			}
		}
		_, _ = w.dec.Token() // '}'
	}
	return nil
}

func (w *keyWalker) fail(offset int, what, why string) *keyError {
	return &keyError{config: w.config, offset: offset, what: what, why: why}
}

// keyStart returns the offset of the opening quote of the key whose token ends at end, just
// past its closing quote.
func (w *keyWalker) keyStart(end int) int {
	for i := end - 2; i >= 0; i-- {
		if w.data[i] != '"' {
			continue
		}
		backslashes := 0
		for j := i - 1; j >= 0 && w.data[j] == '\\'; j-- {
			backslashes++
		}
		if backslashes%2 == 0 {
			return i
		}
	}
	return 0
}

// unknownKey says, for a key that does not belong in an object of schema s, which key was
// probably meant: one within two edits of it; or else which keys there are.
func unknownKey(s *schema, key string) string {
	best, dist := "", 3
	for _, k := range s.keys {
		if d := spell.Distance(strings.ToLower(key), k); d < dist {
			best, dist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %q?", best)
	}
	quoted := make([]string, len(s.keys))
	for i, k := range s.keys {
		quoted[i] = fmt.Sprintf("%q", k)
	}
	keys := quoted[0]
	if n := len(quoted); n > 1 {
		keys = strings.Join(quoted[:n-1], ", ") + " and " + quoted[n-1]
	}
	if len(quoted) == 1 {
		return fmt.Sprintf("%s holds only %s", s.what, keys)
	}
	return fmt.Sprintf("the keys of %s are %s", s.what, keys)
}

// trailingComma returns the offset of a comma that stands just before the '}' or ']' at
// offset (whitespace between them aside), or -1: JSON allows no comma after the last item.
func trailingComma(data []byte, offset int) int {
	if offset < 0 || offset >= len(data) || (data[offset] != '}' && data[offset] != ']') {
		return -1
	}
	for i := offset - 1; i >= 0; i-- {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			continue
		case ',':
			return i
		}
		return -1
	}
	return -1
}
