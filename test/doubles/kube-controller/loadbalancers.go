package main

// LoadBalancer Services: addresses from MetalLB's configuration, as
// MetalLB's controller assigns them (nothing is announced). Read with the
// dynamic client from -metallb-namespace (metallb-system): IPAddressPools
// (metallb.io/v1beta1; spec.addresses as CIDRs or "a-b" ranges, autoAssign,
// avoidBuggyIPs, serviceAllocation.priority, .namespaces,
// .namespaceSelectors and .serviceSelectors) and L2Advertisements/BGPAdvertisements (spec.ipAddressPools,
// spec.ipAddressPoolSelectors; neither set covers every pool). The CRDs are
// not installed here: without them there are no pools.
//
// For a Service of type LoadBalancer without spec.loadBalancerClass:
//
//   - the addresses it asks for (annotation metallb.io/loadBalancerIPs or
//     metallb.universe.tf/loadBalancerIPs, comma-separated, or
//     spec.loadBalancerIP), if a usable pool has them and no other Service
//     holds them;
//   - else the first free address of the pool named by the annotation
//     metallb.io/address-pool (or metallb.universe.tf/address-pool);
//   - else the first free address of the first pool (by priority, then
//     name) that auto-assigns and allows the Service.
//
// A pool is usable only when an advertisement covers it, unless
// -assign-unadvertised: real MetalLB's controller also assigns from a pool
// nothing advertises (the address is then unreachable); this stand-in
// refuses, so that a missing L2Advertisement shows in tests. The result is
// status.loadBalancer.ingress[{ip}] and the annotation
// metallb.io/ip-allocated-from-pool; a Service that is no longer of type
// LoadBalancer loses both. No address: no ingress, and an event
// AllocationFailed; the Service is retried every second. Addresses are
// not shared (allow-shared-ip is ignored) and an assigned one is not taken
// back when the pools change.

import (
	"context"
	"fmt"
	"net/netip"
	"sort"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

const (
	annoAllocatedFrom  = "metallb.io/ip-allocated-from-pool"
	annoLBIPs          = "metallb.io/loadBalancerIPs"
	annoLBIPsOld       = "metallb.universe.tf/loadBalancerIPs"
	annoAddressPool    = "metallb.io/address-pool"
	annoAddressPoolOld = "metallb.universe.tf/address-pool"
)

var (
	poolsGVR = schema.GroupVersionResource{Group: "metallb.io", Version: "v1beta1", Resource: "ipaddresspools"}
	l2GVR    = schema.GroupVersionResource{Group: "metallb.io", Version: "v1beta1", Resource: "l2advertisements"}
	bgpGVR   = schema.GroupVersionResource{Group: "metallb.io", Version: "v1beta1", Resource: "bgpadvertisements"}
)

type addressPool struct {
	name       string
	labels     labels.Set
	ranges     [][2]netip.Addr
	autoAssign bool
	avoidBuggy bool
	priority   int // 0: none (after every pool with one)
	namespaces []string
	nsSelect   []labels.Selector
	selectors  []labels.Selector
	advertised bool
}

func (c *ctl) setupLoadBalancers() {
	l := c.newLoop("loadbalancers", c.syncService)
	_, _ = c.informer(corev1.SchemeGroupVersion.WithResource("services")).AddEventHandler(on(l.addObj))
}

// pools lists the IPAddressPools and marks those an advertisement covers.
func (c *ctl) pools(ctx context.Context) ([]*addressPool, error) {
	ns := c.opts.metallbNamespace
	list, err := c.dynamic.Resource(poolsGVR).Namespace(ns).List(ctx, metav1.ListOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil // no CRD
	}
	if err != nil {
		return nil, err
	}
	var pools []*addressPool
	for _, item := range list.Items {
		p := &addressPool{name: item.GetName(), labels: item.GetLabels(), autoAssign: true}
		addrs, _, _ := unstructured.NestedStringSlice(item.Object, "spec", "addresses")
		for _, a := range addrs {
			if r, ok := parseRange(a); ok {
				p.ranges = append(p.ranges, r)
			}
		}
		if v, found, _ := unstructured.NestedBool(item.Object, "spec", "autoAssign"); found {
			p.autoAssign = v
		}
		p.avoidBuggy, _, _ = unstructured.NestedBool(item.Object, "spec", "avoidBuggyIPs")
		if v, found, _ := unstructured.NestedInt64(item.Object, "spec", "serviceAllocation", "priority"); found {
			p.priority = int(v)
		}
		p.namespaces, _, _ = unstructured.NestedStringSlice(item.Object, "spec", "serviceAllocation", "namespaces")
		sels, _, _ := unstructured.NestedSlice(item.Object, "spec", "serviceAllocation", "serviceSelectors")
		for _, s := range sels {
			if sel, ok := toSelector(s); ok {
				p.selectors = append(p.selectors, sel)
			}
		}
		sels, _, _ = unstructured.NestedSlice(item.Object, "spec", "serviceAllocation", "namespaceSelectors")
		for _, s := range sels {
			if sel, ok := toSelector(s); ok {
				p.nsSelect = append(p.nsSelect, sel)
			}
		}
		pools = append(pools, p)
	}
	for _, gvr := range []schema.GroupVersionResource{l2GVR, bgpGVR} {
		ads, err := c.dynamic.Resource(gvr).Namespace(ns).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, ad := range ads.Items {
			names, _, _ := unstructured.NestedStringSlice(ad.Object, "spec", "ipAddressPools")
			sels, _, _ := unstructured.NestedSlice(ad.Object, "spec", "ipAddressPoolSelectors")
			for _, p := range pools {
				match := len(names) == 0 && len(sels) == 0
				for _, n := range names {
					match = match || n == p.name
				}
				for _, s := range sels {
					if sel, ok := toSelector(s); ok && sel.Matches(p.labels) {
						match = true
					}
				}
				p.advertised = p.advertised || match
			}
		}
	}
	sort.Slice(pools, func(i, j int) bool {
		pi, pj := pools[i].priority, pools[j].priority
		if (pi == 0) != (pj == 0) {
			return pj == 0
		}
		if pi != pj {
			return pi < pj
		}
		return pools[i].name < pools[j].name
	})
	return pools, nil
}

func toSelector(v interface{}) (labels.Selector, bool) {
	m, ok := v.(map[string]interface{})
	if !ok {
		return nil, false
	}
	var ls metav1.LabelSelector
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, &ls); err != nil {
		return nil, false
	}
	sel, err := metav1.LabelSelectorAsSelector(&ls)
	return sel, err == nil
}

