package main

// DaemonSets: as the daemonset controller. A node should run the daemon
// pod when the pod template's nodeSelector and required node affinity match
// it and the pod tolerates the node's NoSchedule/NoExecute taints, counting
// the tolerations the real controller adds to every daemon pod
// (not-ready and unreachable NoExecute; disk-, memory-, pid-pressure and
// unschedulable NoSchedule; network-unavailable with hostNetwork) and the
// taints the node lifecycle controller would add (see scheduler.go). So:
// Ready nodes get a pod, cordoned nodes keep (and get) theirs, nodes that
// are not Ready get no new one but keep the one they have.
//
// Each pod is <daemonset>-<random>, labelled controller-revision-hash (a
// hash of the template) and pod-template-generation, with a required node
// affinity on metadata.name of its node, as the real controller makes it;
// the scheduler binds it. RollingUpdate replaces pods of an older template
// at most maxUnavailable (default 1) at a time (maxSurge is ignored);
// OnDelete never does. No ControllerRevisions are written. Status:
// desiredNumberScheduled, currentNumberScheduled, numberMisscheduled,
// numberReady, numberAvailable, numberUnavailable, updatedNumberScheduled,
// observedGeneration.

import (
	"context"
	"strconv"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const labelRevisionHash = "controller-revision-hash"

func (c *ctl) setupDaemonSets() {
	l := c.newLoop("daemonsets", c.syncDaemonSet)
	_, _ = c.informer(appsv1.SchemeGroupVersion.WithResource("daemonsets")).AddEventHandler(on(l.addObj))
	_, _ = c.podInformer.AddEventHandler(on(ownerHandler(l, "DaemonSet")))
	_, _ = c.nodeInformer.AddEventHandler(on(func(interface{}) {
		all, _ := c.daemonSets.List(labels.Everything())
		for _, ds := range all {
			l.addObj(ds)
		}
	}))
}

// daemonPodSpec: the template's spec with the tolerations every daemon pod
// gets.
func daemonPodSpec(ds *appsv1.DaemonSet) *corev1.PodSpec {
	spec := ds.Spec.Template.Spec.DeepCopy()
	add := func(key string, effect corev1.TaintEffect) {
		for _, t := range spec.Tolerations {
			if t.Key == key && t.Effect == effect && t.Operator == corev1.TolerationOpExists {
				return
			}
		}
		spec.Tolerations = append(spec.Tolerations, corev1.Toleration{Key: key, Operator: corev1.TolerationOpExists, Effect: effect})
	}
	add(corev1.TaintNodeNotReady, corev1.TaintEffectNoExecute)
	add(corev1.TaintNodeUnreachable, corev1.TaintEffectNoExecute)
	add(corev1.TaintNodeDiskPressure, corev1.TaintEffectNoSchedule)
	add(corev1.TaintNodeMemoryPressure, corev1.TaintEffectNoSchedule)
	add(corev1.TaintNodePIDPressure, corev1.TaintEffectNoSchedule)
	add(corev1.TaintNodeUnschedulable, corev1.TaintEffectNoSchedule)
	if spec.HostNetwork {
		add(corev1.TaintNodeNetworkUnavailable, corev1.TaintEffectNoSchedule)
	}
	return spec
}

// targetNode: the node a daemon pod is for (bound, or named by its affinity).
func targetNode(p *corev1.Pod) string {
	if p.Spec.NodeName != "" {
		return p.Spec.NodeName
	}
	if a := p.Spec.Affinity; a != nil && a.NodeAffinity != nil && a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution != nil {
		for _, t := range a.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms {
			for _, f := range t.MatchFields {
				if f.Key == metav1.ObjectNameField && f.Operator == corev1.NodeSelectorOpIn && len(f.Values) == 1 {
					return f.Values[0]
				}
			}
		}
	}
	return ""
}

func (c *ctl) syncDaemonSet(ctx context.Context, key string) error {
	ns, name := split(key)
	ds, err := c.daemonSets.DaemonSets(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if ds.DeletionTimestamp != nil {
		return nil
	}
	hash := templateHash(&ds.Spec.Template, ds.Status.CollisionCount)
	spec := daemonPodSpec(ds)
	nodes, _ := c.nodes.List(labels.Everything())
	byNode := map[string][]*corev1.Pod{}
	for _, p := range c.ownedPods(ns, ds.UID) {
		if active(p) {
			byNode[targetNode(p)] = append(byNode[targetNode(p)], p)
		}
	}
	var create, remove []*corev1.Pod
	shouldRun := map[string]bool{}
	for _, n := range nodes {
		run, _ := fits(spec, n)
		shouldRun[n.Name] = run
		// a pod already there stays unless an untolerated NoExecute taint is added
		keep, _ := tolerated(spec, n, func(t *corev1.Taint) bool { return t.Effect == corev1.TaintEffectNoExecute })
		pods := byNode[n.Name]
		delete(byNode, n.Name)
		switch {
		case run && len(pods) == 0:
			create = append(create, c.daemonPod(ds, spec, n.Name, hash))
		case len(pods) > 1:
			remove = append(remove, pods[1:]...)
		case len(pods) == 1 && !run && !keep:
			remove = append(remove, pods...)
		}
	}
	for _, pods := range byNode { // pods for nodes that do not exist
		remove = append(remove, pods...)
	}
	if err := c.createPods(ctx, ds, "DaemonSet", "daemonset-controller", create); err != nil {
		return err
	}
	if err := c.deletePods(ctx, ds, "DaemonSet", "daemonset-controller", remove); err != nil {
		return err
	}

	// status, then the rolling update's next step
	st := appsv1.DaemonSetStatus{ObservedGeneration: ds.Generation, CollisionCount: ds.Status.CollisionCount, Conditions: ds.Status.Conditions}
	now := time.Now()
	var next time.Duration
	var old, oldUnavailable []*corev1.Pod
	byNode = map[string][]*corev1.Pod{}
	for _, p := range c.ownedPods(ns, ds.UID) {
		if active(p) {
			byNode[targetNode(p)] = append(byNode[targetNode(p)], p)
		}
	}
	for _, n := range nodes {
		pods := byNode[n.Name]
		if !shouldRun[n.Name] {
			if len(pods) > 0 {
				st.NumberMisscheduled++
			}
			continue
		}
		st.DesiredNumberScheduled++
		if len(pods) == 0 {
			continue
		}
		st.CurrentNumberScheduled++
		p := pods[0]
		ok, wait := podAvailable(p, ds.Spec.MinReadySeconds, now)
		if podReady(p) {
			st.NumberReady++
		}
		if ok {
			st.NumberAvailable++
		} else if wait > 0 && (next == 0 || wait < next) {
			next = wait
		}
		if p.Labels[labelRevisionHash] == hash {
			st.UpdatedNumberScheduled++
		} else if ok {
			old = append(old, p)
		} else {
			oldUnavailable = append(oldUnavailable, p)
		}
	}
	st.NumberUnavailable = st.DesiredNumberScheduled - st.NumberAvailable
	if next > 0 {
		c.byName["daemonsets"].addAfter(key, next+50*time.Millisecond)
	}
	if ds.Spec.UpdateStrategy.Type != appsv1.OnDeleteDaemonSetStrategyType {
		maxUnavailable := 1
		if ru := ds.Spec.UpdateStrategy.RollingUpdate; ru != nil && ru.MaxUnavailable != nil {
			maxUnavailable, _ = intstr.GetScaledValueFromIntOrPercent(ru.MaxUnavailable, int(st.DesiredNumberScheduled), true)
		}
		// old pods that are unavailable anyway go first, without budget
		replace := oldUnavailable
		budget := maxUnavailable - int(st.NumberUnavailable)
		for i := 0; i < budget && i < len(old); i++ {
			replace = append(replace, old[i])
		}
		if len(replace) > 0 {
			if err := c.deletePods(ctx, ds, "DaemonSet", "daemonset-controller", replace); err != nil {
				return err
			}
		}
	}
	if apiequality.Semantic.DeepEqual(ds.Status, st) {
		return nil
	}
	u := ds.DeepCopy()
	u.Status = st
	_, err = c.client.AppsV1().DaemonSets(ns).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

func (c *ctl) daemonPod(ds *appsv1.DaemonSet, spec *corev1.PodSpec, node, hash string) *corev1.Pod {
	p := podFromTemplate(&ds.Spec.Template, ds, daemonSetKind)
	p.GenerateName = ds.Name + "-"
	p.Spec = *spec.DeepCopy()
	p.Labels[labelRevisionHash] = hash
	p.Labels["pod-template-generation"] = strconv.FormatInt(ds.Generation, 10)
	if p.Spec.Affinity == nil {
		p.Spec.Affinity = &corev1.Affinity{}
	}
	if p.Spec.Affinity.NodeAffinity == nil {
		p.Spec.Affinity.NodeAffinity = &corev1.NodeAffinity{}
	}
	// as ReplaceDaemonSetPodNodeNameNodeAffinity: the node, and only it
	p.Spec.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution = &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
		MatchFields: []corev1.NodeSelectorRequirement{{Key: metav1.ObjectNameField, Operator: corev1.NodeSelectorOpIn, Values: []string{node}}},
	}}}
	return p
}
