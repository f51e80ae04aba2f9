package main

// StatefulSets: as the statefulset controller. Pods <set>-<ordinal> for
// ordinals spec.ordinals.start .. start+replicas-1, labelled
// controller-revision-hash (<set>-<template hash>),
// statefulset.kubernetes.io/pod-name and apps.kubernetes.io/pod-index, with
// hostname and subdomain (serviceName) set, and a PersistentVolumeClaim
// <template>-<pod> per volumeClaimTemplate (made before the pod, never
// deleted: the Retain policy). OrderedReady (the default) makes a pod only
// once all lower ones are Running and Ready, removes the highest first, one
// at a time; Parallel does all at once. RollingUpdate replaces pods of an
// older revision from the highest ordinal down to the partition, one at a
// time, while all pods are Ready; OnDelete never does. No ControllerRevisions
// are written. Status: observedGeneration, replicas, readyReplicas,
// availableReplicas, currentReplicas, updatedReplicas, currentRevision (set
// to the update revision once every pod has it), updateRevision.

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func (c *ctl) setupStatefulSets() {
	l := c.newLoop("statefulsets", c.syncStatefulSet)
	_, _ = c.informer(appsv1.SchemeGroupVersion.WithResource("statefulsets")).AddEventHandler(on(l.addObj))
	_, _ = c.podInformer.AddEventHandler(on(ownerHandler(l, "StatefulSet")))
}

func ordinal(set *appsv1.StatefulSet, p *corev1.Pod) (int, bool) {
	s, ok := strings.CutPrefix(p.Name, set.Name+"-")
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(s)
	return i, err == nil && i >= 0
}

func runningAndReady(p *corev1.Pod) bool {
	return p.Status.Phase == corev1.PodRunning && podReady(p) && p.DeletionTimestamp == nil
}

