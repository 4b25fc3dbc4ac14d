// Package jsonout writes micsync's --json documents: one JSON object on stdout per run, in the
// form docs/JSON.md documents. Every document carries the schema's version and the command
// that wrote it; sizes are numbers of bytes, times RFC 3339, and names that are not UTF-8 are
// carried losslessly as Name says.
package jsonout

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// Version is the version of the documents' schema. It grows when a field changes meaning or
// goes; new fields do not change it.
const Version = 1

// Header begins every document: embed it first.
type Header struct {
	Version int    `json:"version"`
	Command string `json:"command"` // "backup", "status", "trash list", ...
}

// NewHeader returns the header of a document that command writes.
func NewHeader(command string) Header { return Header{Version: Version, Command: command} }

// Name is a file name or path as the filesystem holds it, bytes and all. In JSON it is a string
// when it is valid UTF-8, and otherwise an object {"base64": "..."} that holds its bytes
// (standard base64, with padding): a name in Latin-1 survives the trip.
type Name string

// MarshalJSON writes the name as a string, or as {"base64": ...} when it is not UTF-8.
func (n Name) MarshalJSON() ([]byte, error) {
	if utf8.ValidString(string(n)) {
		return plain(string(n))
	}
	return plain(struct {
		Base64 string `json:"base64"`
	}{base64.StdEncoding.EncodeToString([]byte(n))})
}

// plain marshals v as encoding/json does, but leaves <, > and & as they are: the documents
// are read by programs, not embedded in HTML.
func plain(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON reads either form.
func (n *Name) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*n = Name(s)
		return nil
	}
	var o struct {
		Base64 *string `json:"base64"`
	}
	if err := json.Unmarshal(b, &o); err != nil || o.Base64 == nil {
		return fmt.Errorf("a name is a string or {\"base64\": ...}, not %s", b)
	}
	raw, err := base64.StdEncoding.DecodeString(*o.Base64)
	if err != nil {
		return fmt.Errorf("name: %w", err)
	}
	*n = Name(raw)
	return nil
}

// Names converts names for a document.
func Names(ns []string) []Name {
	out := make([]Name, len(ns))
	for i, n := range ns {
		out[i] = Name(n)
	}
	return out
}

// Time is an instant as RFC 3339 with the offset of this machine's zone, to the second; the
// zero time is null.
type Time time.Time

// MarshalJSON writes the time, or null for the zero time.
func (t Time) MarshalJSON() ([]byte, error) {
	if time.Time(t).IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(time.Time(t).Truncate(time.Second).Format(time.RFC3339))
}

// UnmarshalJSON reads an RFC 3339 time or null.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*t = Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return err
	}
	*t = Time(v)
	return nil
}

// Write writes doc, a document that embeds a Header, to w as indented JSON, ended by a newline.
func Write(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write JSON: %w", err)
	}
	return nil
}
