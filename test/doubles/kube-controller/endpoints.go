package main

// Endpoints and EndpointSlices of Services with a selector, as the
// endpoints and endpointslice controllers write them: the pods the selector
// matches that have an IP and are not finished; ready ones (Ready, not
// being deleted) as addresses, the others as notReadyAddresses (unless
// publishNotReadyAddresses). Ports: each Service port with its targetPort
// (a number, or a container port's name looked up per pod; a pod without
// that name is left out). One Endpoints subset and one EndpointSlice per
// distinct port list. Slices: <service>-<random>, labels
// kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by,
// owned by the Service, addressType from the Service's first IP family,
// conditions ready/serving/terminating. When the Service goes, its
// Endpoints are deleted (its slices by the gc loop, through their owner).
// Services without a selector are left alone.

import (
	"context"
	"fmt"
	"sort"
	"strings"

	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
)

const (
	sliceManagedBy = "endpointslice-controller.k8s.io"
	labelManagedBy = "endpointslice.kubernetes.io/managed-by"
	serviceKind    = "Service"
)

func (c *ctl) setupEndpoints() {
	l := c.newLoop("endpoints", c.syncEndpoints)
	_, _ = c.informer(corev1.SchemeGroupVersion.WithResource("services")).AddEventHandler(on(l.addObj))
	_, _ = c.podInformer.AddEventHandler(on(func(obj interface{}) {
		p, ok := obj.(*corev1.Pod)
		if !ok {
			return
		}
		svcs, _ := c.services.Services(p.Namespace).List(labels.Everything())
		for _, s := range svcs {
			if len(s.Spec.Selector) > 0 && labels.SelectorFromSet(s.Spec.Selector).Matches(labels.Set(p.Labels)) {
				l.addObj(s)
			}
		}
	}))
}

type endpointPort struct {
	name     string
	port     int32
	protocol corev1.Protocol
	app      *string
}

type backend struct {
	pod   *corev1.Pod
	ready bool
}

// group: the pods of one port list.
type group struct {
	ports    []endpointPort
	backends []backend
}

func portsKey(ports []endpointPort) string {
	var parts []string
	for _, p := range ports {
		parts = append(parts, fmt.Sprintf("%s/%d/%s", p.name, p.port, p.protocol))
	}
	return strings.Join(parts, ",")
}