// parseRange: "10.0.0.0/24", "10.0.0.5-10.0.0.9", or one address.
func parseRange(s string) ([2]netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, b, ok := strings.Cut(s, "-"); ok {
		from, err1 := netip.ParseAddr(strings.TrimSpace(a))
		to, err2 := netip.ParseAddr(strings.TrimSpace(b))
		return [2]netip.Addr{from, to}, err1 == nil && err2 == nil && from.BitLen() == to.BitLen() && !to.Less(from)
	}
	if p, err := netip.ParsePrefix(s); err == nil {
		p = p.Masked()
		last := p.Addr()
		for n := last.Next(); n.IsValid() && p.Contains(n); n = n.Next() {
			last = n
		}
		return [2]netip.Addr{p.Addr(), last}, true
	}
	a, err := netip.ParseAddr(s)
	return [2]netip.Addr{a, a}, err == nil
}

func (p *addressPool) contains(a netip.Addr) bool {
	for _, r := range p.ranges {
		if !a.Less(r[0]) && !r[1].Less(a) {
			return p.usable(a)
		}
	}
	return false
}

// usable: avoidBuggyIPs skips IPv4 addresses ending in .0 and .255.
func (p *addressPool) usable(a netip.Addr) bool {
	if p.avoidBuggy && a.Is4() {
		last := a.As4()[3]
		return last != 0 && last != 255
	}
	return true
}

func (p *addressPool) allows(svc *corev1.Service, nsLabels labels.Set) bool {
	if len(p.namespaces) > 0 {
		ok := false
		for _, n := range p.namespaces {
			ok = ok || n == svc.Namespace
		}
		if !ok {
			return false
		}
	}
	if len(p.nsSelect) > 0 {
		ok := false
		for _, s := range p.nsSelect {
			ok = ok || s.Matches(nsLabels)
		}
		if !ok {
			return false
		}
	}
	if len(p.selectors) > 0 {
		ok := false
		for _, s := range p.selectors {
			ok = ok || s.Matches(labels.Set(svc.Labels))
		}
		if !ok {
			return false
		}
	}
	return true
}

func (p *addressPool) firstFree(used map[netip.Addr]bool, ipv6 bool) (netip.Addr, bool) {
	for _, r := range p.ranges {
		if r[0].Is6() != ipv6 {
			continue
		}
		for a := r[0]; a.IsValid() && !r[1].Less(a); a = a.Next() {
			if !used[a] && p.usable(a) {
				return a, true
			}
		}
	}
	return netip.Addr{}, false
}

