package main

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// kong replaces bytes that are not UTF-8 in arguments with U+FFFD, which would turn a file
// named in Latin-1 into a name that does not exist. hideRaw swaps such arguments (or the value
// of --flag=value) for placeholders before parsing; restoreRaw puts the exact bytes back into
// the parsed grammar.
func hideRaw(args []string) ([]string, map[string]string) {
	raw := map[string]string{}
	out := make([]string, len(args))
	for i, a := range args {
		if utf8.ValidString(a) {
			out[i] = a
			continue
		}
		prefix, value := "", a
		if strings.HasPrefix(a, "--") {
			if name, v, ok := strings.Cut(a, "="); ok && utf8.ValidString(name) {
				prefix, value = name+"=", v
			}
		}
		key := fmt.Sprintf("\uE000micsync-argument-%d\uE000", i)
		raw[key] = value
		out[i] = prefix + key
	}
	return out, raw
}

func restoreRaw(v reflect.Value, raw map[string]string) {
	if len(raw) == 0 {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if !v.IsNil() {
			restoreRaw(v.Elem(), raw)
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			restoreRaw(v.Field(i), raw)
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			restoreRaw(v.Index(i), raw)
		}
	case reflect.String:
		if s, ok := raw[v.String()]; ok && v.CanSet() {
			v.SetString(s)
		}
	}
}
