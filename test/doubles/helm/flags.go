package main

// Flags as cobra/pflag parse them: --name=value, --name value, -n value,
// booleans with an optional =true|false, flags with a default when bare
// (NoOptDefVal: v4's --wait is "watcher", --dry-run is "client"), repeated
// flags collected. An unknown flag is cobra's "unknown flag: --x".

import (
	"strconv"
	"strings"
)

type flagKind int

const (
	flagBool flagKind = iota
	flagString
	flagArray
	flagOptional // a string that may be given bare
)

var globalFlags = map[string]flagKind{
	"kubeconfig": flagString, "kube-context": flagString, "namespace": flagString, "n": flagString,
	"debug": flagBool, "kube-apiserver": flagString, "kube-token": flagString, "kube-insecure-skip-tls-verify": flagBool,
}

// bare values of the optional-value flags
var bareValue = map[string]string{"wait": "watcher", "dry-run": "client"}

type parsed struct {
	values map[string][]string
	args   []string
}

func (p *parsed) str(name string) string {
	v := p.values[name]
	if len(v) == 0 {
		return ""
	}
	return v[len(v)-1]
}

func (p *parsed) has(name string) bool { return len(p.values[name]) > 0 }

func (p *parsed) bool(name string) bool {
	b, _ := strconv.ParseBool(p.str(name))
	return b
}

func (p *parsed) all(name string) []string { return p.values[name] }

var shortNames = map[string]string{"n": "namespace", "f": "values", "o": "output", "a": "all", "q": "short", "i": "install", "A": "all-namespaces"}

func parseFlags(argv []string, spec map[string]flagKind) (*parsed, error) {
	p := &parsed{values: map[string][]string{}}
	kinds := map[string]flagKind{}
	for k, v := range globalFlags {
		kinds[k] = v
	}
	for k, v := range spec {
		kinds[k] = v
	}
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if a == "--" {
			p.args = append(p.args, argv[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			p.args = append(p.args, a)
			continue
		}
		long := strings.HasPrefix(a, "--")
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !long {
			full, ok := shortNames[name]
			if !ok {
				return nil, fail("unknown shorthand flag: '%s' in %s", name, a)
			}
			name = full
		}
		kind, ok := kinds[name]
		if !ok {
			if long {
				return nil, fail("unknown flag: --%s", name)
			}
			return nil, fail("unknown shorthand flag: '%s' in %s", strings.TrimLeft(a, "-"), a)
		}
		switch kind {
		case flagBool:
			if !hasValue {
				value = "true"
			} else if _, err := strconv.ParseBool(value); err != nil {
				return nil, fail("invalid argument %q for %q flag: strconv.ParseBool: parsing %q: invalid syntax", value, "--"+name, value)
			}
		case flagOptional:
			if !hasValue {
				value = bareValue[name]
			}
		default:
			if !hasValue {
				if i+1 >= len(argv) {
					return nil, fail("flag needs an argument: --%s", name)
				}
				i++
				value = argv[i]
			}
		}
		if name == "n" {
			name = "namespace"
		}
		p.values[name] = append(p.values[name], value)
	}
	return p, nil
}
