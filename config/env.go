package config

import (
	"crypto/rand"
	"encoding"
	"encoding/hex"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

const envPrefix = "QUARTIER_"

// applyEnv overrides cfg with every QUARTIER_<SECTION>_<KEY> variable in
// environ. An unknown variable under the prefix is an error, so a typo is
// never silently ignored.
func applyEnv(cfg *Config, environ []string) error {
	fields := envFields(reflect.ValueOf(cfg).Elem())
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) || notAKey(name) {
			continue
		}
		f, known := fields[name]
		if !known {
			return fmt.Errorf("environment variable %s: unknown key", name)
		}
		if err := setField(f.value, value); err != nil {
			return fmt.Errorf("environment variable %s (%s): %w", name, f.key, err)
		}
	}
	return nil
}

// notAKey reports whether name is one of the QUARTIER_ variables that are
// not configuration keys: QUARTIER_CONFIG (the file to read) and the test
// and benchmark tooling's QUARTIER_TEST_* and QUARTIER_BENCH_* (the
// PostgreSQL server of a test run, say), which a serve started by a
// test or a script inherits.
func notAKey(name string) bool {
	return name == envPrefix+"CONFIG" || strings.HasPrefix(name, envPrefix+"TEST_") || strings.HasPrefix(name, envPrefix+"BENCH_")
}

type envField struct {
	key   string // section.key, as in the TOML file
	value reflect.Value
}

// envFields maps QUARTIER_SECTION_KEY to the settable field for each key.
func envFields(root reflect.Value) map[string]envField {
	out := map[string]envField{}
	rt := root.Type()
	for i := range rt.NumField() {
		section := rt.Field(i).Tag.Get("toml")
		sv := root.Field(i)
		st := sv.Type()
		for j := range st.NumField() {
			key := st.Field(j).Tag.Get("toml")
			name := envPrefix + strings.ToUpper(section+"_"+key)
			out[name] = envField{key: section + "." + key, value: sv.Field(j)}
		}
	}
	return out
}

func setField(v reflect.Value, s string) error {
	if tu, ok := v.Addr().Interface().(encoding.TextUnmarshaler); ok {
		return tu.UnmarshalText([]byte(s))
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Int, reflect.Int64:
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil {
			return fmt.Errorf("want an integer, got %q", s)
		}
		v.SetInt(n)
	case reflect.Bool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return fmt.Errorf("want true or false, got %q", s)
		}
		v.SetBool(b)
	case reflect.Slice:
		var items []string
		for item := range strings.SplitSeq(s, ",") {
			if item = strings.TrimSpace(item); item != "" {
				items = append(items, item)
			}
		}
		v.Set(reflect.ValueOf(items))
	default:
		return fmt.Errorf("unsupported kind %s", v.Kind())
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generate secret: %w", err)
	}
	return hex.EncodeToString(b), nil
}
