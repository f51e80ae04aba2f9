package main

// upgrade [--install], install, rollback, uninstall, following
// pkg/action/{install,upgrade,rollback,uninstall}.go: a revision is stored
// pending-*, the objects are applied, then it is deployed (the previous one
// superseded) or failed; --atomic / --rollback-on-failure roll a failed
// upgrade back to the last good revision (a failed install is uninstalled).
//
// Made to fail for tests: a release named in /etc/tsplay-helm/fail (one per
// line, `NAME` or `NAME: message`; or TSPLAY_HELM_FAIL=NAME,...) fails after
// its objects are applied, with Helm's wait time-out error; one named in
// /etc/tsplay-helm/interrupt stops dead (exit 137) once the pending revision
// is stored, as a killed helm leaves it.

import (
	"fmt"
	"os"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func upgradeSpec() map[string]flagKind {
	spec := withFlags(map[string]flagKind{
		"install": flagBool, "create-namespace": flagBool, "repo": flagString, "version": flagString,
		"values": flagArray, "set": flagArray, "set-string": flagArray, "timeout": flagString,
		"reset-values": flagBool, "reuse-values": flagBool, "reset-then-reuse-values": flagBool,
		"description": flagString, "wait-for-jobs": flagBool, "cleanup-on-fail": flagBool, "no-hooks": flagBool,
		"history-max": flagString, "devel": flagBool, "skip-crds": flagBool, "atomic": flagBool, "dry-run": flagOptional,
	})
	if isV3() {
		spec["wait"] = flagBool
		spec["force"] = flagBool
	} else {
		spec["wait"] = flagOptional
		spec["rollback-on-failure"] = flagBool
		spec["server-side"] = flagString
		spec["force-replace"] = flagBool
		spec["force-conflicts"] = flagBool
		spec["take-ownership"] = flagBool
		spec["force"] = flagBool
	}
	return spec
}

// checkVersionFlags refuses what this Helm version's flag types refuse, and
// warns of deprecated flags as cobra does.
func checkVersionFlags(f *parsed) error {
	if f.has("timeout") {
		if _, err := time.ParseDuration(f.str("timeout")); err != nil {
			return fail("invalid argument %q for \"--timeout\" flag: time: invalid duration %q", f.str("timeout"), f.str("timeout"))
		}
	}
	dry := f.str("dry-run")
	if isV3() {
		if f.has("dry-run") && !oneOf(dry, "client", "server", "none", "true", "false") {
			return fail("Invalid dry-run flag. Flag must one of the following: false, true, client, server")
		}
		return nil
	}
	if f.has("wait") {
		switch w := f.str("wait"); w {
		case "watcher", "hookOnly", "legacy", "false":
		case "true":
			fmt.Fprintln(os.Stderr, "level=WARN msg=\"--wait=true is deprecated (boolean value) and can be replaced with --wait=watcher\"")
		default:
			return fail("invalid argument %q for \"--wait\" flag: invalid wait input %q. Valid inputs are true, false, watcher, hookOnly, and legacy", w, w)
		}
	}
	if f.has("atomic") {
		fmt.Fprintln(os.Stderr, "Flag --atomic has been deprecated, use --rollback-on-failure instead")
	}
	if f.has("server-side") && !oneOf(f.str("server-side"), "true", "false", "auto") {
		return fail("invalid server-side value %q: must be \"true\", \"false\" or \"auto\"", f.str("server-side"))
	}
	if f.has("dry-run") && !oneOf(dry, "client", "server", "none", "true", "false") {
		return fail("invalid dry-run value (%q). Must be \"none\", \"server\", or \"client\"", dry)
	}
	return nil
}

func oneOf(v string, options ...string) bool {
	for _, o := range options {
		if v == o {
			return true
		}
	}
	return false
}

func rollbackOnFailure(f *parsed) bool { return f.bool("atomic") || f.bool("rollback-on-failure") }

// the word Helm's messages use for the flag
func atomicWord() string {
	if isV3() {
		return "atomic"
	}
	return "rollback-on-failure"
}

func isDryRun(f *parsed) bool {
	return f.has("dry-run") && !oneOf(f.str("dry-run"), "none", "false")
}

// injected failure for a release, if any
func failureFor(name string) (string, bool) {
	var lines []string
	if env := os.Getenv("TSPLAY_HELM_FAIL"); env != "" {
		lines = append(lines, strings.Split(env, ",")...)
	}
	if b, err := os.ReadFile(confDir() + "/fail"); err == nil {
		lines = append(lines, strings.Split(string(b), "\n")...)
	}
	for _, l := range lines {
		n, msg, hasMsg := strings.Cut(strings.TrimSpace(l), ":")
		if strings.TrimSpace(n) != name {
			continue
		}
		if hasMsg && strings.TrimSpace(msg) != "" {
			return strings.TrimSpace(msg), true
		}
		if isV3() {
			return "timed out waiting for the condition", true
		}
		return "context deadline exceeded", true
	}
	return "", false
}

func interrupted(name string) bool {
	b, err := os.ReadFile(confDir() + "/interrupt")
	if err != nil {
		return false
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == name {
			return true
		}
	}
	return false
}

func renderWith(f *parsed, name, namespace string, vals map[string]interface{}) (*Chart, string, error) {
	ch, renderer, err := locateChart(f.args[1], f.str("repo"), f.str("version"))
	if err != nil {
		return nil, "", err
	}
	objs, sources := renderer(renderCtx{release: name, namespace: namespace, vals: mergeMaps(ch.Values, vals)})
	return ch, manifestText(objs, sources), nil
}

func cmdUpgrade(args []string, installOnly bool) error {
	f, err := parseFlags(args, upgradeSpec())
	if err != nil {
		return err
	}
	if err := checkOutput(f); err != nil {
		return err
	}
	if err := checkVersionFlags(f); err != nil {
		return err
	}
	if len(f.args) != 2 {
		return fail("\"helm %s\" requires 2 arguments", map[bool]string{true: "install", false: "upgrade"}[installOnly])
	}
	name := f.args[0]
	vals, err := readValues(f)
	if err != nil {
		return err
	}
	k, err := connect(f)
	if err != nil {
		return err
	}
	s := &store{k: k, namespace: k.namespace}
	h, err := s.history(name)
	if err != nil {
		return err
	}
	uninstalled := len(h) > 0 && h[len(h)-1].Info.Status == "uninstalled"
	if installOnly {
		if len(h) > 0 && !uninstalled {
			return fail("INSTALLATION FAILED: cannot re-use a name that is still in use")
		}
		return install(f, s, name, vals)
	}
	if len(h) == 0 || uninstalled {
		if !f.bool("install") {
			return fail("UPGRADE FAILED: %q has no deployed releases", name)
		}
		if f.str("output") != "json" {
			fmt.Printf("Release %q does not exist. Installing it now.\n", name)
		}
		return install(f, s, name, vals)
	}
	return upgrade(f, s, h, name, vals)
}

func install(f *parsed, s *store, name string, vals map[string]interface{}) error {
	if f.bool("create-namespace") && !isDryRun(f) {
		if err := s.k.ensureNamespace(s.namespace); err != nil {
			return fail("INSTALLATION FAILED: %s", apiMessage(err))
		}
	}
	ch, manifest, err := renderWith(f, name, s.namespace, vals)
	if err != nil {
		return err
	}
	now := time.Now()
	rel := &Release{Name: name, Namespace: s.namespace, Chart: ch, Config: vals, Manifest: manifest, Version: 1, ApplyMethod: applyMethod(f),
		Info: &Info{FirstDeployed: now, LastDeployed: now, Status: "pending-install", Description: "Initial install underway"}}
	if len(vals) == 0 {
		rel.Config = nil
	}
	if isDryRun(f) {
		rel.Info.Description = "Dry run complete"
		return report(f, rel, false)
	}
	if err := s.create(rel); err != nil {
		return fail("INSTALLATION FAILED: %s", err)
	}
	if interrupted(name) {
		os.Exit(137)
	}
	objs, err := objects(manifest)
	if err == nil {
		err = s.k.apply(objs, name, s.namespace)
	}
	if err == nil {
		if msg, ok := failureFor(name); ok {
			err = fmt.Errorf("%s", msg)
		}
	}
	if err != nil {
		rel.Info.Status = "failed"
		rel.Info.Description = fmt.Sprintf("Release %q failed: %s", name, err)
		_ = s.update(rel)
		if rollbackOnFailure(f) {
			if uerr := uninstallRelease(s, []*Release{rel}, false); uerr != nil {
				return fail("INSTALLATION FAILED: an error occurred while uninstalling the release. original install error: %s: %s", err, uerr)
			}
			return fail("INSTALLATION FAILED: release %s failed, and has been uninstalled due to %s being set: %s", name, atomicWord(), err)
		}
		return fail("INSTALLATION FAILED: %s", err)
	}
	rel.Info.Status = "deployed"
	rel.Info.Description = "Install complete"
	if f.has("description") {
		rel.Info.Description = f.str("description")
	}
	if err := s.update(rel); err != nil {
		return fail("INSTALLATION FAILED: %s", err)
	}
	return report(f, rel, false)
}

func applyMethod(f *parsed) string {
	if isV3() {
		return ""
	}
	if f.str("server-side") == "false" {
		return "csa"
	}
	return "ssa"
}

func upgrade(f *parsed, s *store, h []*Release, name string, vals map[string]interface{}) error {
	last := h[len(h)-1]
	if isPending(last.Info.Status) {
		return fail("UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress")
	}
	current := last
	for i := len(h) - 1; i >= 0; i-- {
		if h[i].Info.Status == "deployed" {
			current = h[i]
			break
		}
	}
	switch {
	case f.bool("reset-values"):
	case f.bool("reuse-values"):
		vals = mergeMaps(current.Config, vals)
	case f.bool("reset-then-reuse-values"):
		vals = mergeMaps(current.Config, vals)
	case len(vals) == 0 && len(current.Config) > 0:
		vals = current.Config // Helm copies the values forward when none are given
	}
	ch, manifest, err := renderWith(f, name, s.namespace, vals)
	if err != nil {
		return err
	}
	if len(vals) == 0 {
		vals = nil
	}
	rel := &Release{Name: name, Namespace: current.Namespace, Chart: ch, Config: vals, Manifest: manifest, Version: last.Version + 1, ApplyMethod: applyMethod(f),
		Info: &Info{FirstDeployed: current.Info.FirstDeployed, LastDeployed: time.Now(), Status: "pending-upgrade", Description: "Preparing upgrade"}}
	if isDryRun(f) {
		rel.Info.Description = "Dry run complete"
		return report(f, rel, true)
	}
	if err := s.create(rel); err != nil {
		return fail("UPGRADE FAILED: %s", err)
	}
	if interrupted(name) {
		os.Exit(137)
	}
	err = applyManifests(s, current.Manifest, manifest, name)
	if err == nil {
		if msg, ok := failureFor(name); ok {
			err = fmt.Errorf("%s", msg)
		}
	}
	if err != nil {
		rel.Info.Status = "failed"
		rel.Info.Description = fmt.Sprintf("Upgrade %q failed: %s", name, err)
		_ = s.update(rel)
		if rollbackOnFailure(f) {
			var good *Release
			for i := len(h) - 1; i >= 0; i-- {
				if st := h[i].Info.Status; st == "deployed" || st == "superseded" {
					good = h[i]
					break
				}
			}
			if good == nil {
				return fail("UPGRADE FAILED: unable to find a previously successful release when attempting to rollback. original upgrade error: %s", err)
			}
			if _, rerr := rollbackTo(s, append(h, rel), good); rerr != nil {
				return fail("UPGRADE FAILED: an error occurred while rolling back the release. original upgrade error: %s: %s", err, rerr)
			}
			return fail("UPGRADE FAILED: release %s failed, and has been rolled back due to %s being set: %s", name, atomicWord(), err)
		}
		return fail("UPGRADE FAILED: %s", err)
	}
	if current.Info.Status == "deployed" {
		current.Info.Status = "superseded"
		if err := s.update(current); err != nil {
			return fail("UPGRADE FAILED: %s", err)
		}
	}
	rel.Info.Status = "deployed"
	rel.Info.Description = "Upgrade complete"
	if f.has("description") {
		rel.Info.Description = f.str("description")
	}
	if err := s.update(rel); err != nil {
		return fail("UPGRADE FAILED: %s", err)
	}
	return report(f, rel, true)
}

// applyManifests applies the new objects and deletes the old ones the new manifest no longer has.
func applyManifests(s *store, oldManifest, newManifest, name string) error {
	next, err := objects(newManifest)
	if err != nil {
		return err
	}
	prev, err := objects(oldManifest)
	if err != nil {
		prev = nil
	}
	if err := s.k.apply(next, name, s.namespace); err != nil {
		return err
	}
	return s.k.remove(prev, next, s.namespace)
}

func report(f *parsed, rel *Release, upgraded bool) error {
	if f.str("output") == "json" {
		printJSON(rel)
		return nil
	}
	if upgraded && !isDryRun(f) {
		fmt.Printf("Release %q has been upgraded. Happy Helming!\n", rel.Name)
	}
	printStatus(rel)
	if isDryRun(f) {
		fmt.Printf("\nMANIFEST:\n%s", rel.Manifest)
	}
	return nil
}

// rollbackTo stores a new revision that is `target` again, applies its objects and supersedes the deployed ones.
func rollbackTo(s *store, h []*Release, target *Release) (*Release, error) {
	last := h[len(h)-1]
	rel := &Release{Name: target.Name, Namespace: target.Namespace, Chart: target.Chart, Config: target.Config, Manifest: target.Manifest,
		Version: last.Version + 1, ApplyMethod: target.ApplyMethod,
		Info: &Info{FirstDeployed: last.Info.FirstDeployed, LastDeployed: time.Now(), Status: "pending-rollback", Description: fmt.Sprintf("Rollback to %d", target.Version)}}
	if err := s.create(rel); err != nil {
		return nil, err
	}
	if err := applyManifests(s, last.Manifest, target.Manifest, target.Name); err != nil {
		rel.Info.Status = "failed"
		rel.Info.Description = fmt.Sprintf("Rollback %q failed: %s", target.Name, err)
		_ = s.update(rel)
		return nil, err
	}
	for _, r := range h {
		if r.Info.Status == "deployed" {
			r.Info.Status = "superseded"
			if err := s.update(r); err != nil {
				return nil, err
			}
		}
	}
	rel.Info.Status = "deployed"
	return rel, s.update(rel)
}

func cmdRollback(args []string) error {
	spec := map[string]flagKind{"timeout": flagString, "cleanup-on-fail": flagBool, "no-hooks": flagBool, "history-max": flagString,
		"force": flagBool, "dry-run": flagOptional, "recreate-pods": flagBool, "wait-for-jobs": flagBool}
	if isV3() {
		spec["wait"] = flagBool
	} else {
		spec["wait"] = flagOptional
		spec["server-side"] = flagString
		spec["force-replace"] = flagBool
		spec["force-conflicts"] = flagBool
	}
	f, err := parseFlags(args, spec)
	if err != nil {
		return err
	}
	if len(f.args) < 1 || len(f.args) > 2 {
		return fail("accepts between 1 and 2 arg(s), received %d", len(f.args))
	}
	s, err := openStore(f)
	if err != nil {
		return err
	}
	name := f.args[0]
	h, err := s.history(name)
	if err != nil {
		return err
	}
	if len(h) == 0 {
		return errReleaseNotFound
	}
	want := h[len(h)-1].Version - 1
	if len(f.args) == 2 && f.args[1] != "0" {
		if _, err := fmt.Sscanf(f.args[1], "%d", &want); err != nil {
			return fail("invalid argument %q for revision", f.args[1])
		}
	}
	var target *Release
	for _, r := range h {
		if r.Version == want {
			target = r
		}
	}
	if target == nil {
		return fail("release has no %d version", want)
	}
	if isDryRun(f) {
		fmt.Println("Rollback was a success! Happy Helming!")
		return nil
	}
	if _, err := rollbackTo(s, h, target); err != nil {
		return err
	}
	fmt.Println("Rollback was a success! Happy Helming!")
	return nil
}

func cmdUninstall(args []string) error {
	spec := map[string]flagKind{"keep-history": flagBool, "ignore-not-found": flagBool, "timeout": flagString, "no-hooks": flagBool,
		"dry-run": flagBool, "cascade": flagString, "description": flagString}
	if isV3() {
		spec["wait"] = flagBool
	} else {
		spec["wait"] = flagOptional
	}
	f, err := parseFlags(args, spec)
	if err != nil {
		return err
	}
	if len(f.args) < 1 {
		return fail("\"helm uninstall\" requires at least 1 argument")
	}
	s, err := openStore(f)
	if err != nil {
		return err
	}
	for _, name := range f.args {
		h, err := s.history(name)
		if err != nil {
			return err
		}
		if len(h) == 0 {
			if f.bool("ignore-not-found") {
				continue
			}
			return fail("uninstall: Release not loaded: %s: release: not found", name)
		}
		if f.bool("dry-run") {
			fmt.Printf("release %q uninstalled\n", name)
			continue
		}
		if err := uninstallRelease(s, h, f.bool("keep-history")); err != nil {
			return fail("uninstallation completed with 1 error(s): %s", err)
		}
		fmt.Printf("release %q uninstalled\n", name)
	}
	return nil
}

// uninstallRelease deletes the last revision's objects, then every revision (or marks it uninstalled).
func uninstallRelease(s *store, h []*Release, keepHistory bool) error {
	last := h[len(h)-1]
	last.Info.Status = "uninstalling"
	last.Info.Deleted = time.Now()
	last.Info.Description = "Deletion in progress (or silently failed)"
	if err := s.update(last); err != nil {
		return err
	}
	objs, err := objects(last.Manifest)
	if err != nil {
		objs = []*unstructured.Unstructured{}
	}
	if err := s.k.remove(objs, nil, s.namespace); err != nil {
		return err
	}
	if keepHistory {
		last.Info.Status = "uninstalled"
		last.Info.Description = "Uninstallation complete"
		return s.update(last)
	}
	for _, r := range h {
		if err := s.remove(r); err != nil {
			return err
		}
	}
	return nil
}
