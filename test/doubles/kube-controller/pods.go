package main

// Pods: what a kubelet (that runs nothing) writes, plus pod GC.
//
//   - A pod bound to a Ready node whose PersistentVolumeClaims are all
//     Bound is started (after -pod-start-delay): phase Running,
//     PodReadyToStartContainers/Initialized/ContainersReady/Ready True
//     (Ready also waits for the pod's readiness gates), hostIP(s) the node's
//     InternalIP, podIP(s) from -pod-cidr (the node's IP with hostNetwork),
//     startTime, a running status per container (init containers
//     terminated with Completed; sidecars running). Containers never exit
//     and no probe is run. A changed image restarts that container
//     (restartCount+1).
//   - With no Node in the cluster and -run-unscheduled (the default), a pod
//     that has no node is started the same way, with no host IP.
//   - Pods of a node that is not Ready turn Ready=False, as the node
//     lifecycle controller marks them; they stay Running.
//   - A pod being deleted gracefully (deletionTimestamp) is Ready=False at
//     once and deleted for good (grace period 0, uid precondition) once
//     its containers "stopped": after -termination-delay, or its grace
//     period if shorter.
//   - A pod that ran on a node that no longer exists is deleted (PodGC).

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

func (c *ctl) setupPods() {
	l := c.newLoop("pods", c.syncPod)
	_, _ = c.podInformer.AddEventHandler(on(func(obj interface{}) {
		p, ok := obj.(*corev1.Pod)
		if !ok {
			return
		}
		l.addObj(p)
		if _, err := c.pods.Pods(p.Namespace).Get(p.Name); apierrors.IsNotFound(err) {
			c.podIPs.release(string(p.UID))
		}
	}))
	_, _ = c.nodeInformer.AddEventHandler(on(func(obj interface{}) {
		n, ok := obj.(*corev1.Node)
		if !ok {
			return
		}
		objs, _ := c.podInformer.GetIndexer().ByIndex(byNodeIndex, n.Name)
		for _, o := range objs {
			l.addObj(o)
		}
		// the first Node: pods left unscheduled may now wait for the scheduler
		if c.opts.runUnscheduled {
			objs, _ = c.podInformer.GetIndexer().ByIndex(byNodeIndex, "")
			for _, o := range objs {
				l.addObj(o)
			}
		}
	}))
	_, _ = c.informer(corev1.SchemeGroupVersion.WithResource("persistentvolumeclaims")).AddEventHandler(on(func(obj interface{}) {
		if pvc, ok := obj.(*corev1.PersistentVolumeClaim); ok {
			pods, _ := c.pods.Pods(pvc.Namespace).List(labels.Everything())
			for _, p := range pods {
				l.addObj(p)
			}
		}
	}))
}

