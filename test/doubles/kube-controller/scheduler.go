package main

// Scheduler: binds pending pods (schedulerName default-scheduler, no
// spec.nodeName) to a node through pods/binding, as kube-scheduler does.
// A node fits a pod when the pod's nodeSelector and required node affinity
// match it and the pod tolerates its NoSchedule/NoExecute taints - the
// node's own, plus those the node lifecycle controller would add:
// node.kubernetes.io/not-ready (Ready=False or no condition yet),
// node.kubernetes.io/unreachable (Ready=Unknown) and
// node.kubernetes.io/unschedulable (cordoned). Among the nodes that fit it
// takes the one with the fewest pods of the same controller (as the default
// topology spreading prefers), then the fewest pods, then by name. No
// resources, ports, pod (anti-)affinity or explicit topology spread
// constraints are considered.
//
// Volumes: a claim that does not exist, or an unbound claim of an
// Immediate storage class, leaves the pod unschedulable (as the real
// VolumeBinding plugin); an unbound WaitForFirstConsumer claim gets the
// annotation volume.kubernetes.io/selected-node and the pod is bound once
// the claim is.
//
// A pod that fits nowhere gets PodScheduled=False, reason Unschedulable,
// with a message like kube-scheduler's ("0/2 nodes are available: 1
// node(s) were unschedulable, 1 node(s) had untolerated taint {a: b}.").
// While the cluster has no Node at all and -run-unscheduled is on (the
// default), pods are left without a node and the pods loop runs them.

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	corev1helpers "k8s.io/component-helpers/scheduling/corev1"
	"k8s.io/component-helpers/scheduling/corev1/nodeaffinity"
	"k8s.io/klog/v2"
)

const annoSelectedNode = "volume.kubernetes.io/selected-node"

// assumed: pods bound but not yet seen bound by the informer, so that
// counting pods per node does not lag behind our own bindings.
var assumed = struct {
	sync.Mutex
	m map[string]string
}{m: map[string]string{}}

func (c *ctl) setupScheduler() {
	l := c.newLoop("scheduler", c.schedule)
	pending := func() {
		pods, _ := c.pods.List(labels.Everything())
		for _, p := range pods {
			if p.Spec.NodeName == "" && active(p) {
				l.addObj(p)
			}
		}
	}
	_, _ = c.podInformer.AddEventHandler(on(func(obj interface{}) {
		p, ok := obj.(*corev1.Pod)
		if !ok {
			return
		}
		if p.Spec.NodeName != "" || !active(p) {
			assumed.Lock()
			delete(assumed.m, p.Namespace+"/"+p.Name)
			assumed.Unlock()
		}
		if p.Spec.NodeName == "" {
			l.addObj(p)
		}
	}))
	_, _ = c.nodeInformer.AddEventHandler(on(func(interface{}) { pending() }))
	_, _ = c.informer(corev1.SchemeGroupVersion.WithResource("persistentvolumeclaims")).AddEventHandler(on(func(interface{}) { pending() }))
}

// nodeTaints: the node's taints plus those the node lifecycle controller
// would have added.
func nodeTaints(n *corev1.Node) []corev1.Taint {
	taints := append([]corev1.Taint{}, n.Spec.Taints...)
	switch nodeReady(n) {
	case corev1.ConditionTrue:
	case corev1.ConditionFalse:
		taints = append(taints, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule})
	default:
		if len(n.Status.Conditions) == 0 {
			taints = append(taints, corev1.Taint{Key: corev1.TaintNodeNotReady, Effect: corev1.TaintEffectNoSchedule})
		} else {
			taints = append(taints, corev1.Taint{Key: corev1.TaintNodeUnreachable, Effect: corev1.TaintEffectNoSchedule})
		}
	}
	if n.Spec.Unschedulable {
		taints = append(taints, corev1.Taint{Key: corev1.TaintNodeUnschedulable, Effect: corev1.TaintEffectNoSchedule})
	}
	return taints
}

