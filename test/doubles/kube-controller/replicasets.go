package main

// ReplicaSets: as the replicaset controller. Pods <replicaset>-<random>
// from the template, controlled by the ReplicaSet, created or deleted until
// the active ones (not finished, not being deleted) are spec.replicas;
// deleted first: unscheduled, then pending, then not ready, then the
// newest. Pods are deleted gracefully (the pods loop finishes them). Status:
// observedGeneration, replicas, fullyLabeledReplicas, readyReplicas,
// availableReplicas (Ready for minReadySeconds). Orphans that match the
// selector are not adopted.

import (
	"context"
	"fmt"
	"sort"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func (c *ctl) setupReplicaSets() {
	l := c.newLoop("replicasets", c.syncReplicaSet)
	_, _ = c.informer(appsv1.SchemeGroupVersion.WithResource("replicasets")).AddEventHandler(on(l.addObj))
	_, _ = c.podInformer.AddEventHandler(on(ownerHandler(l, "ReplicaSet")))
}

// ownerHandler enqueues the pod's controller of the given kind.
func ownerHandler(l *loop, kind string) func(obj interface{}) {
	return func(obj interface{}) {
		if p, ok := obj.(*corev1.Pod); ok {
			if ref := metav1.GetControllerOfNoCopy(p); ref != nil && ref.Kind == kind {
				l.add(p.Namespace + "/" + ref.Name)
			}
		}
	}
}

// deletionRank: which pods a controller deletes first (lower first).
func deletionRank(p *corev1.Pod) int {
	r := 0
	if p.Spec.NodeName != "" {
		r += 4
	}
	if p.Status.Phase == corev1.PodRunning {
		r += 2
	}
	if podReady(p) {
		r++
	}
	return r
}

func (c *ctl) createPods(ctx context.Context, owner metav1.Object, kind, component string, pods []*corev1.Pod) error {
	var names []string
	for _, p := range pods {
		created, err := c.client.CoreV1().Pods(p.Namespace).Create(ctx, p, metav1.CreateOptions{})
		if err != nil {
			c.event(owner, kind, "apps/v1", component, corev1.EventTypeWarning, "FailedCreate", fmt.Sprintf("Error creating: %v", err))
			return err
		}
		names = append(names, created.Name)
		c.event(owner, kind, "apps/v1", component, corev1.EventTypeNormal, "SuccessfulCreate", "Created pod: "+created.Name)
	}
	waitCache(ctx, func() bool {
		for _, n := range names {
			if _, err := c.pods.Pods(owner.GetNamespace()).Get(n); err != nil {
				return false
			}
		}
		return true
	})
	return nil
}

func (c *ctl) deletePods(ctx context.Context, owner metav1.Object, kind, component string, pods []*corev1.Pod) error {
	for _, p := range pods {
		uid := p.UID
		err := c.client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
		if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
			continue
		}
		if err != nil {
			return err
		}
		c.event(owner, kind, "apps/v1", component, corev1.EventTypeNormal, "SuccessfulDelete", "Deleted pod: "+p.Name)
	}
	waitCache(ctx, func() bool {
		for _, p := range pods {
			if got, err := c.pods.Pods(p.Namespace).Get(p.Name); err == nil && got.UID == p.UID && got.DeletionTimestamp == nil {
				return false
			}
		}
		return true
	})
	return nil
}

func (c *ctl) syncReplicaSet(ctx context.Context, key string) error {
	ns, name := split(key)
	rs, err := c.replicaSets.ReplicaSets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if rs.DeletionTimestamp != nil {
		return nil
	}
	var act []*corev1.Pod
	for _, p := range c.ownedPods(ns, rs.UID) {
		if active(p) {
			act = append(act, p)
		}
	}
	want := int(replicas(rs.Spec.Replicas))
	switch {
	case len(act) < want:
		var pods []*corev1.Pod
		for i := len(act); i < want; i++ {
			p := podFromTemplate(&rs.Spec.Template, rs, replicaSetKind)
			p.GenerateName = rs.Name + "-"
			pods = append(pods, p)
		}
		if err := c.createPods(ctx, rs, "ReplicaSet", "replicaset-controller", pods); err != nil {
			return err
		}
	case len(act) > want:
		sort.SliceStable(act, func(i, j int) bool {
			if ri, rj := deletionRank(act[i]), deletionRank(act[j]); ri != rj {
				return ri < rj
			}
			return act[j].CreationTimestamp.Before(&act[i].CreationTimestamp)
		})
		if err := c.deletePods(ctx, rs, "ReplicaSet", "replicaset-controller", act[:len(act)-want]); err != nil {
			return err
		}
	}

	st := appsv1.ReplicaSetStatus{ObservedGeneration: rs.Generation, Conditions: rs.Status.Conditions}
	templateLabels := labels.SelectorFromSet(rs.Spec.Template.Labels)
	now := time.Now()
	var next time.Duration
	for _, p := range c.ownedPods(ns, rs.UID) {
		if !active(p) {
			continue
		}
		st.Replicas++
		if templateLabels.Matches(labels.Set(p.Labels)) {
			st.FullyLabeledReplicas++
		}
		if podReady(p) {
			st.ReadyReplicas++
		}
		if ok, wait := podAvailable(p, rs.Spec.MinReadySeconds, now); ok {
			st.AvailableReplicas++
		} else if wait > 0 && (next == 0 || wait < next) {
			next = wait
		}
	}
	if next > 0 {
		c.byName["replicasets"].addAfter(key, next+50*time.Millisecond)
	}
	if apiequality.Semantic.DeepEqual(rs.Status, st) {
		return nil
	}
	u := rs.DeepCopy()
	u.Status = st
	_, err = c.client.AppsV1().ReplicaSets(ns).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