func (c *ctl) syncPod(ctx context.Context, key string) error {
	ns, name := split(key)
	pod, err := c.pods.Pods(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if pod.DeletionTimestamp != nil {
		return c.terminate(ctx, key, pod)
	}
	if !active(pod) {
		return nil
	}
	var node *corev1.Node
	if pod.Spec.NodeName == "" {
		if nodes, _ := c.nodes.List(labels.Everything()); len(nodes) > 0 || !c.opts.runUnscheduled {
			return nil // the scheduler's
		}
	} else {
		node, err = c.nodes.Get(pod.Spec.NodeName)
		if apierrors.IsNotFound(err) {
			if pod.Status.HostIP != "" || pod.Status.Phase == corev1.PodRunning {
				return c.deleteNow(ctx, pod) // PodGC: its node is gone
			}
			return nil
		}
		if err != nil {
			return err
		}
		if nodeReady(node) != corev1.ConditionTrue {
			if pod.Status.Phase == corev1.PodRunning {
				return c.markNotReady(ctx, pod, "", "")
			}
			return nil
		}
	}
	for _, v := range pod.Spec.Volumes {
		if v.PersistentVolumeClaim == nil {
			continue
		}
		if pvc, err := c.pvcs.PersistentVolumeClaims(ns).Get(v.PersistentVolumeClaim.ClaimName); err != nil || pvc.Status.Phase != corev1.ClaimBound {
			return nil // waits for the claim (its change requeues the pod)
		}
	}
	if d := c.opts.podStartDelay; d > 0 && pod.Status.Phase != corev1.PodRunning {
		since := pod.CreationTimestamp.Time
		if cond := podCondition(pod, corev1.PodScheduled); cond != nil && cond.Status == corev1.ConditionTrue {
			since = cond.LastTransitionTime.Time
		}
		if wait := time.Until(since.Add(d)); wait > 0 {
			c.byName["pods"].addAfter(key, wait)
			return nil
		}
	}
	return c.run(ctx, pod, node)
}

// run writes the status of a started pod (node nil: running unscheduled).
func (c *ctl) run(ctx context.Context, pod *corev1.Pod, node *corev1.Node) error {
	p := pod.DeepCopy()
	st := &p.Status
	now := metav1.Now()
	st.Phase = corev1.PodRunning
	if st.StartTime == nil {
		st.StartTime = &now
	}
	hostIP := ""
	if node != nil {
		hostIP = nodeInternalIP(node)
	}
	st.HostIP = hostIP
	st.HostIPs = nil
	if hostIP != "" {
		st.HostIPs = []corev1.HostIP{{IP: hostIP}}
	}
	podIP := hostIP
	if !p.Spec.HostNetwork || hostIP == "" {
		podIP = c.podIPs.allocate(string(p.UID))
	}
	st.PodIP, st.PodIPs = podIP, []corev1.PodIP{{IP: podIP}}

	st.InitContainerStatuses = containerStatuses(p, p.Spec.InitContainers, pod.Status.InitContainerStatuses, true, now)
	st.ContainerStatuses = containerStatuses(p, p.Spec.Containers, pod.Status.ContainerStatuses, false, now)

	for _, t := range []corev1.PodConditionType{corev1.PodReadyToStartContainers, corev1.PodInitialized, corev1.ContainersReady} {
		st.Conditions = setPodCondition(st.Conditions, corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: now})
	}
	ready := corev1.PodCondition{Type: corev1.PodReady, Status: corev1.ConditionTrue, LastTransitionTime: now}
	for _, g := range p.Spec.ReadinessGates {
		gc := podCondition(pod, g.ConditionType)
		if gc == nil {
			ready.Status, ready.Reason, ready.Message = corev1.ConditionFalse, "ReadinessGatesNotReady", fmt.Sprintf("corresponding condition of pod readiness gate %q does not exist.", g.ConditionType)
			break
		}
		if gc.Status != corev1.ConditionTrue {
			ready.Status, ready.Reason, ready.Message = corev1.ConditionFalse, "ReadinessGatesNotReady", fmt.Sprintf("the status of pod readiness gate %q is not \"True\", but %v", g.ConditionType, gc.Status)
			break
		}
	}
	st.Conditions = setPodCondition(st.Conditions, ready)
	if apiequality.Semantic.DeepEqual(pod.Status, p.Status) {
		return nil
	}
	_, err := c.client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err == nil && pod.Status.Phase != corev1.PodRunning {
		for _, ctr := range p.Spec.Containers {
			c.event(pod, "Pod", "v1", "kubelet", corev1.EventTypeNormal, "Started", fmt.Sprintf("Started container %s", ctr.Name))
		}
	}
	return err
}

