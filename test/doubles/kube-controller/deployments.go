package main

// Deployments: as the deployment controller, through ReplicaSets named
// <deployment>-<pod-template-hash> (the hash computed as
// kube-controller-manager computes it), owned by the Deployment, with the
// annotations deployment.kubernetes.io/revision, desired-replicas and
// max-replicas (kubectl rollout history/undo read them), and the revision
// on the Deployment too. Simplified strategies:
//
//   - RollingUpdate: the new ReplicaSet gets all replicas at once (as if
//     maxSurge were 100%); the old ones are scaled to 0 once the new one is
//     fully available. maxUnavailable only decides the Available condition.
//   - Recreate: the old ReplicaSets are scaled to 0 first; the new one is
//     made once their pods are gone.
//
// Old ReplicaSets beyond revisionHistoryLimit are deleted. Paused: nothing
// is rolled out. Status as the real controller writes it: observedGeneration,
// replicas, updatedReplicas, readyReplicas, availableReplicas,
// unavailableReplicas, and the conditions Available (MinimumReplicasAvailable
// / MinimumReplicasUnavailable) and Progressing (NewReplicaSetCreated,
// ReplicaSetUpdated, NewReplicaSetAvailable, ProgressDeadlineExceeded after
// progressDeadlineSeconds without progress, DeploymentPaused,
// DeploymentResumed), with their real messages.

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"sort"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/dump"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/rand"
)

const (
	labelPodTemplateHash = "pod-template-hash"
	annoRevision         = "deployment.kubernetes.io/revision"
	annoDesiredReplicas  = "deployment.kubernetes.io/desired-replicas"
	annoMaxReplicas      = "deployment.kubernetes.io/max-replicas"
)

func (c *ctl) setupDeployments() {
	l := c.newLoop("deployments", c.syncDeployment)
	_, _ = c.informer(appsv1.SchemeGroupVersion.WithResource("deployments")).AddEventHandler(on(l.addObj))
	_, _ = c.informer(appsv1.SchemeGroupVersion.WithResource("replicasets")).AddEventHandler(on(func(obj interface{}) {
		if rs, ok := obj.(*appsv1.ReplicaSet); ok {
			if ref := metav1.GetControllerOfNoCopy(rs); ref != nil && ref.Kind == "Deployment" {
				l.add(rs.Namespace + "/" + ref.Name)
			}
		}
	}))
}

// templateHash: kube-controller-manager's controller.ComputeHash.
func templateHash(t *corev1.PodTemplateSpec, collisionCount *int32) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%v", dump.ForHash(*t))
	if collisionCount != nil {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint32(b, uint32(*collisionCount))
		_, _ = h.Write(b)
	}
	return rand.SafeEncodeString(fmt.Sprint(h.Sum32()))
}

func revision(o metav1.Object) int64 {
	v, _ := strconv.ParseInt(o.GetAnnotations()[annoRevision], 10, 64)
	return v
}

// sameTemplate: the ReplicaSet runs the Deployment's template (the hash
// label aside), as deploymentutil.EqualIgnoreHash.
func sameTemplate(a, b *corev1.PodTemplateSpec) bool {
	a, b = a.DeepCopy(), b.DeepCopy()
	delete(a.Labels, labelPodTemplateHash)
	delete(b.Labels, labelPodTemplateHash)
	return apiequality.Semantic.DeepEqual(a, b)
}

func (c *ctl) ownedReplicaSets(d *appsv1.Deployment) []*appsv1.ReplicaSet {
	all, _ := c.replicaSets.ReplicaSets(d.Namespace).List(labels.Everything())
	var out []*appsv1.ReplicaSet
	for _, rs := range all {
		if ref := metav1.GetControllerOfNoCopy(rs); ref != nil && ref.UID == d.UID {
			out = append(out, rs)
		}
	}
	sort.Slice(out, func(i, j int) bool { return revision(out[i]) < revision(out[j]) })
	return out
}

func maxSurge(d *appsv1.Deployment, desired int32) int32 {
	if d.Spec.Strategy.RollingUpdate == nil || d.Spec.Strategy.RollingUpdate.MaxSurge == nil {
		return 0
	}
	v, _ := intstr.GetScaledValueFromIntOrPercent(d.Spec.Strategy.RollingUpdate.MaxSurge, int(desired), true)
	return int32(v)
}

