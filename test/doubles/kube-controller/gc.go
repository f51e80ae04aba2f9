package main

// Garbage collection, as the garbage collector does it, for the dependents
// the loops make - Pods, ReplicaSets, EndpointSlices - and the owners they
// make them for - Deployments, ReplicaSets, DaemonSets, StatefulSets,
// Services:
//
//   - background: a dependent all of whose ownerReferences name such owners
//     that no longer exist (the uid checked with the server) is deleted;
//   - foreground: an object of these kinds being deleted with the
//     foregroundDeletion finalizer has its dependents deleted (ReplicaSets
//     in the foreground too) and the finalizer removed once none is left;
//   - orphan: an owner being deleted with the orphan finalizer has its
//     ownerReference removed from its dependents, then the finalizer.
//
// Other kinds (ConfigMaps owned by a custom resource, …) are not collected.
// The loop scans on every change of these kinds and every 10 seconds.

import (
	"context"
	"encoding/json"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
)

type gcKind struct {
	gvr  schema.GroupVersionResource
	kind string // as in ownerReferences
	list func() []runtime.Object
}

func (c *ctl) gcKinds() (owners, dependents []gcKind) {
	objs := func(list interface{}, err error) []runtime.Object {
		var out []runtime.Object
		switch l := list.(type) {
		case []*appsv1.Deployment:
			for _, o := range l {
				out = append(out, o)
			}
		case []*appsv1.ReplicaSet:
			for _, o := range l {
				out = append(out, o)
			}
		case []*appsv1.DaemonSet:
			for _, o := range l {
				out = append(out, o)
			}
		case []*appsv1.StatefulSet:
			for _, o := range l {
				out = append(out, o)
			}
		case []*corev1.Service:
			for _, o := range l {
				out = append(out, o)
			}
		case []*corev1.Pod:
			for _, o := range l {
				out = append(out, o)
			}
		case []*discoveryv1.EndpointSlice:
			for _, o := range l {
				out = append(out, o)
			}
		}
		return out
	}
	apps := appsv1.SchemeGroupVersion
	rs := gcKind{apps.WithResource("replicasets"), "ReplicaSet", func() []runtime.Object { return objs(c.replicaSets.List(labels.Everything())) }}
	owners = []gcKind{
		{apps.WithResource("deployments"), "Deployment", func() []runtime.Object { return objs(c.deployments.List(labels.Everything())) }},
		rs,
		{apps.WithResource("daemonsets"), "DaemonSet", func() []runtime.Object { return objs(c.daemonSets.List(labels.Everything())) }},
		{apps.WithResource("statefulsets"), "StatefulSet", func() []runtime.Object { return objs(c.statefulSets.List(labels.Everything())) }},
		{corev1.SchemeGroupVersion.WithResource("services"), "Service", func() []runtime.Object { return objs(c.services.List(labels.Everything())) }},
	}
	dependents = []gcKind{
		{corev1.SchemeGroupVersion.WithResource("pods"), "Pod", func() []runtime.Object { return objs(c.pods.List(labels.Everything())) }},
		rs,
		{discoveryv1.SchemeGroupVersion.WithResource("endpointslices"), "EndpointSlice", func() []runtime.Object { return objs(c.slices.List(labels.Everything())) }},
	}
	return owners, dependents
}

func (c *ctl) setupGC() {
	l := c.newLoop("gc", c.collect)
	owners, dependents := c.gcKinds()
	for _, k := range append(owners, dependents...) {
		_, _ = c.informer(k.gvr).AddEventHandler(on(func(interface{}) { l.add("all") }))
	}
}

type dependent struct {
	kind gcKind
	obj  metav1.Object
}

