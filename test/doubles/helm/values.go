package main

// User-supplied values as Helm merges them (pkg/cli/values/options.go):
// each -f file (a path, or - for stdin) merged over the previous ones (maps
// deep, anything else replaced), then each --set (a.b=c, comma-separated;
// true/false, integers and null typed as strvals types them).

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

func toYAML(v interface{}) (string, error) {
	b, err := yaml.Marshal(v)
	return string(b), err
}

func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]interface{}); ok {
			if bv, ok := out[k]; ok {
				if bm, ok := bv.(map[string]interface{}); ok {
					out[k] = mergeMaps(bm, vm)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

func readValues(f *parsed) (map[string]interface{}, error) {
	vals := map[string]interface{}{}
	for _, file := range f.all("values") {
		var b []byte
		var err error
		if file == "-" {
			b, err = io.ReadAll(os.Stdin)
		} else {
			b, err = os.ReadFile(file)
		}
		if err != nil {
			return nil, fmt.Errorf("open %s: no such file or directory", file)
		}
		cur := map[string]interface{}{}
		if err := yaml.Unmarshal(b, &cur); err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", file, err)
		}
		vals = mergeMaps(vals, cur)
	}
	for _, set := range f.all("set") {
		for _, kv := range splitSet(set) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, fmt.Errorf("failed parsing --set data: key %q has no value", kv)
			}
			setPath(vals, strings.Split(k, "."), typed(v))
		}
	}
	for _, set := range f.all("set-string") {
		for _, kv := range splitSet(set) {
			k, v, _ := strings.Cut(kv, "=")
			setPath(vals, strings.Split(k, "."), v)
		}
	}
	return vals, nil
}

func splitSet(s string) []string {
	var out []string
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			cur.WriteByte(s[i+1])
			i++
			continue
		}
		if s[i] == ',' {
			out = append(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteByte(s[i])
	}
	return append(out, cur.String())
}

func typed(v string) interface{} {
	switch v {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && (v == "0" || !strings.HasPrefix(v, "0")) {
		return n
	}
	return v
}

func setPath(m map[string]interface{}, path []string, v interface{}) {
	for _, p := range path[:len(path)-1] {
		next, ok := m[p].(map[string]interface{})
		if !ok {
			next = map[string]interface{}{}
			m[p] = next
		}
		m = next
	}
	m[path[len(path)-1]] = v
}

// get reads a dotted path of the values, or def.
func get(vals map[string]interface{}, path string, def interface{}) interface{} {
	var cur interface{} = vals
	for _, p := range strings.Split(path, ".") {
		m, ok := cur.(map[string]interface{})
		if !ok {
			return def
		}
		if cur, ok = m[p]; !ok || cur == nil {
			return def
		}
	}
	return cur
}

func str(vals map[string]interface{}, path string, def string) string {
	v := get(vals, path, def)
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

func boolean(vals map[string]interface{}, path string, def bool) bool {
	switch x := get(vals, path, def).(type) {
	case bool:
		return x
	case string:
		b, _ := strconv.ParseBool(x)
		return b
	}
	return def
}

func integer(vals map[string]interface{}, path string, def int64) int64 {
	switch x := get(vals, path, def).(type) {
	case float64:
		return int64(x)
	case int64:
		return x
	case int:
		return int64(x)
	case string:
		if n, err := strconv.ParseInt(x, 10, 64); err == nil {
			return n
		}
	}
	return def
}