func (c *ctl) syncEndpoints(ctx context.Context, key string) error {
	ns, name := split(key)
	svc, err := c.services.Services(ns).Get(name)
	if apierrors.IsNotFound(err) {
		err := c.client.CoreV1().Endpoints(ns).Delete(ctx, name, metav1.DeleteOptions{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return err
	}
	if err != nil {
		return err
	}
	if len(svc.Spec.Selector) == 0 || svc.Spec.Type == corev1.ServiceTypeExternalName {
		return nil
	}
	pods, _ := c.pods.Pods(ns).List(labels.SelectorFromSet(svc.Spec.Selector))
	sort.Slice(pods, func(i, j int) bool { return pods[i].Name < pods[j].Name })
	groups := map[string]*group{}
	var order []string
	for _, p := range pods {
		if p.Status.PodIP == "" || p.Status.Phase == corev1.PodSucceeded || p.Status.Phase == corev1.PodFailed {
			continue
		}
		ports, ok := podPorts(svc, p)
		if !ok {
			continue
		}
		k := portsKey(ports)
		if groups[k] == nil {
			groups[k] = &group{ports: ports}
			order = append(order, k)
		}
		ready := podReady(p) && p.DeletionTimestamp == nil
		groups[k].backends = append(groups[k].backends, backend{pod: p, ready: ready})
	}
	if err := c.writeEndpoints(ctx, svc, groups, order); err != nil {
		return err
	}
	return c.writeSlices(ctx, svc, groups, order)
}

// podPorts resolves the Service's ports for one pod.
func podPorts(svc *corev1.Service, p *corev1.Pod) ([]endpointPort, bool) {
	var out []endpointPort
	for _, sp := range svc.Spec.Ports {
		port := int32(0)
		switch {
		case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
			for _, ctr := range p.Spec.Containers {
				for _, cp := range ctr.Ports {
					if cp.Name == sp.TargetPort.StrVal && cp.Protocol == sp.Protocol {
						port = cp.ContainerPort
					}
				}
			}
			if port == 0 {
				return nil, false
			}
		case sp.TargetPort.IntVal != 0:
			port = sp.TargetPort.IntVal
		default:
			port = sp.Port
		}
		out = append(out, endpointPort{name: sp.Name, port: port, protocol: sp.Protocol, app: sp.AppProtocol})
	}
	return out, true
}

func (c *ctl) writeEndpoints(ctx context.Context, svc *corev1.Service, groups map[string]*group, order []string) error {
	var subsets []corev1.EndpointSubset
	for _, k := range order {
		g := groups[k]
		var s corev1.EndpointSubset
		for _, b := range g.backends {
			nodeName := b.pod.Spec.NodeName
			a := corev1.EndpointAddress{IP: b.pod.Status.PodIP, TargetRef: &corev1.ObjectReference{Kind: "Pod", Namespace: b.pod.Namespace, Name: b.pod.Name, UID: b.pod.UID}}
			if nodeName != "" {
				a.NodeName = &nodeName
			}
			if b.pod.Spec.Hostname != "" && b.pod.Spec.Subdomain == svc.Name {
				a.Hostname = b.pod.Spec.Hostname
			}
			if b.ready || svc.Spec.PublishNotReadyAddresses {
				s.Addresses = append(s.Addresses, a)
			} else {
				s.NotReadyAddresses = append(s.NotReadyAddresses, a)
			}
		}
		for _, p := range g.ports {
			s.Ports = append(s.Ports, corev1.EndpointPort{Name: p.name, Port: p.port, Protocol: p.protocol, AppProtocol: p.app})
		}
		subsets = append(subsets, s)
	}
	want := &corev1.Endpoints{ObjectMeta: metav1.ObjectMeta{Name: svc.Name, Namespace: svc.Namespace, Labels: map[string]string{}}, Subsets: subsets}
	for k, v := range svc.Labels {
		want.Labels[k] = v
	}
	cur, err := c.endpoints.Endpoints(svc.Namespace).Get(svc.Name)
	if apierrors.IsNotFound(err) {
		_, err = c.client.CoreV1().Endpoints(svc.Namespace).Create(ctx, want, metav1.CreateOptions{})
		if apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("endpoints %s/%s: not in the cache yet", svc.Namespace, svc.Name)
		}
		return err
	}
	if err != nil {
		return err
	}
	if apiequality.Semantic.DeepEqual(cur.Subsets, want.Subsets) && apiequality.Semantic.DeepEqual(cur.Labels, want.Labels) {
		return nil
	}
	u := cur.DeepCopy()
	u.Subsets, u.Labels = want.Subsets, want.Labels
	_, err = c.client.CoreV1().Endpoints(svc.Namespace).Update(ctx, u, metav1.UpdateOptions{})
	return err
}

func (c *ctl) writeSlices(ctx context.Context, svc *corev1.Service, groups map[string]*group, order []string) error {
	sel := labels.SelectorFromSet(labels.Set{discoveryv1.LabelServiceName: svc.Name, labelManagedBy: sliceManagedBy})
	existing, _ := c.slices.EndpointSlices(svc.Namespace).List(sel)
	addressType := discoveryv1.AddressTypeIPv4
	if len(svc.Spec.IPFamilies) > 0 && svc.Spec.IPFamilies[0] == corev1.IPv6Protocol {
		addressType = discoveryv1.AddressTypeIPv6
	}
	byKey := map[string]*discoveryv1.EndpointSlice{}
	var stale []*discoveryv1.EndpointSlice
	for _, s := range existing {
		var ports []endpointPort
		for _, p := range s.Ports {
			ep := endpointPort{app: p.AppProtocol}
			if p.Name != nil {
				ep.name = *p.Name
			}
			if p.Port != nil {
				ep.port = *p.Port
			}
			if p.Protocol != nil {
				ep.protocol = *p.Protocol
			}
			ports = append(ports, ep)
		}
		k := portsKey(ports)
		if _, wanted := groups[k]; wanted && byKey[k] == nil && s.AddressType == addressType {
			byKey[k] = s
		} else {
			stale = append(stale, s)
		}
	}
	if len(order) == 0 {
		order = []string{""} // an empty slice, as the real controller keeps one
		groups = map[string]*group{"": {}}
		if len(stale) > 0 && stale[0].AddressType == addressType {
			byKey[""], stale = stale[0], stale[1:]
		}
	}
	for _, k := range order {
		g := groups[k]
		want := discoveryv1.EndpointSlice{AddressType: addressType}
		for _, b := range g.backends {
			nodeName := b.pod.Spec.NodeName
			terminating := b.pod.DeletionTimestamp != nil
			serving := podReady(b.pod)
			ready := b.ready || svc.Spec.PublishNotReadyAddresses
			e := discoveryv1.Endpoint{Addresses: []string{b.pod.Status.PodIP},
				Conditions: discoveryv1.EndpointConditions{Ready: &ready, Serving: &serving, Terminating: &terminating},
				TargetRef:  &corev1.ObjectReference{Kind: "Pod", Namespace: b.pod.Namespace, Name: b.pod.Name, UID: b.pod.UID}}
			if nodeName != "" {
				e.NodeName = &nodeName
			}
			want.Endpoints = append(want.Endpoints, e)
		}
		for _, p := range g.ports {
			name, port, proto := p.name, p.port, p.protocol
			want.Ports = append(want.Ports, discoveryv1.EndpointPort{Name: &name, Port: &port, Protocol: &proto, AppProtocol: p.app})
		}
		if cur := byKey[k]; cur != nil {
			if apiequality.Semantic.DeepEqual(cur.Endpoints, want.Endpoints) && apiequality.Semantic.DeepEqual(cur.Ports, want.Ports) {
				continue
			}
			u := cur.DeepCopy()
			u.Endpoints, u.Ports = want.Endpoints, want.Ports
			if _, err := c.client.DiscoveryV1().EndpointSlices(svc.Namespace).Update(ctx, u, metav1.UpdateOptions{}); err != nil {
				return err
			}
			continue
		}
		want.ObjectMeta = metav1.ObjectMeta{GenerateName: svc.Name + "-", Namespace: svc.Namespace,
			Labels:          map[string]string{discoveryv1.LabelServiceName: svc.Name, labelManagedBy: sliceManagedBy},
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(svc, corev1.SchemeGroupVersion.WithKind(serviceKind))}}
		created, err := c.client.DiscoveryV1().EndpointSlices(svc.Namespace).Create(ctx, &want, metav1.CreateOptions{})
		if err != nil {
			return err
		}
		waitCache(ctx, func() bool { _, err := c.slices.EndpointSlices(svc.Namespace).Get(created.Name); return err == nil })
	}
	for _, s := range stale {
		if err := c.client.DiscoveryV1().EndpointSlices(svc.Namespace).Delete(ctx, s.Name, metav1.DeleteOptions{}); err != nil && !apierrors.IsNotFound(err) {
			return err
		}
	}
	return nil
}