// containerStatuses: a kept status per container whose image did not
// change, else a new one (running; init containers terminated, Completed).
func containerStatuses(p *corev1.Pod, ctrs []corev1.Container, old []corev1.ContainerStatus, init bool, now metav1.Time) []corev1.ContainerStatus {
	if len(ctrs) == 0 {
		return nil
	}
	var out []corev1.ContainerStatus
	for _, ctr := range ctrs {
		var prev *corev1.ContainerStatus
		for i := range old {
			if old[i].Name == ctr.Name {
				prev = &old[i]
			}
		}
		if prev != nil && prev.Image == ctr.Image && (prev.State.Running != nil || prev.State.Terminated != nil) {
			s := *prev.DeepCopy()
			s.Ready = true
			if s.State.Running != nil {
				s.Started = ptrTo(true)
			}
			out = append(out, s)
			continue
		}
		id := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", p.UID, ctr.Name, now.UnixNano())))
		s := corev1.ContainerStatus{Name: ctr.Name, Image: ctr.Image, ImageID: ctr.Image, ContainerID: "fake://" + hex.EncodeToString(id[:]),
			Ready: true, Started: ptrTo(true)}
		if prev != nil {
			s.RestartCount = prev.RestartCount + 1
			s.LastTerminationState = corev1.ContainerState{Terminated: &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", FinishedAt: now}}
		}
		sidecar := init && ctr.RestartPolicy != nil && *ctr.RestartPolicy == corev1.ContainerRestartPolicyAlways
		if init && !sidecar {
			s.Started = ptrTo(false)
			s.State.Terminated = &corev1.ContainerStateTerminated{ExitCode: 0, Reason: "Completed", StartedAt: now, FinishedAt: now, ContainerID: s.ContainerID}
		} else {
			s.State.Running = &corev1.ContainerStateRunning{StartedAt: now}
		}
		out = append(out, s)
	}
	return out
}

func ptrTo[T any](v T) *T { return &v }

// markNotReady: Ready (and ContainersReady) False, phase kept.
func (c *ctl) markNotReady(ctx context.Context, pod *corev1.Pod, reason, msg string) error {
	p := pod.DeepCopy()
	now := metav1.Now()
	p.Status.Conditions = setPodCondition(p.Status.Conditions, corev1.PodCondition{Type: corev1.PodReady, Status: corev1.ConditionFalse, Reason: reason, Message: msg, LastTransitionTime: now})
	if reason != "" {
		p.Status.Conditions = setPodCondition(p.Status.Conditions, corev1.PodCondition{Type: corev1.ContainersReady, Status: corev1.ConditionFalse, Reason: reason, Message: msg, LastTransitionTime: now})
		for i := range p.Status.ContainerStatuses {
			p.Status.ContainerStatuses[i].Ready = false
		}
	}
	if apiequality.Semantic.DeepEqual(pod.Status, p.Status) {
		return nil
	}
	_, err := c.client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	return err
}

// terminate: a pod being deleted gracefully stops its containers and is
// then deleted for good, as a kubelet finishes a graceful deletion.
func (c *ctl) terminate(ctx context.Context, key string, pod *corev1.Pod) error {
	if pod.Spec.NodeName != "" {
		if n, err := c.nodes.Get(pod.Spec.NodeName); err == nil && nodeReady(n) != corev1.ConditionTrue {
			return nil // no kubelet to finish it (as in a real cluster: it stays until force-deleted)
		}
	}
	grace := time.Duration(0)
	if pod.DeletionGracePeriodSeconds != nil {
		grace = time.Duration(*pod.DeletionGracePeriodSeconds) * time.Second
	}
	stop := c.opts.terminationDelay
	if grace < stop {
		stop = grace
	}
	done := pod.DeletionTimestamp.Add(-grace).Add(stop)
	if wait := time.Until(done); wait > 0 {
		c.byName["pods"].addAfter(key, wait)
		if pod.Status.Phase == corev1.PodRunning {
			var names []string
			for _, ctr := range pod.Spec.Containers {
				names = append(names, ctr.Name)
			}
			return c.markNotReady(ctx, pod, "ContainersNotReady", fmt.Sprintf("containers with unready status: %v", names))
		}
		return nil
	}
	return c.deleteNow(ctx, pod)
}

func (c *ctl) deleteNow(ctx context.Context, pod *corev1.Pod) error {
	zero := int64(0)
	uid := pod.UID
	err := c.client.CoreV1().Pods(pod.Namespace).Delete(ctx, pod.Name, metav1.DeleteOptions{GracePeriodSeconds: &zero, Preconditions: &metav1.Preconditions{UID: &uid}})
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}
