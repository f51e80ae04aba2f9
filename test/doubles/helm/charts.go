package main

// The charts the lab's cluster uses, by chart name (any version): each maps
// its values to a few representative objects, so a release's objects exist in
// the API server and a values change changes them. Not the real templates.
// A local chart (a directory with Chart.yaml) renders its templates/*.yaml
// files that hold no template action ("{{"), as they are; others are skipped.

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

type catalogueChart struct {
	version, appVersion, description string
	defaults                         map[string]interface{}
	render                           func(r renderCtx) []map[string]interface{}
}

type renderCtx struct {
	release, namespace, chart string
	vals                      map[string]interface{}
}

func (c renderCtx) labels(component string) map[string]interface{} {
	l := map[string]interface{}{"app.kubernetes.io/name": c.chart, "app.kubernetes.io/instance": c.release, "helm.sh/chart": c.chart}
	if component != "" {
		l["app.kubernetes.io/component"] = component
	}
	return l
}

func (c renderCtx) workload(kind, name, component, image string, args []interface{}, env []interface{}) map[string]interface{} {
	sel := map[string]interface{}{"app.kubernetes.io/name": c.chart, "app.kubernetes.io/instance": c.release, "app.kubernetes.io/component": component}
	container := map[string]interface{}{"name": component, "image": image}
	if len(args) > 0 {
		container["args"] = args
	}
	if len(env) > 0 {
		container["env"] = env
	}
	spec := map[string]interface{}{
		"selector": map[string]interface{}{"matchLabels": sel},
		"template": map[string]interface{}{
			"metadata": map[string]interface{}{"labels": sel},
			"spec":     map[string]interface{}{"containers": []interface{}{container}},
		},
	}
	if kind == "Deployment" {
		spec["replicas"] = integer(c.vals, component+".replicas", 1)
	}
	return map[string]interface{}{"apiVersion": "apps/v1", "kind": kind, "metadata": c.meta(name, component), "spec": spec}
}

func (c renderCtx) meta(name, component string) map[string]interface{} {
	return map[string]interface{}{"name": name, "namespace": c.namespace, "labels": c.labels(component)}
}

func (c renderCtx) configMap(name string, data map[string]interface{}) map[string]interface{} {
	return map[string]interface{}{"apiVersion": "v1", "kind": "ConfigMap", "metadata": c.meta(name, ""), "data": data}
}

func crd(group, kind, plural string) map[string]interface{} {
	return map[string]interface{}{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		"metadata": map[string]interface{}{"name": plural + "." + group},
		"spec": map[string]interface{}{
			"group": group, "scope": "Namespaced",
			"names": map[string]interface{}{"kind": kind, "plural": plural, "singular": strings.ToLower(kind), "listKind": kind + "List"},
			"versions": []interface{}{map[string]interface{}{
				"name": "v1beta1", "served": true, "storage": true,
				"schema": map[string]interface{}{"openAPIV3Schema": map[string]interface{}{"type": "object", "x-kubernetes-preserve-unknown-fields": true}},
			}},
		},
	}
}

func image(vals map[string]interface{}, path, repo, tag string) string {
	return str(vals, path+".repository", repo) + ":" + str(vals, path+".tag", tag)
}