func (c *ctl) syncStatefulSet(ctx context.Context, key string) error {
	ns, name := split(key)
	set, err := c.statefulSets.StatefulSets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if set.DeletionTimestamp != nil {
		return nil
	}
	rev := set.Name + "-" + templateHash(&set.Spec.Template, set.Status.CollisionCount)
	start := 0
	if set.Spec.Ordinals != nil {
		start = int(set.Spec.Ordinals.Start)
	}
	n := int(replicas(set.Spec.Replicas))
	parallel := set.Spec.PodManagementPolicy == appsv1.ParallelPodManagement
	pods := map[int]*corev1.Pod{}
	var extra []int // ordinals beyond the range, highest first
	for _, p := range c.ownedPods(ns, set.UID) {
		if i, ok := ordinal(set, p); ok && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
			pods[i] = p
			if i < start || i >= start+n {
				extra = append(extra, i)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(extra)))

	// create in order (OrderedReady: each waits for the ones below it)
	for i := start; i < start+n; i++ {
		p := pods[i]
		if p == nil {
			if err := c.ensureClaims(ctx, set, i); err != nil {
				return err
			}
			if err := c.createPods(ctx, set, "StatefulSet", "statefulset-controller", []*corev1.Pod{c.statefulPod(set, i, rev)}); err != nil {
				return err
			}
			if !parallel {
				break
			}
			continue
		}
		if !parallel && !runningAndReady(p) {
			break
		}
	}
	// scale down, highest first
	for _, i := range extra {
		if pods[i].DeletionTimestamp != nil {
			if !parallel {
				break
			}
			continue
		}
		if err := c.deletePods(ctx, set, "StatefulSet", "statefulset-controller", []*corev1.Pod{pods[i]}); err != nil {
			return err
		}
		if !parallel {
			break
		}
	}
	// rolling update: the highest outdated pod at or above the partition,
	// once every pod is Running and Ready
	if set.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType {
		partition := 0
		if ru := set.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.Partition != nil {
			partition = int(*ru.Partition)
		}
		allReady := true
		for i := start; i < start+n; i++ {
			if pods[i] == nil || !runningAndReady(pods[i]) {
				allReady = false
			}
		}
		for i := start + n - 1; allReady && i >= start+partition; i-- {
			if pods[i].Labels[labelRevisionHash] != rev {
				if err := c.deletePods(ctx, set, "StatefulSet", "statefulset-controller", []*corev1.Pod{pods[i]}); err != nil {
					return err
				}
				break
			}
		}
	}

	st := appsv1.StatefulSetStatus{ObservedGeneration: set.Generation, CollisionCount: set.Status.CollisionCount, Conditions: set.Status.Conditions,
		CurrentRevision: set.Status.CurrentRevision, UpdateRevision: rev}
	if st.CurrentRevision == "" {
		st.CurrentRevision = rev
	}
	now := time.Now()
	var next time.Duration
	for _, p := range c.ownedPods(ns, set.UID) {
		if _, ok := ordinal(set, p); !ok || !active(p) {
			continue
		}
		st.Replicas++
		if podReady(p) {
			st.ReadyReplicas++
		}
		if ok, wait := podAvailable(p, set.Spec.MinReadySeconds, now); ok {
			st.AvailableReplicas++
		} else if wait > 0 && (next == 0 || wait < next) {
			next = wait
		}
		if p.Labels[labelRevisionHash] == st.CurrentRevision {
			st.CurrentReplicas++
		}
		if p.Labels[labelRevisionHash] == rev {
			st.UpdatedReplicas++
		}
	}
	if st.CurrentRevision != rev && st.UpdatedReplicas == int32(n) && st.ReadyReplicas == int32(n) {
		st.CurrentRevision, st.CurrentReplicas = rev, st.UpdatedReplicas
	}
	if next > 0 {
		c.byName["statefulsets"].addAfter(key, next+50*time.Millisecond)
	}
	if apiequality.Semantic.DeepEqual(set.Status, st) {
		return nil
	}
	u := set.DeepCopy()
	u.Status = st
	_, err = c.client.AppsV1().StatefulSets(ns).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func claimName(set *appsv1.StatefulSet, tmpl *corev1.PersistentVolumeClaim, i int) string {
	return fmt.Sprintf("%s-%s-%d", tmpl.Name, set.Name, i)
}

func (c *ctl) statefulPod(set *appsv1.StatefulSet, i int, rev string) *corev1.Pod {
	p := podFromTemplate(&set.Spec.Template, set, statefulSetKind)
	p.Name = fmt.Sprintf("%s-%d", set.Name, i)
	p.Labels[labelRevisionHash] = rev
	p.Labels[appsv1.StatefulSetPodNameLabel] = p.Name
	p.Labels[appsv1.PodIndexLabel] = strconv.Itoa(i)
	p.Spec.Hostname = p.Name
	p.Spec.Subdomain = set.Spec.ServiceName
	for _, t := range set.Spec.VolumeClaimTemplates {
		v := corev1.Volume{Name: t.Name, VolumeSource: corev1.VolumeSource{PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claimName(set, &t, i)}}}
		replaced := false
		for j := range p.Spec.Volumes {
			if p.Spec.Volumes[j].Name == t.Name {
				p.Spec.Volumes[j], replaced = v, true
			}
		}
		if !replaced {
			p.Spec.Volumes = append(p.Spec.Volumes, v)
		}
	}
	return p
}

// ensureClaims makes the pod's claims from the volumeClaimTemplates.
func (c *ctl) ensureClaims(ctx context.Context, set *appsv1.StatefulSet, i int) error {
	for _, t := range set.Spec.VolumeClaimTemplates {
		name := claimName(set, &t, i)
		if _, err := c.pvcs.PersistentVolumeClaims(set.Namespace).Get(name); err == nil {
			continue
		}
		pvc := &corev1.PersistentVolumeClaim{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: set.Namespace, Labels: map[string]string{}, Annotations: t.Annotations},
			Spec: *t.Spec.DeepCopy()}
		for k, v := range t.Labels {
			pvc.Labels[k] = v
		}
		if set.Spec.Selector != nil {
			for k, v := range set.Spec.Selector.MatchLabels {
				pvc.Labels[k] = v
			}
		}
		if _, err := c.client.CoreV1().PersistentVolumeClaims(set.Namespace).Create(ctx, pvc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return err
		}
		c.event(set, "StatefulSet", "apps/v1", "statefulset-controller", corev1.EventTypeNormal, "SuccessfulCreate",
			fmt.Sprintf("create Claim %s Pod %s-%d in StatefulSet %s success", name, set.Name, i, set.Name))
	}
	return nil
}