// fits: whether a pod with this spec may run on the node, and if not the
// reason in kube-scheduler's words.
func fits(spec *corev1.PodSpec, n *corev1.Node) (bool, string) {
	if ok, _ := nodeaffinity.GetRequiredNodeAffinity(&corev1.Pod{Spec: *spec}).Match(n); !ok {
		return false, "didn't match Pod's node affinity/selector"
	}
	return tolerated(spec, n, func(t *corev1.Taint) bool {
		return t.Effect == corev1.TaintEffectNoSchedule || t.Effect == corev1.TaintEffectNoExecute
	})
}

func tolerated(spec *corev1.PodSpec, n *corev1.Node, filter func(t *corev1.Taint) bool) (bool, string) {
	t, bad := corev1helpers.FindMatchingUntoleratedTaint(klog.Background(), nodeTaints(n), spec.Tolerations, filter, true)
	if !bad {
		return true, ""
	}
	if t.Key == corev1.TaintNodeUnschedulable {
		return false, "were unschedulable"
	}
	return false, fmt.Sprintf("had untolerated taint {%s: %s}", t.Key, t.Value)
}

// podsOnNode: active pods bound to the node, and those of them with the
// given controller, including our own bindings the cache has not shown yet.
func (c *ctl) podsOnNode(node string, owner types.UID) (all, siblings int) {
	objs, _ := c.podInformer.GetIndexer().ByIndex(byNodeIndex, node)
	count := func(p *corev1.Pod) {
		all++
		if ref := metav1.GetControllerOfNoCopy(p); owner != "" && ref != nil && ref.UID == owner {
			siblings++
		}
	}
	for _, o := range objs {
		if p := o.(*corev1.Pod); active(p) {
			count(p)
		}
	}
	assumed.Lock()
	defer assumed.Unlock()
	for key, a := range assumed.m {
		if a != node {
			continue
		}
		ns, name := split(key)
		if p, err := c.pods.Pods(ns).Get(name); err == nil && p.Spec.NodeName == "" {
			count(p)
		}
	}
	return all, siblings
}

// pickNode: the fitting node with the fewest sibling pods, then pods; or
// nil and why none.
func (c *ctl) pickNode(pod *corev1.Pod) (*corev1.Node, string) {
	spec := &pod.Spec
	var owner types.UID
	if ref := metav1.GetControllerOfNoCopy(pod); ref != nil {
		owner = ref.UID
	}
	nodes, _ := c.nodes.List(labels.Everything())
	if len(nodes) == 0 {
		return nil, "no nodes available to schedule pods"
	}
	sort.Slice(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	var best *corev1.Node
	bestAll, bestSiblings := 0, 0
	reasons := map[string]int{}
	for _, n := range nodes {
		if ok, why := fits(spec, n); !ok {
			reasons[why]++
			continue
		}
		all, siblings := c.podsOnNode(n.Name, owner)
		if best == nil || siblings < bestSiblings || (siblings == bestSiblings && all < bestAll) {
			best, bestAll, bestSiblings = n, all, siblings
		}
	}
	if best != nil {
		return best, ""
	}
	var parts []string
	for why, k := range reasons {
		parts = append(parts, fmt.Sprintf("%d node(s) %s", k, why))
	}
	sort.Strings(parts)
	return nil, fmt.Sprintf("0/%d nodes are available: %s.", len(nodes), strings.Join(parts, ", "))
}

func (c *ctl) schedule(ctx context.Context, key string) error {
	ns, name := split(key)
	pod, err := c.pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if pod.Spec.NodeName != "" || !active(pod) || (pod.Spec.SchedulerName != "" && pod.Spec.SchedulerName != corev1.DefaultSchedulerName) {
		return nil
	}
	assumed.Lock()
	_, bound := assumed.m[key]
	assumed.Unlock()
	if bound {
		return nil
	}
	if nodes, _ := c.nodes.List(labels.Everything()); len(nodes) == 0 && c.opts.runUnscheduled {
		return nil
	}
	node, why := c.selectedNode(pod)
	if node == nil {
		node, why = c.pickNode(pod)
	}
	if node == nil {
		return c.unschedulable(ctx, pod, why)
	}
	ready, why, err := c.claimsReady(ctx, pod, node)
	if err != nil || !ready {
		if err == nil && why != "" {
			err = c.unschedulable(ctx, pod, why)
		}
		return err
	}
	b := &corev1.Binding{ObjectMeta: metav1.ObjectMeta{Name: pod.Name, Namespace: pod.Namespace, UID: pod.UID}, Target: corev1.ObjectReference{Kind: "Node", Name: node.Name}}
	if err := c.client.CoreV1().Pods(ns).Bind(ctx, b, metav1.CreateOptions{}); err != nil {
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	assumed.Lock()
	assumed.m[key] = node.Name
	assumed.Unlock()
	c.event(pod, "Pod", "v1", "default-scheduler", corev1.EventTypeNormal, "Scheduled", fmt.Sprintf("Successfully assigned %s/%s to %s", ns, name, node.Name))
	return nil
}

// selectedNode: the node an earlier attempt gave the pod's
// WaitForFirstConsumer claims, while it still fits.
func (c *ctl) selectedNode(pod *corev1.Pod) (*corev1.Node, string) {
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			continue
		}
		pvc, err := c.pvcs.PersistentVolumeClaims(pod.Namespace).Get(v.PersistentVolumeClaim.ClaimName)
		if err != nil || pvc.Annotations[annoSelectedNode] == "" {
			continue
		}
		if n, err := c.nodes.Get(pvc.Annotations[annoSelectedNode]); err == nil {
			if ok, _ := fits(&pod.Spec, n); ok {
				return n, ""
			}
		}
	}
	return nil, ""
}