func (c *ctl) syncDeployment(ctx context.Context, key string) error {
	ns, name := split(key)
	d, err := c.deployments.Deployments(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if d.DeletionTimestamp != nil {
		return nil
	}
	var newRS *appsv1.ReplicaSet
	var olds []*appsv1.ReplicaSet
	maxRev := int64(0)
	for _, rs := range c.ownedReplicaSets(d) {
		if r := revision(rs); r > maxRev {
			maxRev = r
		}
		if newRS == nil && sameTemplate(&rs.Spec.Template, &d.Spec.Template) {
			newRS = rs
		} else {
			olds = append(olds, rs)
		}
	}
	desired := replicas(d.Spec.Replicas)
	createdNew := false
	if !d.Spec.Paused {
		recreate := d.Spec.Strategy.Type == appsv1.RecreateDeploymentStrategyType
		newAvailable := newRS != nil && newRS.Status.ObservedGeneration >= newRS.Generation &&
			replicas(newRS.Spec.Replicas) == desired && newRS.Status.AvailableReplicas >= desired
		oldPods := false
		for _, rs := range olds {
			if recreate || newAvailable {
				if err := c.scaleReplicaSet(ctx, d, rs, 0, revision(rs)); err != nil {
					return err
				}
			}
			for _, p := range c.ownedPods(ns, rs.UID) {
				if p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed {
					oldPods = true
				}
			}
		}
		switch {
		case newRS == nil && recreate && oldPods:
			// Recreate waits for the old pods to be gone
		case newRS == nil:
			if newRS, err = c.createReplicaSet(ctx, d, maxRev+1, desired); err != nil {
				return err
			}
			createdNew = true
		default:
			rev := revision(newRS)
			if rev < maxRev {
				rev = maxRev + 1 // back to an older template (rollout undo): it becomes the newest revision
			}
			target := desired
			if recreate && oldPods {
				target = 0
			}
			if err := c.scaleReplicaSet(ctx, d, newRS, target, rev); err != nil {
				return err
			}
		}
		if err := c.cleanupHistory(ctx, d, olds); err != nil {
			return err
		}
	}
	if newRS != nil && d.Annotations[annoRevision] != newRS.Annotations[annoRevision] && newRS.Annotations[annoRevision] != "" {
		u := d.DeepCopy()
		if u.Annotations == nil {
			u.Annotations = map[string]string{}
		}
		u.Annotations[annoRevision] = newRS.Annotations[annoRevision]
		if d, err = c.client.AppsV1().Deployments(ns).Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	return c.deploymentStatus(ctx, d, newRS, createdNew)
}

func (c *ctl) createReplicaSet(ctx context.Context, d *appsv1.Deployment, rev int64, n int32) (*appsv1.ReplicaSet, error) {
	hash := templateHash(&d.Spec.Template, d.Status.CollisionCount)
	t := d.Spec.Template.DeepCopy()
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Labels[labelPodTemplateHash] = hash
	sel := d.Spec.Selector.DeepCopy()
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[labelPodTemplateHash] = hash
	annotations := map[string]string{}
	for k, v := range d.Annotations {
		switch k {
		case corev1.LastAppliedConfigAnnotation, annoRevision, annoDesiredReplicas, annoMaxReplicas, "deployment.kubernetes.io/revision-history":
		default:
			annotations[k] = v
		}
	}
	annotations[annoRevision] = strconv.FormatInt(rev, 10)
	annotations[annoDesiredReplicas] = strconv.Itoa(int(n))
	annotations[annoMaxReplicas] = strconv.Itoa(int(n + maxSurge(d, n)))
	rs := &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{Name: d.Name + "-" + hash, Namespace: d.Namespace, Labels: t.Labels, Annotations: annotations,
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(d, deploymentKind)}},
		Spec: appsv1.ReplicaSetSpec{Replicas: &n, MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: *t},
	}
	created, err := c.client.AppsV1().ReplicaSets(d.Namespace).Create(ctx, rs, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		// ours, not yet in the cache? (a foreign one with this name: a hash collision, not handled)
		if got, gerr := c.client.AppsV1().ReplicaSets(d.Namespace).Get(ctx, rs.Name, metav1.GetOptions{}); gerr == nil {
			if ref := metav1.GetControllerOf(got); ref != nil && ref.UID == d.UID {
				return got, nil
			}
		}
		return nil, err
	}
	if err != nil {
		return nil, err
	}
	c.event(d, "Deployment", "apps/v1", "deployment-controller", corev1.EventTypeNormal, "ScalingReplicaSet", fmt.Sprintf("Scaled up replica set %s from 0 to %d", created.Name, n))
	waitCache(ctx, func() bool { _, err := c.replicaSets.ReplicaSets(d.Namespace).Get(created.Name); return err == nil })
	return created, nil
}

