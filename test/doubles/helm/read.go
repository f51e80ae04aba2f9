package main

// The read-only subcommands: list, get values, status, history; their JSON
// is Helm's (pkg/cmd/list.go releaseElement, get_values.go, status.go,
// history.go releaseInfo).

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"time"
)

var outputFlag = map[string]flagKind{"output": flagString}

func withFlags(extra map[string]flagKind) map[string]flagKind {
	out := map[string]flagKind{}
	for k, v := range outputFlag {
		out[k] = v
	}
	for k, v := range extra {
		out[k] = v
	}
	return out
}

func printJSON(v interface{}) {
	b, _ := json.Marshal(v)
	fmt.Println(string(b))
}

func openStore(f *parsed) (*store, error) {
	k, err := connect(f)
	if err != nil {
		return nil, err
	}
	return &store{k: k, namespace: k.namespace}, nil
}

func checkOutput(f *parsed) error {
	switch o := f.str("output"); o {
	case "", "table", "json", "yaml":
		return nil
	default:
		return fail("invalid argument %q for \"-o, --output\" flag: invalid format type", o)
	}
}

func cmdList(args []string) error {
	spec := withFlags(map[string]flagKind{"filter": flagString, "deployed": flagBool, "failed": flagBool, "pending": flagBool,
		"superseded": flagBool, "uninstalled": flagBool, "uninstalling": flagBool, "short": flagBool, "max": flagString, "all-namespaces": flagBool})
	if isV3() {
		spec["all"] = flagBool // Helm 4 lists every status by default and has no --all
	}
	f, err := parseFlags(args, spec)
	if err != nil {
		return err
	}
	if err := checkOutput(f); err != nil {
		return err
	}
	s, err := openStore(f)
	if err != nil {
		return err
	}
	if f.bool("all-namespaces") {
		s.namespace = ""
	}
	rels, err := s.all()
	if err != nil {
		return err
	}
	var re *regexp.Regexp
	if pat := f.str("filter"); pat != "" {
		if re, err = regexp.Compile(pat); err != nil {
			return err
		}
	}
	wanted := map[string]bool{}
	for _, st := range []string{"deployed", "failed", "superseded", "uninstalled", "uninstalling"} {
		if f.bool(st) {
			wanted[st] = true
		}
	}
	if f.bool("pending") {
		wanted["pending-install"], wanted["pending-upgrade"], wanted["pending-rollback"] = true, true, true
	}
	if len(wanted) == 0 && isV3() && !f.bool("all") {
		wanted["deployed"], wanted["failed"] = true, true // Helm 3's default
	}
	elements := []map[string]string{}
	for _, r := range rels {
		if re != nil && !re.MatchString(r.Name) {
			continue
		}
		if len(wanted) > 0 && !wanted[r.Info.Status] {
			continue
		}
		elements = append(elements, map[string]string{
			"name": r.Name, "namespace": r.Namespace, "revision": strconv.Itoa(r.Version), "updated": r.Info.LastDeployed.String(),
			"status": r.Info.Status, "chart": r.chartLabel(), "app_version": r.Chart.Metadata.AppVersion,
		})
	}
	if f.str("output") == "json" {
		// an array even when empty
		b, _ := json.Marshal(elements)
		fmt.Println(string(b))
		return nil
	}
	fmt.Println("NAME\tNAMESPACE\tREVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION")
	for _, e := range elements {
		fmt.Printf("%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e["name"], e["namespace"], e["revision"], e["updated"], e["status"], e["chart"], e["app_version"])
	}
	return nil
}

func oneRelease(args []string, spec map[string]flagKind) (*parsed, *store, *Release, error) {
	f, err := parseFlags(args, spec)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := checkOutput(f); err != nil {
		return nil, nil, nil, err
	}
	if len(f.args) != 1 {
		return nil, nil, nil, fail("accepts 1 arg(s), received %d", len(f.args))
	}
	s, err := openStore(f)
	if err != nil {
		return nil, nil, nil, err
	}
	h, err := s.history(f.args[0])
	if err != nil {
		return nil, nil, nil, err
	}
	if len(h) == 0 {
		return nil, nil, nil, errReleaseNotFound
	}
	rel := h[len(h)-1]
	if rev := f.str("revision"); rev != "" && rev != "0" {
		rel = nil
		for _, r := range h {
			if strconv.Itoa(r.Version) == rev {
				rel = r
			}
		}
		if rel == nil {
			return nil, nil, nil, errReleaseNotFound
		}
	}
	return f, s, rel, nil
}

func cmdGetValues(args []string) error {
	f, _, rel, err := oneRelease(args, withFlags(map[string]flagKind{"all": flagBool, "revision": flagString}))
	if err != nil {
		return err
	}
	vals := rel.Config
	if f.bool("all") {
		vals = mergeMaps(rel.Chart.Values, rel.Config)
	}
	switch f.str("output") {
	case "json":
		printJSON(vals) // null when the release has no user-supplied values
	case "yaml":
		y, _ := toYAML(vals)
		fmt.Print(y)
	default:
		if f.bool("all") {
			fmt.Println("COMPUTED VALUES:")
		} else {
			fmt.Println("USER-SUPPLIED VALUES:")
		}
		y, _ := toYAML(vals)
		fmt.Print(y)
	}
	return nil
}

func cmdStatus(args []string) error {
	f, _, rel, err := oneRelease(args, withFlags(map[string]flagKind{"revision": flagString, "show-resources": flagBool}))
	if err != nil {
		return err
	}
	if f.str("output") == "json" {
		printJSON(rel)
		return nil
	}
	printStatus(rel)
	return nil
}

func printStatus(rel *Release) {
	fmt.Printf("NAME: %s\nLAST DEPLOYED: %s\nNAMESPACE: %s\nSTATUS: %s\nREVISION: %d\nDESCRIPTION: %s\nTEST SUITE: None\n",
		rel.Name, rel.Info.LastDeployed.Format(time.ANSIC), rel.Namespace, rel.Info.Status, rel.Version, rel.Info.Description)
}

func cmdHistory(args []string) error {
	f, err := parseFlags(args, withFlags(map[string]flagKind{"max": flagString}))
	if err != nil {
		return err
	}
	if err := checkOutput(f); err != nil {
		return err
	}
	if len(f.args) != 1 {
		return fail("accepts 1 arg(s), received %d", len(f.args))
	}
	s, err := openStore(f)
	if err != nil {
		return err
	}
	h, err := s.history(f.args[0])
	if err != nil {
		return err
	}
	if len(h) == 0 {
		return errReleaseNotFound
	}
	type releaseInfo struct {
		Revision    int       `json:"revision"`
		Updated     time.Time `json:"updated"`
		Status      string    `json:"status"`
		Chart       string    `json:"chart"`
		AppVersion  string    `json:"app_version"`
		Description string    `json:"description"`
	}
	var out []releaseInfo
	for _, r := range h {
		out = append(out, releaseInfo{r.Version, r.Info.LastDeployed, r.Info.Status, r.chartLabel(), r.Chart.Metadata.AppVersion, r.Info.Description})
	}
	if f.str("output") == "json" {
		printJSON(out)
		return nil
	}
	fmt.Fprintln(os.Stdout, "REVISION\tUPDATED\tSTATUS\tCHART\tAPP VERSION\tDESCRIPTION")
	for _, r := range out {
		fmt.Printf("%d\t%s\t%s\t%s\t%s\t%s\n", r.Revision, r.Updated.Format(time.ANSIC), r.Status, r.Chart, r.AppVersion, r.Description)
	}
	return nil
}