func (c *ctl) unschedulable(ctx context.Context, pod *corev1.Pod, why string) error {
	p := pod.DeepCopy()
	p.Status.Conditions = setPodCondition(p.Status.Conditions, corev1.PodCondition{Type: corev1.PodScheduled, Status: corev1.ConditionFalse,
		Reason: corev1.PodReasonUnschedulable, Message: why, LastTransitionTime: metav1.Now()})
	if apiequality.Semantic.DeepEqual(p.Status, pod.Status) {
		return nil
	}
	if _, err := c.client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{}); err != nil && !apierrors.IsNotFound(err) {
		return err
	}
	c.event(pod, "Pod", "v1", "default-scheduler", corev1.EventTypeWarning, "FailedScheduling", why)
	return nil
}

// claimsReady: whether the pod's claims let it be bound to node now; an
// unbound WaitForFirstConsumer claim is given the node (the volumes loop
// then provisions it, and the claim's change requeues the pod).
func (c *ctl) claimsReady(ctx context.Context, pod *corev1.Pod, node *corev1.Node) (bool, string, error) {
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			continue
		}
		pvc, err := c.pvcs.PersistentVolumeClaims(pod.Namespace).Get(v.PersistentVolumeClaim.ClaimName)
		if apierrors.IsNotFound(err) {
			return false, fmt.Sprintf("persistentvolumeclaim %q not found", v.PersistentVolumeClaim.ClaimName), nil
		}
		if err != nil {
			return false, "", err
		}
		if pvc.DeletionTimestamp != nil {
			return false, fmt.Sprintf("persistentvolumeclaim %q is being deleted", pvc.Name), nil
		}
		if pvc.Status.Phase == corev1.ClaimBound {
			continue
		}
		sc := c.claimClass(pvc)
		if sc == nil || sc.VolumeBindingMode == nil || *sc.VolumeBindingMode != storagev1.VolumeBindingWaitForFirstConsumer {
			return false, "pod has unbound immediate PersistentVolumeClaims", nil
		}
		if pvc.Annotations[annoSelectedNode] != node.Name {
			p := pvc.DeepCopy()
			if p.Annotations == nil {
				p.Annotations = map[string]string{}
			}
			p.Annotations[annoSelectedNode] = node.Name
			if _, err := c.client.CoreV1().PersistentVolumeClaims(p.Namespace).Update(ctx, p, metav1.UpdateOptions{}); err != nil {
				return false, "", err
			}
		}
		return false, "", nil
	}
	return true, "", nil
}
