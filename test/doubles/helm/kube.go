package main

// The cluster: kubeconfig from --kubeconfig, KUBECONFIG or ~/.kube/config,
// --kube-context, the namespace from -n, HELM_NAMESPACE or the context.
// Objects are applied with server-side apply (field manager "helm", forced,
// as Helm 4 does) and deleted with background propagation.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/tools/clientcmd"
)

type kube struct {
	core      kubernetes.Interface
	dyn       dynamic.Interface
	disc      discovery.DiscoveryInterface
	mapper    meta.RESTMapper
	namespace string
}

func connect(f *parsed) (*kube, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if p := f.str("kubeconfig"); p != "" {
		rules.ExplicitPath = p
	}
	overrides := &clientcmd.ConfigOverrides{CurrentContext: f.str("kube-context")}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, overrides)
	cfg, err := cc.ClientConfig()
	if err != nil {
		return nil, fmt.Errorf("kubernetes cluster unreachable: %w", err)
	}
	cfg.QPS, cfg.Burst = 100, 200
	ns := f.str("namespace")
	if ns == "" {
		ns = os.Getenv("HELM_NAMESPACE")
	}
	if ns == "" {
		if n, _, err := cc.Namespace(); err == nil && n != "" {
			ns = n
		} else {
			ns = "default"
		}
	}
	k := &kube{namespace: ns}
	if k.core, err = kubernetes.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if k.dyn, err = dynamic.NewForConfig(cfg); err != nil {
		return nil, err
	}
	if k.disc, err = discovery.NewDiscoveryClientForConfig(cfg); err != nil {
		return nil, err
	}
	if _, err := k.disc.ServerVersion(); err != nil {
		return nil, fmt.Errorf("kubernetes cluster unreachable: %w", err)
	}
	return k, nil
}

func (k *kube) refreshMapper() error {
	groups, err := restmapper.GetAPIGroupResources(k.disc)
	if err != nil {
		return err
	}
	k.mapper = restmapper.NewDiscoveryRESTMapper(groups)
	return nil
}

func (k *kube) ensureNamespace(name string) error {
	_, err := k.core.CoreV1().Namespaces().Get(context.Background(), name, metav1.GetOptions{})
	if err == nil {
		return nil
	}
	if !apierrors.IsNotFound(err) {
		return err
	}
	_, err = k.core.CoreV1().Namespaces().Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return err
	}
	return nil
}

// objects reads a manifest (YAML documents) into objects; empty documents are skipped.
func objects(manifest string) ([]*unstructured.Unstructured, error) {
	dec := utilyaml.NewYAMLOrJSONDecoder(strings.NewReader(manifest), 4096)
	var out []*unstructured.Unstructured
	for {
		var m map[string]interface{}
		if err := dec.Decode(&m); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return nil, err
		}
		if len(m) == 0 {
			continue
		}
		out = append(out, &unstructured.Unstructured{Object: m})
	}
}

func (k *kube) resourceFor(o *unstructured.Unstructured, namespace string) (dynamic.ResourceInterface, error) {
	gvk := o.GroupVersionKind()
	if k.mapper == nil {
		if err := k.refreshMapper(); err != nil {
			return nil, err
		}
	}
	m, err := k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
	if err != nil {
		// a kind a CRD of this manifest has just added
		if err := k.refreshMapper(); err != nil {
			return nil, err
		}
		if m, err = k.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			return nil, fmt.Errorf("resource mapping not found for name: %q namespace: %q from \"\": no matches for kind %q in version %q", o.GetName(), o.GetNamespace(), gvk.Kind, gvk.GroupVersion().String())
		}
	}
	if m.Scope.Name() == meta.RESTScopeNameNamespace {
		ns := o.GetNamespace()
		if ns == "" {
			ns = namespace
			o.SetNamespace(ns)
		}
		return k.dyn.Resource(m.Resource).Namespace(ns), nil
	}
	return k.dyn.Resource(m.Resource), nil
}

// apply sends every object (CRDs first) with server-side apply, marked as Helm marks them.
func (k *kube) apply(objs []*unstructured.Unstructured, release, namespace string) error {
	ordered := append(filterKind(objs, true), filterKind(objs, false)...)
	for _, o := range ordered {
		labels := o.GetLabels()
		if labels == nil {
			labels = map[string]string{}
		}
		labels["app.kubernetes.io/managed-by"] = "Helm"
		o.SetLabels(labels)
		ann := o.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann["meta.helm.sh/release-name"] = release
		ann["meta.helm.sh/release-namespace"] = namespace
		o.SetAnnotations(ann)
		res, err := k.resourceFor(o, namespace)
		if err != nil {
			return err
		}
		body, err := json.Marshal(o.Object)
		if err != nil {
			return err
		}
		force := true
		_, err = res.Patch(context.Background(), o.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{FieldManager: "helm", Force: &force})
		if err != nil {
			return fmt.Errorf("failed to create resource: %s", apiMessage(err))
		}
		if o.GetKind() == "CustomResourceDefinition" {
			k.mapper = nil
		}
	}
	return nil
}

func filterKind(objs []*unstructured.Unstructured, crds bool) []*unstructured.Unstructured {
	var out []*unstructured.Unstructured
	for _, o := range objs {
		if (o.GetKind() == "CustomResourceDefinition") == crds {
			out = append(out, o)
		}
	}
	return out
}

func objectKey(o *unstructured.Unstructured, namespace string) string {
	ns := o.GetNamespace()
	if ns == "" {
		ns = namespace
	}
	return o.GroupVersionKind().GroupKind().String() + "/" + ns + "/" + o.GetName()
}

// remove deletes the objects of `old` that are not in `keep` (all of them when keep is nil).
func (k *kube) remove(old, keep []*unstructured.Unstructured, namespace string) error {
	kept := map[string]bool{}
	for _, o := range keep {
		kept[objectKey(o, namespace)] = true
	}
	policy := metav1.DeletePropagationBackground
	for i := len(old) - 1; i >= 0; i-- {
		o := old[i]
		if kept[objectKey(o, namespace)] {
			continue
		}
		res, err := k.resourceFor(o, namespace)
		if err != nil {
			continue // the kind is gone: so are its objects
		}
		if err := res.Delete(context.Background(), o.GetName(), metav1.DeleteOptions{PropagationPolicy: &policy}); err != nil && !apierrors.IsNotFound(err) {
			return fmt.Errorf("failed to delete %s: %s", objectKey(o, namespace), apiMessage(err))
		}
	}
	return nil
}

func gvk(apiVersion, kind string) schema.GroupVersionKind {
	return schema.FromAPIVersionAndKind(apiVersion, kind)
}

func manifestText(objs []map[string]interface{}, sources []string) string {
	var b bytes.Buffer
	for i, o := range objs {
		y, _ := toYAML(o)
		fmt.Fprintf(&b, "---\n# Source: %s\n%s", sources[i], y)
	}
	return b.String()
}
