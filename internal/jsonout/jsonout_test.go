package jsonout

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNameIsAStringWhenUTF8AndBase64Otherwise(t *testing.T) {
	for _, tc := range []struct {
		name, json string
	}{
		{"café/ü.txt", `"café/ü.txt"`},
		{"caf\xe9", `{"base64":"Y2Fm6Q=="}`},
		{"", `""`},
	} {
		b, err := json.Marshal(Name(tc.name))
		require.NoError(t, err)
		assert.JSONEq(t, tc.json, string(b))
		var back Name
		require.NoError(t, json.Unmarshal(b, &back))
		assert.Equal(t, tc.name, string(back), "round trip of %q", tc.name)
	}
	var n Name
	assert.Error(t, json.Unmarshal([]byte(`{"hex":"00"}`), &n))
	assert.Error(t, json.Unmarshal([]byte(`{"base64":"!!"}`), &n))
}

func TestTimeIsRFC3339ToTheSecondAndZeroIsNull(t *testing.T) {
	at := time.Date(2026, 12, 2, 20, 30, 15, 999, time.FixedZone("", 3600))
	b, err := json.Marshal(Time(at))
	require.NoError(t, err)
	assert.Equal(t, `"2026-12-02T20:30:15+01:00"`, string(b))
	var back Time
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, at.Truncate(time.Second).Equal(time.Time(back)))

	b, err = json.Marshal(Time{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(b))
	require.NoError(t, json.Unmarshal([]byte("null"), &back))
	assert.True(t, time.Time(back).IsZero())
}

func TestWriteOneDocumentWithItsHeader(t *testing.T) {
	var buf bytes.Buffer
	doc := struct {
		Header
		Path Name `json:"path"`
	}{NewHeader("status"), "a<b>&c"}
	require.NoError(t, Write(&buf, doc))
	assert.JSONEq(t, `{"version":1,"command":"status","path":"a<b>&c"}`, buf.String())
	assert.Contains(t, buf.String(), "a<b>&c", "no HTML escaping of names")
	assert.Equal(t, byte('\n'), buf.Bytes()[buf.Len()-1])
}