var catalogue = map[string]catalogueChart{
	"cilium": {version: "1.19.1", appVersion: "1.19.1", description: "eBPF-based Networking, Security, and Observability",
		defaults: map[string]interface{}{"kubeProxyReplacement": "false", "ipam": map[string]interface{}{"mode": "cluster-pool"}, "MTU": 0, "k8sServiceHost": "", "k8sServicePort": ""},
		render: func(c renderCtx) []map[string]interface{} {
			img := image(c.vals, "image", "quay.io/cilium/cilium", "v1.19.1")
			return []map[string]interface{}{
				c.configMap("cilium-config", map[string]interface{}{
					"kube-proxy-replacement": str(c.vals, "kubeProxyReplacement", "false"),
					"ipam":                   str(c.vals, "ipam.mode", "cluster-pool"),
					"mtu":                    str(c.vals, "MTU", "0"),
					"k8s-service-host":       str(c.vals, "k8sServiceHost", ""),
					"k8s-service-port":       str(c.vals, "k8sServicePort", ""),
				}),
				c.workload("DaemonSet", "cilium", "agent", img, nil, []interface{}{
					map[string]interface{}{"name": "KUBERNETES_SERVICE_HOST", "value": str(c.vals, "k8sServiceHost", "")},
				}),
				c.workload("Deployment", "cilium-operator", "operator", image(c.vals, "operator.image", "quay.io/cilium/operator-generic", "v1.19.1"), nil, nil),
			}
		}},
	"metallb": {version: "0.16.1", appVersion: "v0.16.1", description: "A network load-balancer implementation for Kubernetes using standard routing protocols",
		defaults: map[string]interface{}{"speaker": map[string]interface{}{"enabled": true}, "controller": map[string]interface{}{"logLevel": "info"}},
		render: func(c renderCtx) []map[string]interface{} {
			out := []map[string]interface{}{
				crd("metallb.io", "IPAddressPool", "ipaddresspools"),
				crd("metallb.io", "L2Advertisement", "l2advertisements"),
				c.workload("Deployment", c.release+"-controller", "controller", image(c.vals, "controller.image", "quay.io/metallb/controller", "v0.16.1"),
					[]interface{}{"--log-level=" + str(c.vals, "controller.logLevel", "info")}, nil),
			}
			if boolean(c.vals, "speaker.enabled", true) {
				out = append(out, c.workload("DaemonSet", c.release+"-speaker", "speaker", image(c.vals, "speaker.image", "quay.io/metallb/speaker", "v0.16.1"),
					[]interface{}{"--log-level=" + str(c.vals, "speaker.logLevel", "info")}, nil))
			}
			return out
		}},
	"ingress-nginx": {version: "4.15.1", appVersion: "1.15.1", description: "Ingress controller for Kubernetes using NGINX as a reverse proxy and load balancer",
		defaults: map[string]interface{}{"controller": map[string]interface{}{"replicaCount": 1, "service": map[string]interface{}{"type": "LoadBalancer"}, "ingressClassResource": map[string]interface{}{"name": "nginx"}}},
		render: func(c renderCtx) []map[string]interface{} {
			name := c.release + "-controller"
			dep := c.workload("Deployment", name, "controller", image(c.vals, "controller.image", "registry.k8s.io/ingress-nginx/controller", "v1.15.1"), nil, nil)
			dep["spec"].(map[string]interface{})["replicas"] = integer(c.vals, "controller.replicaCount", 1)
			cfg := map[string]interface{}{}
			if m, ok := get(c.vals, "controller.config", nil).(map[string]interface{}); ok {
				for k, v := range m {
					cfg[k] = fmt.Sprint(v)
				}
			}
			return []map[string]interface{}{
				c.configMap(name, cfg),
				{"apiVersion": "v1", "kind": "Service", "metadata": c.meta(name, "controller"), "spec": map[string]interface{}{
					"type":     str(c.vals, "controller.service.type", "LoadBalancer"),
					"selector": map[string]interface{}{"app.kubernetes.io/instance": c.release, "app.kubernetes.io/component": "controller"},
					"ports":    []interface{}{map[string]interface{}{"name": "http", "port": 80}, map[string]interface{}{"name": "https", "port": 443}},
				}},
				{"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass", "metadata": map[string]interface{}{"name": str(c.vals, "controller.ingressClassResource.name", "nginx"), "labels": c.labels("controller")},
					"spec": map[string]interface{}{"controller": "k8s.io/ingress-nginx"}},
				dep,
			}
		}},
	"vsphere-csi": {version: "3.7.3", appVersion: "v3.7.3", description: "vSphere CSI driver",
		defaults: map[string]interface{}{"controller": map[string]interface{}{"replicas": 1}},
		render: func(c renderCtx) []map[string]interface{} {
			return []map[string]interface{}{
				c.configMap("internal-feature-states.csi.vsphere.vmware.com", map[string]interface{}{"csi-migration": str(c.vals, "featureStates.csiMigration", "true")}),
				c.workload("Deployment", "vsphere-csi-controller", "controller", image(c.vals, "controller.image", "registry.k8s.io/csi-vsphere/driver", "v3.7.3"), nil, nil),
				c.workload("DaemonSet", "vsphere-csi-node", "node", image(c.vals, "node.image", "registry.k8s.io/csi-vsphere/driver", "v3.7.3"), nil, nil),
			}
		}},
	"metrics-server": {version: "3.14.0", appVersion: "0.9.0", description: "Metrics Server is a scalable, efficient source of container resource metrics.",
		defaults: map[string]interface{}{"args": []interface{}{}, "replicas": 1},
		render: func(c renderCtx) []map[string]interface{} {
			args := []interface{}{"--secure-port=10250", "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname"}
			if extra, ok := get(c.vals, "args", nil).([]interface{}); ok {
				args = append(args, extra...)
			}
			dep := c.workload("Deployment", c.release, "metrics-server", image(c.vals, "image", "registry.k8s.io/metrics-server/metrics-server", "v0.9.0"), args, nil)
			dep["spec"].(map[string]interface{})["replicas"] = integer(c.vals, "replicas", 1)
			return []map[string]interface{}{dep, {"apiVersion": "v1", "kind": "Service", "metadata": c.meta(c.release, "metrics-server"), "spec": map[string]interface{}{
				"selector": map[string]interface{}{"app.kubernetes.io/instance": c.release}, "ports": []interface{}{map[string]interface{}{"name": "https", "port": 443, "targetPort": 10250}},
			}}}
		}},
	"velero": {version: "11.1.0", appVersion: "1.18.1", description: "A Helm chart for velero",
		defaults: map[string]interface{}{"configuration": map[string]interface{}{"backupStorageLocation": []interface{}{}}},
		render: func(c renderCtx) []map[string]interface{} {
			return []map[string]interface{}{
				crd("velero.io", "Backup", "backups"),
				crd("velero.io", "Schedule", "schedules"),
				c.workload("Deployment", c.release, "velero", image(c.vals, "image", "velero/velero", "v1.18.1"),
					[]interface{}{"server", "--uploader-type=" + str(c.vals, "configuration.uploaderType", "kopia")}, nil),
			}
		}},
}

