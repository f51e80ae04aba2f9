package main

// PodDisruptionBudgets: status as the disruption controller computes it, so
// that the API server's pods/eviction allows or refuses evictions as a real
// cluster does.
//
//   - minAvailable as a number: desiredHealthy = minAvailable,
//     expectedPods = the pods the selector matches;
//   - minAvailable as a percentage, or maxUnavailable: expectedPods = the
//     replicas of the pods' controllers (Deployment through its ReplicaSet,
//     ReplicaSet, StatefulSet); desiredHealthy = the percentage of it
//     (rounded up), or it minus maxUnavailable. Pods without such a
//     controller (bare pods, DaemonSets) make the status fail safe: 0
//     disruptions allowed, condition DisruptionAllowed=False SyncFailed;
//   - currentHealthy: matching pods that are Ready and not being deleted,
//     leaving out those in status.disruptedPods (evicted less than 2
//     minutes ago and not yet being deleted);
//   - disruptionsAllowed = currentHealthy - desiredHealthy (at least 0; 0
//     with no expected pods); condition DisruptionAllowed True
//     SufficientPods / False InsufficientPods; observedGeneration.

import (
	"context"
	"fmt"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const disruptedPodTimeout = 2 * time.Minute

func (c *ctl) setupDisruption() {
	l := c.newLoop("disruption", c.syncPDB)
	_, _ = c.informer(policyv1.SchemeGroupVersion.WithResource("poddisruptionbudgets")).AddEventHandler(on(l.addObj))
	all := func(ns string) {
		pdbs, _ := c.pdbs.PodDisruptionBudgets(ns).List(labels.Everything())
		for _, p := range pdbs {
			l.addObj(p)
		}
	}
	_, _ = c.podInformer.AddEventHandler(on(func(obj interface{}) {
		if p, ok := obj.(*corev1.Pod); ok {
			all(p.Namespace)
		}
	}))
	for _, r := range []string{"replicasets", "statefulsets", "deployments"} {
		_, _ = c.informer(appsv1.SchemeGroupVersion.WithResource(r)).AddEventHandler(on(func(obj interface{}) {
			if m, err := meta.Accessor(obj); err == nil {
				all(m.GetNamespace())
			}
		}))
	}
}

func (c *ctl) syncPDB(ctx context.Context, key string) error {
	ns, name := split(key)
	pdb, err := c.pdbs.PodDisruptionBudgets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	st := pdb.Status.DeepCopy()
	st.ObservedGeneration = pdb.Generation
	var pods []*corev1.Pod
	if pdb.Spec.Selector != nil {
		if sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err == nil && !sel.Empty() {
			pods, _ = c.pods.Pods(ns).List(sel)
		}
	}
	expected, desired, err := c.expectedPods(pdb, pods)
	now := time.Now()
	if err != nil {
		st.DisruptionsAllowed = 0
		meta.SetStatusCondition(&st.Conditions, metav1.Condition{Type: policyv1.DisruptionAllowedCondition, Status: metav1.ConditionFalse,
			Reason: policyv1.SyncFailedReason, Message: err.Error(), ObservedGeneration: pdb.Generation})
	} else {
		disrupted := map[string]metav1.Time{}
		healthy := int32(0)
		var next time.Duration
		for _, p := range pods {
			if p.DeletionTimestamp != nil {
				continue
			}
			if at, ok := pdb.Status.DisruptedPods[p.Name]; ok {
				if left := at.Add(disruptedPodTimeout).Sub(now); left > 0 {
					disrupted[p.Name] = at
					if next == 0 || left < next {
						next = left
					}
					continue
				}
			}
			if podReady(p) {
				healthy++
			}
		}
		if next > 0 {
			c.byName["disruption"].addAfter(key, next)
		}
		if len(disrupted) == 0 {
			disrupted = nil
		}
		allowed := healthy - desired
		if expected <= 0 || allowed < 0 {
			allowed = 0
		}
		st.CurrentHealthy, st.DesiredHealthy, st.ExpectedPods, st.DisruptionsAllowed, st.DisruptedPods = healthy, desired, expected, allowed, disrupted
		cond := metav1.Condition{Type: policyv1.DisruptionAllowedCondition, Status: metav1.ConditionTrue, Reason: policyv1.SufficientPodsReason, ObservedGeneration: pdb.Generation}
		if allowed == 0 {
			cond.Status, cond.Reason = metav1.ConditionFalse, policyv1.InsufficientPodsReason
		}
		meta.SetStatusCondition(&st.Conditions, cond)
	}
	if apiequality.Semantic.DeepEqual(&pdb.Status, st) {
		return nil
	}
	u := pdb.DeepCopy()
	u.Status = *st
	_, err = c.client.PolicyV1().PodDisruptionBudgets(ns).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// expectedPods: expectedPods and desiredHealthy, as getExpectedPodCount.
func (c *ctl) expectedPods(pdb *policyv1.PodDisruptionBudget, pods []*corev1.Pod) (int32, int32, error) {
	switch {
	case pdb.Spec.MaxUnavailable != nil:
		expected, err := c.expectedScale(pdb, pods)
		if err != nil {
			return 0, 0, err
		}
		v, err := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MaxUnavailable, int(expected), true)
		if err != nil {
			return 0, 0, err
		}
		return expected, max(expected-int32(v), 0), nil
	case pdb.Spec.MinAvailable != nil && pdb.Spec.MinAvailable.Type == intstr.Int:
		return int32(len(pods)), pdb.Spec.MinAvailable.IntVal, nil
	case pdb.Spec.MinAvailable != nil:
		expected, err := c.expectedScale(pdb, pods)
		if err != nil {
			return 0, 0, err
		}
		v, err := intstr.GetScaledValueFromIntOrPercent(pdb.Spec.MinAvailable, int(expected), true)
		return expected, int32(v), err
	}
	return 0, 0, nil
}

// expectedScale sums the replicas of the pods' controllers (each once).
func (c *ctl) expectedScale(pdb *policyv1.PodDisruptionBudget, pods []*corev1.Pod) (int32, error) {
	counted := map[types.UID]bool{}
	total := int32(0)
	for _, p := range pods {
		ref := metav1.GetControllerOfNoCopy(p)
		if ref == nil {
			return 0, fmt.Errorf("found no controller ref for pod %q", p.Name)
		}
		uid, n, ok := c.controllerScale(p.Namespace, ref)
		if !ok {
			return 0, fmt.Errorf("found no controllers for pod %q", p.Name)
		}
		if !counted[uid] {
			counted[uid] = true
			total += n
		}
	}
	return total, nil
}

// controllerScale: the uid and replicas of the scalable controller behind
// a pod's controller reference (a ReplicaSet's Deployment when it has one).
func (c *ctl) controllerScale(ns string, ref *metav1.OwnerReference) (types.UID, int32, bool) {
	switch ref.Kind {
	case "ReplicaSet":
		rs, err := c.replicaSets.ReplicaSets(ns).Get(ref.Name)
		if err != nil || rs.UID != ref.UID {
			return "", 0, false
		}
		if dref := metav1.GetControllerOfNoCopy(rs); dref != nil && dref.Kind == "Deployment" {
			if d, err := c.deployments.Deployments(ns).Get(dref.Name); err == nil && d.UID == dref.UID {
				return d.UID, replicas(d.Spec.Replicas), true
			}
		}
		return rs.UID, replicas(rs.Spec.Replicas), true
	case "StatefulSet":
		set, err := c.statefulSets.StatefulSets(ns).Get(ref.Name)
		if err != nil || set.UID != ref.UID {
			return "", 0, false
		}
		return set.UID, replicas(set.Spec.Replicas), true
	}
	return "", 0, false
}