// scaleReplicaSet sets a ReplicaSet's replicas and the deployment
// annotations on it (revision, desired and max replicas).
func (c *ctl) scaleReplicaSet(ctx context.Context, d *appsv1.Deployment, rs *appsv1.ReplicaSet, n int32, rev int64) error {
	desired := replicas(d.Spec.Replicas)
	want := map[string]string{annoRevision: strconv.FormatInt(rev, 10), annoDesiredReplicas: strconv.Itoa(int(desired)),
		annoMaxReplicas: strconv.Itoa(int(desired + maxSurge(d, desired)))}
	old := replicas(rs.Spec.Replicas)
	same := old == n
	for k, v := range want {
		same = same && rs.Annotations[k] == v
	}
	if same {
		return nil
	}
	u := rs.DeepCopy()
	u.Spec.Replicas = &n
	if u.Annotations == nil {
		u.Annotations = map[string]string{}
	}
	for k, v := range want {
		u.Annotations[k] = v
	}
	updated, err := c.client.AppsV1().ReplicaSets(rs.Namespace).Update(ctx, u, metav1.UpdateOptions{})
	if err != nil {
		return err
	}
	if old != n {
		dir := "up"
		if n < old {
			dir = "down"
		}
		c.event(d, "Deployment", "apps/v1", "deployment-controller", corev1.EventTypeNormal, "ScalingReplicaSet", fmt.Sprintf("Scaled %s replica set %s from %d to %d", dir, rs.Name, old, n))
	}
	waitCache(ctx, func() bool {
		got, err := c.replicaSets.ReplicaSets(rs.Namespace).Get(rs.Name)
		return err != nil || seen(got.ResourceVersion, updated.ResourceVersion)
	})
	return nil
}

// cleanupHistory deletes the oldest scaled-down ReplicaSets beyond
// revisionHistoryLimit.
func (c *ctl) cleanupHistory(ctx context.Context, d *appsv1.Deployment, olds []*appsv1.ReplicaSet) error {
	limit := int32(10)
	if d.Spec.RevisionHistoryLimit != nil {
		limit = *d.Spec.RevisionHistoryLimit
	}
	var idle []*appsv1.ReplicaSet
	for _, rs := range olds {
		if replicas(rs.Spec.Replicas) == 0 && rs.Status.Replicas == 0 && rs.DeletionTimestamp == nil {
			idle = append(idle, rs)
		}
	}
	for i := 0; i < len(idle)-int(limit); i++ { // olds are sorted by revision
		err := c.client.AppsV1().ReplicaSets(d.Namespace).Delete(ctx, idle[i].Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &idle[i].UID}})
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}

func getDeploymentCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) *appsv1.DeploymentCondition {
	for i := range st.Conditions {
		if st.Conditions[i].Type == t {
			return &st.Conditions[i]
		}
	}
	return nil
}

// setDeploymentCondition as deploymentutil.SetDeploymentCondition: nothing
// changes when status and reason are the same; the transition time is
// kept while the status is.
func setDeploymentCondition(st *appsv1.DeploymentStatus, c appsv1.DeploymentCondition) {
	cur := getDeploymentCondition(st, c.Type)
	if cur != nil && cur.Status == c.Status && cur.Reason == c.Reason {
		return
	}
	if cur != nil && cur.Status == c.Status {
		c.LastTransitionTime = cur.LastTransitionTime
	}
	removeDeploymentCondition(st, c.Type)
	st.Conditions = append(st.Conditions, c)
}

func removeDeploymentCondition(st *appsv1.DeploymentStatus, t appsv1.DeploymentConditionType) {
	var keep []appsv1.DeploymentCondition
	for _, c := range st.Conditions {
		if c.Type != t {
			keep = append(keep, c)
		}
	}
	st.Conditions = keep
}

