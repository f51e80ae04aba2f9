package main

// What every loop shares: the clients, the informers and listers, the work
// queue of a loop, event recording, and small helpers.

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	policylisters "k8s.io/client-go/listers/policy/v1"
	storagelisters "k8s.io/client-go/listers/storage/v1"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
	"k8s.io/klog/v2"
)

type ctl struct {
	opts    options
	client  kubernetes.Interface
	dynamic dynamic.Interface
	factory informers.SharedInformerFactory
	// the API server's gitVersion: the kubelet version of nodes that name none
	version string

	podInformer, nodeInformer cache.SharedIndexInformer
	nodes                     corelisters.NodeLister
	pods                      corelisters.PodLister
	namespaces                corelisters.NamespaceLister
	services                  corelisters.ServiceLister
	endpoints                 corelisters.EndpointsLister
	pvcs                      corelisters.PersistentVolumeClaimLister
	pvs                       corelisters.PersistentVolumeLister
	deployments               appslisters.DeploymentLister
	replicaSets               appslisters.ReplicaSetLister
	daemonSets                appslisters.DaemonSetLister
	statefulSets              appslisters.StatefulSetLister
	slices                    discoverylisters.EndpointSliceLister
	pdbs                      policylisters.PodDisruptionBudgetLister
	storageClasses            storagelisters.StorageClassLister

	podIPs, nodeIPs *ipAllocator
	loops           []*loop
	byName          map[string]*loop
}

const byNodeIndex = "spec.nodeName"

func newCtl(client kubernetes.Interface, dyn dynamic.Interface, f informers.SharedInformerFactory, opts options, version string) *ctl {
	c := &ctl{opts: opts, client: client, dynamic: dyn, factory: f, version: version, byName: map[string]*loop{}}
	c.podInformer = f.Core().V1().Pods().Informer()
	_ = c.podInformer.AddIndexers(cache.Indexers{byNodeIndex: func(obj interface{}) ([]string, error) {
		return []string{obj.(*corev1.Pod).Spec.NodeName}, nil
	}})
	c.nodeInformer = f.Core().V1().Nodes().Informer()
	c.nodes = f.Core().V1().Nodes().Lister()
	c.pods = f.Core().V1().Pods().Lister()
	c.namespaces = f.Core().V1().Namespaces().Lister()
	c.services = f.Core().V1().Services().Lister()
	c.endpoints = f.Core().V1().Endpoints().Lister()
	c.pvcs = f.Core().V1().PersistentVolumeClaims().Lister()
	c.pvs = f.Core().V1().PersistentVolumes().Lister()
	c.deployments = f.Apps().V1().Deployments().Lister()
	c.replicaSets = f.Apps().V1().ReplicaSets().Lister()
	c.daemonSets = f.Apps().V1().DaemonSets().Lister()
	c.statefulSets = f.Apps().V1().StatefulSets().Lister()
	c.slices = f.Discovery().V1().EndpointSlices().Lister()
	c.pdbs = f.Policy().V1().PodDisruptionBudgets().Lister()
	c.storageClasses = f.Storage().V1().StorageClasses().Lister()
	c.podIPs = newIPAllocator(opts.podCIDR)
	c.nodeIPs = newIPAllocator(opts.nodeCIDR)
	// every informer is started by the factory, whether or not a loop uses it
	f.Core().V1().Namespaces().Informer()
	f.Core().V1().Services().Informer()
	f.Core().V1().Endpoints().Informer()
	f.Core().V1().PersistentVolumeClaims().Informer()
	f.Core().V1().PersistentVolumes().Informer()
	f.Apps().V1().Deployments().Informer()
	f.Apps().V1().ReplicaSets().Informer()
	f.Apps().V1().DaemonSets().Informer()
	f.Apps().V1().StatefulSets().Informer()
	f.Discovery().V1().EndpointSlices().Informer()
	f.Policy().V1().PodDisruptionBudgets().Informer()
	f.Storage().V1().StorageClasses().Informer()
	return c
}

// seedAddresses reserves the pod and node IPs already in use (a restarted
// controller keeps them).
func (c *ctl) seedAddresses() {
	pods, _ := c.pods.List(labels.Everything())
	for _, p := range pods {
		if p.Status.PodIP != "" && !p.Spec.HostNetwork {
			c.podIPs.reserve(p.Status.PodIP, string(p.UID))
		}
	}
	nodes, _ := c.nodes.List(labels.Everything())
	for _, n := range nodes {
		if ip := nodeInternalIP(n); ip != "" {
			c.nodeIPs.reserve(ip, string(n.UID))
		}
	}
}

