// A stand-in for the helm CLI (Helm 3.21 / 4.2) for tsplay's tests: the
// subcommands and flags the helm_release module uses, with Helm's JSON
// shapes, messages and exit codes, keeping releases as Helm does (Secrets
// sh.helm.release.v1.NAME.vN) and creating a few representative objects of
// the lab's charts through the API server. See README.md.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"
)

// exitError ends the command with Helm's "Error: ..." line and an exit code.
type exitError struct {
	msg  string
	code int
}

func (e *exitError) Error() string { return e.msg }

func fail(format string, a ...interface{}) error {
	return &exitError{msg: fmt.Sprintf(format, a...), code: 1}
}

func main() {
	logCall(os.Args[1:])
	err := run(os.Args[1:])
	if err == nil {
		return
	}
	code := 1
	msg := err.Error()
	if e, ok := err.(*exitError); ok {
		code = e.code
	}
	if msg != "" {
		fmt.Fprintf(os.Stderr, "Error: %s\n", msg)
	}
	os.Exit(code)
}

// The version this stand-in reports and whose flags it accepts: v4.2.4 unless
// TSPLAY_HELM_VERSION or /etc/tsplay-helm/version says v3.x (e.g. v3.21.4).
func helmVersion() string {
	v := strings.TrimSpace(os.Getenv("TSPLAY_HELM_VERSION"))
	if v == "" {
		if b, err := os.ReadFile(confDir() + "/version"); err == nil {
			v = strings.TrimSpace(string(b))
		}
	}
	if v == "" {
		v = "v4.2.4"
	}
	if !strings.HasPrefix(v, "v") {
		v = "v" + v
	}
	return v
}

func isV3() bool { return strings.HasPrefix(helmVersion(), "v3.") }

func confDir() string {
	if d := os.Getenv("TSPLAY_HELM_CONF"); d != "" {
		return d
	}
	return "/etc/tsplay-helm"
}

// logCall appends {"time","argv","write"} to the call log, so tests can count
// the writes; values given on stdin are never logged.
func logCall(argv []string) {
	path := os.Getenv("TSPLAY_HELM_LOG")
	if path == "" {
		path = "/var/log/tsplay-helm-calls.log"
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	line, _ := json.Marshal(map[string]interface{}{"time": time.Now().UTC().Format(time.RFC3339Nano), "argv": argv, "write": isWrite(argv)})
	_, _ = f.Write(append(line, '\n'))
}

func isWrite(argv []string) bool {
	sub, _ := splitSubcommand(argv)
	for _, a := range argv {
		if a == "--dry-run" || strings.HasPrefix(a, "--dry-run=") && a != "--dry-run=none" {
			return false
		}
	}
	switch sub {
	case "upgrade", "install", "uninstall", "delete", "rollback":
		return true
	}
	return false
}

func run(argv []string) error {
	sub, rest := splitSubcommand(argv)
	switch sub {
	case "version":
		return cmdVersion(rest)
	case "list", "ls":
		return cmdList(rest)
	case "get":
		what, args := splitSubcommand(rest)
		if what != "values" {
			return fail("the stand-in helm knows only `get values`")
		}
		return cmdGetValues(args)
	case "status":
		return cmdStatus(rest)
	case "history", "hist":
		return cmdHistory(rest)
	case "upgrade":
		return cmdUpgrade(rest, false)
	case "install":
		return cmdUpgrade(rest, true)
	case "uninstall", "delete", "un", "del":
		return cmdUninstall(rest)
	case "rollback":
		return cmdRollback(rest)
	case "":
		return fail("the stand-in helm needs a subcommand")
	}
	return fail("unknown command %q for \"helm\"", sub)
}

// splitSubcommand takes the first word that is not a global flag (or its value).
func splitSubcommand(argv []string) (string, []string) {
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		if !strings.HasPrefix(a, "-") {
			return a, append(append([]string{}, argv[:i]...), argv[i+1:]...)
		}
		if name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "="); !hasValue {
			if spec, ok := globalFlags[name]; ok && spec == flagString {
				i++
			}
		}
	}
	return "", argv
}

func cmdVersion(args []string) error {
	f, err := parseFlags(args, map[string]flagKind{"short": flagBool, "template": flagString})
	if err != nil {
		return err
	}
	v := helmVersion()
	if f.bool("short") {
		fmt.Printf("%s+gtsplay\n", v)
		return nil
	}
	fmt.Printf("version.BuildInfo{Version:%q, GitCommit:\"tsplay-stand-in\", GitTreeState:\"clean\", GoVersion:\"go1.27\"}\n", v)
	return nil
}
