package main

// Nodes: the registration and status a kubelet would write. Every Node
// object is taken as registered by a kubelet: it gets the well-known labels
// (kubernetes.io/hostname, kubernetes.io/os, kubernetes.io/arch and their
// beta twins) when missing, and a status with Ready=True (KubeletReady) and
// the three pressure conditions False, addresses (InternalIP from the
// annotation tsplay.io/internal-ip, else one of -node-cidr; Hostname),
// nodeInfo (kubeletVersion from the label or annotation
// tsplay.io/kubelet-version, else the API server's version), capacity and
// allocatable when none are set, and the kubelet's port.
//
// A node annotated tsplay.io/kubelet=stopped stands for a node whose
// kubelet stopped: its conditions become Unknown (NodeStatusUnknown,
// "Kubelet stopped posting node status."), as the node lifecycle
// controller writes them, and its pods are no longer Ready.

import (
	"context"
	"encoding/json"
	"runtime"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

const (
	annoInternalIP     = "tsplay.io/internal-ip"
	annoKubeletVersion = "tsplay.io/kubelet-version"
	annoKubelet        = "tsplay.io/kubelet"
)

func (c *ctl) setupNodes() {
	l := c.newLoop("nodes", c.syncNode)
	_, _ = c.nodeInformer.AddEventHandler(on(func(obj interface{}) {
		l.addObj(obj)
		if n, ok := obj.(*corev1.Node); ok {
			if _, err := c.nodes.Get(n.Name); apierrors.IsNotFound(err) {
				c.nodeIPs.release(string(n.UID))
			}
		}
	}))
}

func nodeReady(n *corev1.Node) corev1.ConditionStatus {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status
		}
	}
	return corev1.ConditionUnknown
}

func nodeInternalIP(n *corev1.Node) string {
	for _, a := range n.Status.Addresses {
		if a.Type == corev1.NodeInternalIP {
			return a.Address
		}
	}
	return ""
}

func (c *ctl) syncNode(ctx context.Context, name string) error {
	node, err := c.nodes.Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	stopped := node.Annotations[annoKubelet] == "stopped"
	if !stopped {
		if err := c.registerNode(ctx, node); err != nil {
			return err
		}
	}
	n := node.DeepCopy()
	st := &n.Status
	now := metav1.Now()
	conds := []corev1.NodeCondition{
		{Type: corev1.NodeMemoryPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientMemory", Message: "kubelet has sufficient memory available"},
		{Type: corev1.NodeDiskPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasNoDiskPressure", Message: "kubelet has no disk pressure"},
		{Type: corev1.NodePIDPressure, Status: corev1.ConditionFalse, Reason: "KubeletHasSufficientPID", Message: "kubelet has sufficient PID available"},
		{Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status"},
	}
	for _, want := range conds {
		if stopped {
			want.Status, want.Reason, want.Message = corev1.ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status."
		}
		st.Conditions = setNodeCondition(st.Conditions, want, now)
	}
	if !stopped {
		ip := n.Annotations[annoInternalIP]
		if ip == "" {
			ip = nodeInternalIP(node)
		}
		if ip == "" {
			ip = c.nodeIPs.allocate(string(n.UID))
		} else {
			c.nodeIPs.reserve(ip, string(n.UID))
		}
		st.Addresses = []corev1.NodeAddress{{Type: corev1.NodeInternalIP, Address: ip}, {Type: corev1.NodeHostName, Address: n.Name}}
		kubelet := n.Labels[annoKubeletVersion]
		if v := n.Annotations[annoKubeletVersion]; v != "" {
			kubelet = v
		}
		if kubelet == "" {
			kubelet = c.version
		}
		st.NodeInfo.KubeletVersion = kubelet
		st.NodeInfo.OperatingSystem = "linux"
		st.NodeInfo.Architecture = runtime.GOARCH
		st.NodeInfo.OSImage = "tsplay kubelet stand-in"
		st.NodeInfo.ContainerRuntimeVersion = "fake://tsplay-kube-controller"
		if st.NodeInfo.MachineID == "" {
			st.NodeInfo.MachineID = string(n.UID)
			st.NodeInfo.SystemUUID = string(n.UID)
			st.NodeInfo.BootID = string(n.UID)
		}
		if len(st.Capacity) == 0 {
			st.Capacity = corev1.ResourceList{
				corev1.ResourceCPU: resource.MustParse("4"), corev1.ResourceMemory: resource.MustParse("8Gi"),
				corev1.ResourcePods: resource.MustParse("110"), corev1.ResourceEphemeralStorage: resource.MustParse("50Gi"),
			}
		}
		if len(st.Allocatable) == 0 {
			st.Allocatable = st.Capacity.DeepCopy()
		}
		st.DaemonEndpoints.KubeletEndpoint.Port = 10250
	}
	if apiequality.Semantic.DeepEqual(node.Status, n.Status) {
		return nil
	}
	_, err = c.client.CoreV1().Nodes().UpdateStatus(ctx, n, metav1.UpdateOptions{})
	return err
}

// setNodeCondition: heartbeat and transition times change only when the
// status does (a real kubelet heartbeats through its Lease instead).
func setNodeCondition(conds []corev1.NodeCondition, c corev1.NodeCondition, now metav1.Time) []corev1.NodeCondition {
	for i := range conds {
		if conds[i].Type != c.Type {
			continue
		}
		if conds[i].Status == c.Status && conds[i].Reason == c.Reason {
			c.LastHeartbeatTime, c.LastTransitionTime = conds[i].LastHeartbeatTime, conds[i].LastTransitionTime
		} else if conds[i].Status == c.Status {
			c.LastHeartbeatTime, c.LastTransitionTime = now, conds[i].LastTransitionTime
		} else {
			c.LastHeartbeatTime, c.LastTransitionTime = now, now
		}
		conds[i] = c
		return conds
	}
	c.LastHeartbeatTime, c.LastTransitionTime = now, now
	return append(conds, c)
}

// registerNode adds the labels a kubelet registers its node with, when
// missing (a merge patch of those keys only).
func (c *ctl) registerNode(ctx context.Context, n *corev1.Node) error {
	want := map[string]string{
		corev1.LabelHostname: n.Name, corev1.LabelOSStable: "linux", corev1.LabelArchStable: runtime.GOARCH,
		"beta.kubernetes.io/os": "linux", "beta.kubernetes.io/arch": runtime.GOARCH,
	}
	missing := map[string]string{}
	for k, v := range want {
		if _, ok := n.Labels[k]; !ok {
			missing[k] = v
		}
	}
	if len(missing) == 0 {
		return nil
	}
	patch, _ := json.Marshal(map[string]interface{}{"metadata": map[string]interface{}{"labels": missing}})
	_, err := c.client.CoreV1().Nodes().Patch(ctx, n.Name, types.MergePatchType, patch, metav1.PatchOptions{})
	return err
}