func (c *ctl) collect(ctx context.Context, _ string) error {
	defer c.byName["gc"].addAfter("all", 10*time.Second)
	owners, dependents := c.gcKinds()
	ownerKinds := map[string]gcKind{}
	live := map[types.UID]bool{}
	for _, k := range owners {
		ownerKinds[k.kind] = k
		for _, o := range k.list() {
			m, _ := meta.Accessor(o)
			live[m.GetUID()] = true
		}
	}
	byOwner := map[types.UID][]dependent{}
	for _, k := range dependents {
		for _, o := range k.list() {
			m, _ := meta.Accessor(o)
			refs := m.GetOwnerReferences()
			if len(refs) == 0 {
				continue
			}
			known, alive := true, false
			for _, r := range refs {
				byOwner[r.UID] = append(byOwner[r.UID], dependent{k, m})
				ok := ownerKinds[r.Kind].kind != ""
				known = known && ok
				alive = alive || live[r.UID]
			}
			if !known || alive || m.GetDeletionTimestamp() != nil {
				continue
			}
			if c.ownersGone(ctx, m, ownerKinds) {
				if err := c.deleteObject(ctx, k.gvr, m, metav1.DeletePropagationBackground); err != nil {
					return err
				}
			}
		}
	}
	done := map[schema.GroupVersionResource]bool{}
	for _, k := range append(owners, dependents...) {
		if done[k.gvr] {
			continue
		}
		done[k.gvr] = true
		for _, o := range k.list() {
			m, _ := meta.Accessor(o)
			if m.GetDeletionTimestamp() == nil {
				continue
			}
			for _, f := range m.GetFinalizers() {
				var err error
				switch f {
				case metav1.FinalizerDeleteDependents:
					err = c.deleteDependents(ctx, k, m, byOwner[m.GetUID()])
				case metav1.FinalizerOrphanDependents:
					err = c.orphanDependents(ctx, k, m, byOwner[m.GetUID()])
				}
				if err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// ownersGone: every owner of the dependent is gone from the server (or
// has another uid there).
func (c *ctl) ownersGone(ctx context.Context, m metav1.Object, kinds map[string]gcKind) bool {
	for _, r := range m.GetOwnerReferences() {
		got, err := c.dynamic.Resource(kinds[r.Kind].gvr).Namespace(m.GetNamespace()).Get(ctx, r.Name, metav1.GetOptions{})
		if err == nil && got.GetUID() == r.UID {
			return false
		}
		if err != nil && !apierrors.IsNotFound(err) {
			return false
		}
	}
	return true
}

func (c *ctl) deleteObject(ctx context.Context, gvr schema.GroupVersionResource, m metav1.Object, policy metav1.DeletionPropagation) error {
	uid := m.GetUID()
	err := c.dynamic.Resource(gvr).Namespace(m.GetNamespace()).Delete(ctx, m.GetName(), metav1.DeleteOptions{
		PropagationPolicy: &policy, Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

func (c *ctl) deleteDependents(ctx context.Context, k gcKind, owner metav1.Object, deps []dependent) error {
	if len(deps) == 0 {
		return c.removeFinalizer(ctx, k, owner, metav1.FinalizerDeleteDependents)
	}
	for _, d := range deps {
		if d.obj.GetDeletionTimestamp() == nil {
			// in the foreground when it owns things itself (a ReplicaSet's pods)
			policy := metav1.DeletePropagationBackground
			if d.kind.kind == "ReplicaSet" {
				policy = metav1.DeletePropagationForeground
			}
			if err := c.deleteObject(ctx, d.kind.gvr, d.obj, policy); err != nil {
				return err
			}
		}
	}
	return nil // the dependents' deletion requeues the scan
}

func (c *ctl) orphanDependents(ctx context.Context, k gcKind, owner metav1.Object, deps []dependent) error {
	for _, d := range deps {
		var keep []metav1.OwnerReference
		for _, r := range d.obj.GetOwnerReferences() {
			if r.UID != owner.GetUID() {
				keep = append(keep, r)
			}
		}
		patch, _ := json.Marshal(map[string]interface{}{"metadata": map[string]interface{}{"ownerReferences": keep, "uid": d.obj.GetUID()}})
		_, err := c.dynamic.Resource(d.kind.gvr).Namespace(d.obj.GetNamespace()).Patch(ctx, d.obj.GetName(), types.MergePatchType, patch, metav1.PatchOptions{})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return c.removeFinalizer(ctx, k, owner, metav1.FinalizerOrphanDependents)
}

func (c *ctl) removeFinalizer(ctx context.Context, k gcKind, owner metav1.Object, finalizer string) error {
	keep := []string{}
	for _, f := range owner.GetFinalizers() {
		if f != finalizer {
			keep = append(keep, f)
		}
	}
	patch, _ := json.Marshal(map[string]interface{}{"metadata": map[string]interface{}{
		"finalizers": keep, "uid": owner.GetUID(), "resourceVersion": owner.GetResourceVersion()}})
	_, err := c.dynamic.Resource(k.gvr).Namespace(owner.GetNamespace()).Patch(ctx, owner.GetName(), types.MergePatchType, patch, metav1.PatchOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