// informer of a kind, for loops that watch it
func (c *ctl) informer(gvr schema.GroupVersionResource) cache.SharedIndexInformer {
	i, err := c.factory.ForResource(gvr)
	if err != nil {
		panic(err)
	}
	return i.Informer()
}

// ---- loops

// loop is one controller loop: a rate-limited work queue of keys
// ("namespace/name" or "name") and the function that brings one key's
// object to what it should be. One worker per loop.
type loop struct {
	name  string
	queue workqueue.TypedRateLimitingInterface[string]
	sync  func(ctx context.Context, key string) error
}

func (c *ctl) newLoop(name string, sync func(context.Context, string) error) *loop {
	l := &loop{name: name, sync: sync, queue: workqueue.NewTypedRateLimitingQueueWithConfig(
		workqueue.NewTypedItemExponentialFailureRateLimiter[string](20*time.Millisecond, 5*time.Second),
		workqueue.TypedRateLimitingQueueConfig[string]{Name: name})}
	c.loops = append(c.loops, l)
	c.byName[name] = l
	return l
}

func (l *loop) add(key string)                       { l.queue.Add(key) }
func (l *loop) addAfter(key string, d time.Duration) { l.queue.AddAfter(key, d) }
func (l *loop) addObj(obj interface{}) {
	if key, err := cache.DeletionHandlingMetaNamespaceKeyFunc(obj); err == nil {
		l.queue.Add(key)
	}
}

func (l *loop) run(ctx context.Context) {
	go func() { <-ctx.Done(); l.queue.ShutDown() }()
	for {
		key, quit := l.queue.Get()
		if quit {
			return
		}
		err := l.sync(ctx, key)
		switch {
		case err == nil:
			l.queue.Forget(key)
		case ctx.Err() != nil:
		default:
			if apierrors.IsConflict(err) || apierrors.IsAlreadyExists(err) {
				klog.V(2).InfoS("retrying", "loop", l.name, "key", key, "err", err)
			} else {
				klog.ErrorS(err, "sync failed", "loop", l.name, "key", key)
			}
			l.queue.AddRateLimited(key)
		}
		l.queue.Done(key)
	}
}

// on calls f with the object of every add, update and delete (tombstones
// unwrapped).
func on(f func(obj interface{})) cache.ResourceEventHandlerFuncs {
	return cache.ResourceEventHandlerFuncs{
		AddFunc:    f,
		UpdateFunc: func(_, obj interface{}) { f(obj) },
		DeleteFunc: func(obj interface{}) {
			if t, ok := obj.(cache.DeletedFinalStateUnknown); ok {
				obj = t.Obj
			}
			f(obj)
		},
	}
}

func split(key string) (string, string) {
	ns, name, _ := cache.SplitMetaNamespaceKey(key)
	return ns, name
}

// waitCache waits (briefly) until the informers have seen the loop's own
// writes, so that the next sync does not act on a stale cache and create
// twice what it just created.
func waitCache(ctx context.Context, cond func() bool) {
	deadline := time.Now().Add(5 * time.Second)
	for !cond() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
}

// seen: the cache holds the version written (or a later one). Resource
// versions are etcd revisions here; clients may not compare them in
// general, the test double may.
func seen(cached, written string) bool {
	a, err1 := strconv.ParseUint(cached, 10, 64)
	b, err2 := strconv.ParseUint(written, 10, 64)
	if err1 != nil || err2 != nil {
		return cached == written
	}
	return a >= b
}

// ---- events

// event records a core/v1 Event about obj, as the named component would
// (no aggregation of repeats). Failures are only logged.
func (c *ctl) event(obj metav1.Object, kind, apiVersion, component, typ, reason, msg string) {
	ns := obj.GetNamespace()
	if ns == "" {
		ns = metav1.NamespaceDefault
	}
	now := metav1.Now()
	ev := &corev1.Event{
		ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s.%x%s", obj.GetName(), now.UnixNano(), rand.String(3)), Namespace: ns},
		InvolvedObject: corev1.ObjectReference{Kind: kind, APIVersion: apiVersion, Namespace: obj.GetNamespace(), Name: obj.GetName(),
			UID: obj.GetUID(), ResourceVersion: obj.GetResourceVersion()},
		Reason: reason, Message: msg, Type: typ, Count: 1,
		Source:         corev1.EventSource{Component: component},
		FirstTimestamp: now, LastTimestamp: now,
		ReportingController: component, ReportingInstance: component + "-tsplay",
	}
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := c.client.CoreV1().Events(ns).Create(ctx, ev, metav1.CreateOptions{}); err != nil {
			klog.V(2).InfoS("event not recorded", "reason", reason, "err", err)
		}
	}()
}

// ---- pods

func podReady(p *corev1.Pod) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

func podCondition(p *corev1.Pod, t corev1.PodConditionType) *corev1.PodCondition {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			return &p.Status.Conditions[i]
		}
	}
	return nil
}