// loadedChart is what upgrade/install renders.
type loadedChart struct {
	chart   *Chart
	objects []map[string]interface{}
	sources []string
}

// locateChart finds CHART: a local directory with Chart.yaml, or a catalogue
// chart named NAME, REPO/NAME, oci://HOST/PATH/NAME[:TAG] or NAME with --repo.
func locateChart(ref, repo, version string) (*Chart, func(renderCtx) ([]map[string]interface{}, []string), error) {
	if st, err := os.Stat(ref); err == nil && st.IsDir() {
		return localChart(ref)
	}
	name := ref
	if strings.HasPrefix(ref, "oci://") {
		name = ref[strings.LastIndex(ref, "/")+1:]
		if n, tag, ok := strings.Cut(name, ":"); ok {
			name = n
			if version == "" {
				version = tag
			}
		}
	} else if repo == "" {
		if i := strings.Index(ref, "/"); i >= 0 && !strings.HasPrefix(ref, ".") && !strings.HasPrefix(ref, "/") {
			name = ref[i+1:]
		} else {
			return nil, nil, fmt.Errorf("path %q not found", ref)
		}
	}
	c, ok := catalogue[name]
	if !ok {
		if repo != "" {
			return nil, nil, fmt.Errorf("chart %q not found in %s repository", name, repo)
		}
		return nil, nil, fmt.Errorf("chart %q not found (the stand-in helm knows %s)", name, strings.Join(catalogueNames(), ", "))
	}
	if version == "" {
		version = c.version
	}
	version = strings.TrimPrefix(version, "v")
	ch := &Chart{Metadata: &Metadata{Name: name, Version: version, AppVersion: c.appVersion, Description: c.description, APIVersion: "v2", Type: "application"}, Values: c.defaults, Templates: []*Template{}, Files: []interface{}{}}
	render := func(r renderCtx) ([]map[string]interface{}, []string) {
		r.chart = name
		objs := c.render(r)
		sources := make([]string, len(objs))
		for i, o := range objs {
			sources[i] = fmt.Sprintf("%s/templates/%s.yaml", name, strings.ToLower(fmt.Sprint(o["kind"])))
		}
		return objs, sources
	}
	return ch, render, nil
}

func catalogueNames() []string {
	var out []string
	for k := range catalogue {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func localChart(dir string) (*Chart, func(renderCtx) ([]map[string]interface{}, []string), error) {
	b, err := os.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, nil, fmt.Errorf("Chart.yaml file is missing")
	}
	var md Metadata
	if err := yaml.Unmarshal(b, &md); err != nil {
		return nil, nil, fmt.Errorf("cannot load Chart.yaml: %w", err)
	}
	if md.APIVersion == "" {
		md.APIVersion = "v2"
	}
	defaults := map[string]interface{}{}
	if vb, err := os.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		_ = yaml.Unmarshal(vb, &defaults)
	}
	ch := &Chart{Metadata: &md, Values: defaults, Templates: []*Template{}, Files: []interface{}{}}
	files, _ := filepath.Glob(filepath.Join(dir, "templates", "*.yaml"))
	sort.Strings(files)
	var texts []string
	var names []string
	for _, f := range files {
		t, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		ch.Templates = append(ch.Templates, &Template{Name: "templates/" + filepath.Base(f), Data: t})
		if strings.Contains(string(t), "{{") {
			continue // templated: the stand-in does not template
		}
		texts = append(texts, string(t))
		names = append(names, md.Name+"/templates/"+filepath.Base(f))
	}
	render := func(r renderCtx) ([]map[string]interface{}, []string) {
		var objs []map[string]interface{}
		var sources []string
		for i, t := range texts {
			docs, err := objects(t)
			if err != nil {
				continue
			}
			for _, d := range docs {
				objs = append(objs, d.Object)
				sources = append(sources, names[i])
			}
		}
		return objs, sources
	}
	return ch, render, nil
}