func (c *ctl) syncService(ctx context.Context, key string) error {
	ns, name := split(key)
	svc, err := c.services.Services(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	if svc.Spec.Type != corev1.ServiceTypeLoadBalancer || svc.Spec.LoadBalancerClass != nil {
		if svc.Annotations[annoAllocatedFrom] != "" {
			return c.setLoadBalancer(ctx, svc, "", nil)
		}
		return nil
	}
	if len(svc.Status.LoadBalancer.Ingress) > 0 {
		return nil
	}
	pools, err := c.pools(ctx)
	if err != nil {
		return err
	}
	pool, ips, why := c.allocate(svc, pools)
	if pool == nil {
		c.byName["loadbalancers"].addAfter(key, time.Second)
		if why != "" {
			c.event(svc, "Service", "v1", "metallb-controller", corev1.EventTypeWarning, "AllocationFailed", fmt.Sprintf("Failed to allocate IP for %q: %s", key, why))
		}
		return nil
	}
	if err := c.setLoadBalancer(ctx, svc, pool.name, ips); err != nil {
		return err
	}
	var quoted []string
	for _, ip := range ips {
		quoted = append(quoted, fmt.Sprintf("%q", ip.String()))
	}
	c.event(svc, "Service", "v1", "metallb-controller", corev1.EventTypeNormal, "IPAllocated", fmt.Sprintf("Assigned IP [%s]", strings.Join(quoted, " ")))
	return nil
}

// allocate: the pool and addresses for the Service, or nil and why not
// ("" when there is simply no pool yet: no event).
func (c *ctl) allocate(svc *corev1.Service, pools []*addressPool) (*addressPool, []netip.Addr, string) {
	used := map[netip.Addr]bool{}
	all, _ := c.services.List(labels.Everything())
	for _, s := range all {
		if s.UID == svc.UID {
			continue
		}
		for _, in := range s.Status.LoadBalancer.Ingress {
			if a, err := netip.ParseAddr(in.IP); err == nil {
				used[a] = true
			}
		}
	}
	var nsLabels labels.Set
	if n, err := c.namespaces.Get(svc.Namespace); err == nil {
		nsLabels = n.Labels
	}
	var usable []*addressPool
	for _, p := range pools {
		if (p.advertised || c.opts.assignUnadvertised) && p.allows(svc, nsLabels) {
			usable = append(usable, p)
		}
	}
	if len(usable) == 0 {
		return nil, nil, ""
	}
	want := svc.Annotations[annoLBIPs]
	if want == "" {
		want = svc.Annotations[annoLBIPsOld]
	}
	if want == "" {
		want = svc.Spec.LoadBalancerIP
	}
	poolName := svc.Annotations[annoAddressPool]
	if poolName == "" {
		poolName = svc.Annotations[annoAddressPoolOld]
	}
	if want != "" {
		var ips []netip.Addr
		var pool *addressPool
		for _, s := range strings.Split(want, ",") {
			a, err := netip.ParseAddr(strings.TrimSpace(s))
			if err != nil {
				return nil, nil, fmt.Sprintf("invalid %s: %q", annoLBIPs, want)
			}
			if used[a] {
				return nil, nil, fmt.Sprintf("%q is already in use", a)
			}
			var in *addressPool
			for _, p := range usable {
				if p.contains(a) && (poolName == "" || p.name == poolName) {
					in = p
					break
				}
			}
			if in == nil || (pool != nil && pool != in) {
				return nil, nil, fmt.Sprintf("%q is not allowed in config", a)
			}
			pool = in
			ips = append(ips, a)
		}
		return pool, ips, ""
	}
	ipv6 := len(svc.Spec.IPFamilies) > 0 && svc.Spec.IPFamilies[0] == corev1.IPv6Protocol
	for _, p := range usable {
		if (poolName != "" && p.name != poolName) || (poolName == "" && !p.autoAssign) {
			continue
		}
		if a, ok := p.firstFree(used, ipv6); ok {
			return p, []netip.Addr{a}, ""
		}
	}
	if poolName != "" {
		return nil, nil, fmt.Sprintf("no available IPs in pool %q", poolName)
	}
	return nil, nil, "no available IPs"
}

// setLoadBalancer writes the pool annotation (main resource) and the
// ingress (status); pool "" clears both.
func (c *ctl) setLoadBalancer(ctx context.Context, svc *corev1.Service, pool string, ips []netip.Addr) error {
	if svc.Annotations[annoAllocatedFrom] != pool {
		u := svc.DeepCopy()
		if u.Annotations == nil {
			u.Annotations = map[string]string{}
		}
		if pool == "" {
			delete(u.Annotations, annoAllocatedFrom)
		} else {
			u.Annotations[annoAllocatedFrom] = pool
		}
		var err error
		if svc, err = c.client.CoreV1().Services(svc.Namespace).Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	var ingress []corev1.LoadBalancerIngress
	for _, ip := range ips {
		ingress = append(ingress, corev1.LoadBalancerIngress{IP: ip.String()})
	}
	if len(ingress) == 0 && len(svc.Status.LoadBalancer.Ingress) == 0 {
		return nil
	}
	u := svc.DeepCopy()
	u.Status.LoadBalancer = corev1.LoadBalancerStatus{Ingress: ingress}
	updated, err := c.client.CoreV1().Services(svc.Namespace).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	if err != nil {
		return err
	}
	// the next Service must see this one's addresses as taken
	waitCache(ctx, func() bool {
		got, err := c.services.Services(svc.Namespace).Get(svc.Name)
		return err != nil || seen(got.ResourceVersion, updated.ResourceVersion)
	})
	return nil
}