func (c *ctl) deploymentStatus(ctx context.Context, d *appsv1.Deployment, newRS *appsv1.ReplicaSet, createdNew bool) error {
	desired := replicas(d.Spec.Replicas)
	st := appsv1.DeploymentStatus{ObservedGeneration: d.Generation, CollisionCount: d.Status.CollisionCount}
	for _, cond := range d.Status.Conditions {
		st.Conditions = append(st.Conditions, *cond.DeepCopy())
	}
	for _, rs := range c.ownedReplicaSets(d) {
		st.Replicas += rs.Status.Replicas
		st.ReadyReplicas += rs.Status.ReadyReplicas
		st.AvailableReplicas += rs.Status.AvailableReplicas
		if newRS != nil && rs.UID == newRS.UID {
			st.UpdatedReplicas = rs.Status.Replicas
		}
	}
	if u := desired - st.AvailableReplicas; u > 0 {
		st.UnavailableReplicas = u
	}
	maxUnavailable := int32(0)
	if d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType && d.Spec.Strategy.RollingUpdate != nil && d.Spec.Strategy.RollingUpdate.MaxUnavailable != nil {
		v, _ := intstr.GetScaledValueFromIntOrPercent(d.Spec.Strategy.RollingUpdate.MaxUnavailable, int(desired), false)
		maxUnavailable = min(int32(v), desired)
	}
	now := metav1.Now()
	cond := func(t appsv1.DeploymentConditionType, s corev1.ConditionStatus, reason, msg string) appsv1.DeploymentCondition {
		return appsv1.DeploymentCondition{Type: t, Status: s, Reason: reason, Message: msg, LastUpdateTime: now, LastTransitionTime: now}
	}
	if st.AvailableReplicas >= desired-maxUnavailable {
		setDeploymentCondition(&st, cond(appsv1.DeploymentAvailable, corev1.ConditionTrue, "MinimumReplicasAvailable", "Deployment has minimum availability."))
	} else {
		setDeploymentCondition(&st, cond(appsv1.DeploymentAvailable, corev1.ConditionFalse, "MinimumReplicasUnavailable", "Deployment does not have minimum availability."))
	}

	rsName := ""
	if newRS != nil {
		rsName = newRS.Name
	}
	cur := getDeploymentCondition(&st, appsv1.DeploymentProgressing)
	if d.Spec.Paused {
		setDeploymentCondition(&st, cond(appsv1.DeploymentProgressing, corev1.ConditionUnknown, "DeploymentPaused", "Deployment is paused"))
	} else {
		if cur != nil && cur.Reason == "DeploymentPaused" {
			setDeploymentCondition(&st, cond(appsv1.DeploymentProgressing, corev1.ConditionUnknown, "DeploymentResumed", "Deployment is resumed"))
		}
		complete := newRS != nil && st.UpdatedReplicas == desired && st.Replicas == desired && st.AvailableReplicas == desired
		oldOld, newOld := d.Status.Replicas-d.Status.UpdatedReplicas, st.Replicas-st.UpdatedReplicas
		progressing := st.UpdatedReplicas > d.Status.UpdatedReplicas || newOld < oldOld ||
			st.ReadyReplicas > d.Status.ReadyReplicas || st.AvailableReplicas > d.Status.AvailableReplicas
		cur = getDeploymentCondition(&st, appsv1.DeploymentProgressing)
		switch {
		case complete:
			setDeploymentCondition(&st, cond(appsv1.DeploymentProgressing, corev1.ConditionTrue, "NewReplicaSetAvailable", fmt.Sprintf("ReplicaSet %q has successfully progressed.", rsName)))
		case createdNew:
			pc := cond(appsv1.DeploymentProgressing, corev1.ConditionTrue, "NewReplicaSetCreated", fmt.Sprintf("Created new replica set %q", rsName))
			if cur != nil && cur.Status == corev1.ConditionTrue {
				pc.LastTransitionTime = cur.LastTransitionTime
			}
			removeDeploymentCondition(&st, appsv1.DeploymentProgressing)
			setDeploymentCondition(&st, pc)
		case progressing || cur == nil:
			// progress: the condition is refreshed even with the same reason
			pc := cond(appsv1.DeploymentProgressing, corev1.ConditionTrue, "ReplicaSetUpdated", fmt.Sprintf("ReplicaSet %q is progressing.", rsName))
			if cur != nil && cur.Status == corev1.ConditionTrue {
				pc.LastTransitionTime = cur.LastTransitionTime
			}
			removeDeploymentCondition(&st, appsv1.DeploymentProgressing)
			setDeploymentCondition(&st, pc)
		default:
			if deadline := d.Spec.ProgressDeadlineSeconds; deadline != nil && *deadline != math.MaxInt32 && cur.Reason != "NewReplicaSetAvailable" && cur.Reason != "ProgressDeadlineExceeded" {
				left := time.Until(cur.LastUpdateTime.Add(time.Duration(*deadline) * time.Second))
				if left <= 0 {
					setDeploymentCondition(&st, cond(appsv1.DeploymentProgressing, corev1.ConditionFalse, "ProgressDeadlineExceeded", fmt.Sprintf("ReplicaSet %q has timed out progressing.", rsName)))
				} else {
					c.byName["deployments"].addAfter(d.Namespace+"/"+d.Name, left+100*time.Millisecond)
				}
			}
		}
	}
	if apiequality.Semantic.DeepEqual(d.Status, st) {
		return nil
	}
	u := d.DeepCopy()
	u.Status = st
	_, err := c.client.AppsV1().Deployments(d.Namespace).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}