// podAvailable: Ready for at least minReadySeconds; when not yet, how long
// until it will be.
func podAvailable(p *corev1.Pod, minReadySeconds int32, now time.Time) (bool, time.Duration) {
	c := podCondition(p, corev1.PodReady)
	if c == nil || c.Status != corev1.ConditionTrue || p.DeletionTimestamp != nil {
		return false, 0
	}
	at := c.LastTransitionTime.Add(time.Duration(minReadySeconds) * time.Second)
	if minReadySeconds == 0 || !now.Before(at) {
		return true, 0
	}
	return false, at.Sub(now)
}

// active: counted by its controller (not finished, not being deleted)
func active(p *corev1.Pod) bool {
	return p.DeletionTimestamp == nil && p.Status.Phase != corev1.PodSucceeded && p.Status.Phase != corev1.PodFailed
}

// setPodCondition sets c in conds, keeping the transition time when the
// status does not change.
func setPodCondition(conds []corev1.PodCondition, c corev1.PodCondition) []corev1.PodCondition {
	for i := range conds {
		if conds[i].Type == c.Type {
			if conds[i].Status == c.Status {
				c.LastTransitionTime = conds[i].LastTransitionTime
				c.LastProbeTime = conds[i].LastProbeTime
			}
			conds[i] = c
			return conds
		}
	}
	return append(conds, c)
}

// ownedPods: the pods whose controller is the object with this uid.
func (c *ctl) ownedPods(ns string, uid types.UID) []*corev1.Pod {
	all, _ := c.pods.Pods(ns).List(labels.Everything())
	var out []*corev1.Pod
	for _, p := range all {
		if ref := metav1.GetControllerOfNoCopy(p); ref != nil && ref.UID == uid {
			out = append(out, p)
		}
	}
	return out
}

// podFromTemplate: a new pod of a workload, as the real controllers make it
// (labels, annotations and finalizers of the template, the workload as its
// controlling owner).
func podFromTemplate(t *corev1.PodTemplateSpec, owner metav1.Object, gvk schema.GroupVersionKind) *corev1.Pod {
	p := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Namespace:       owner.GetNamespace(),
			Labels:          map[string]string{},
			Annotations:     map[string]string{},
			Finalizers:      append([]string(nil), t.Finalizers...),
			OwnerReferences: []metav1.OwnerReference{*metav1.NewControllerRef(owner, gvk)},
		},
		Spec: *t.Spec.DeepCopy(),
	}
	for k, v := range t.Labels {
		p.Labels[k] = v
	}
	for k, v := range t.Annotations {
		p.Annotations[k] = v
	}
	return p
}

// ---- workloads

var (
	deploymentKind  = appsv1.SchemeGroupVersion.WithKind("Deployment")
	replicaSetKind  = appsv1.SchemeGroupVersion.WithKind("ReplicaSet")
	daemonSetKind   = appsv1.SchemeGroupVersion.WithKind("DaemonSet")
	statefulSetKind = appsv1.SchemeGroupVersion.WithKind("StatefulSet")
)

func replicas(r *int32) int32 {
	if r == nil {
		return 1
	}
	return *r
}

// ---- addresses

// ipAllocator hands out the addresses of a prefix, one per owner (a pod or
// node UID), in order after the last one given, skipping those in use.
type ipAllocator struct {
	mu     sync.Mutex
	prefix netip.Prefix
	last   netip.Addr
	used   map[netip.Addr]string
	owners map[string]netip.Addr
}

func newIPAllocator(p netip.Prefix) *ipAllocator {
	p = p.Masked()
	return &ipAllocator{prefix: p, last: p.Addr(), used: map[netip.Addr]string{}, owners: map[string]netip.Addr{}}
}

func (a *ipAllocator) reserve(ip, owner string) {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.used[addr] = owner
	a.owners[owner] = addr
}

// allocate: the owner's address, a new one if it has none ("" when the
// prefix is full).
func (a *ipAllocator) allocate(owner string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if addr, ok := a.owners[owner]; ok {
		return addr.String()
	}
	addr := a.last
	for range 1 << 20 {
		addr = addr.Next()
		if !addr.IsValid() || !a.prefix.Contains(addr) {
			addr = a.prefix.Addr()
			continue
		}
		if addr == a.prefix.Addr() {
			continue // the network address
		}
		if _, taken := a.used[addr]; !taken {
			a.used[addr], a.owners[owner], a.last = owner, addr, addr
			return addr.String()
		}
	}
	return ""
}

func (a *ipAllocator) release(owner string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if addr, ok := a.owners[owner]; ok {
		delete(a.owners, owner)
		delete(a.used, addr)
	}
}
