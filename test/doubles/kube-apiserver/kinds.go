package main

// The built-in kinds this server serves: k8s.io/api's Go types, registered in
// the apiextensions-apiserver's scheme both under their external version
// (e.g. apps/v1) and as the group's "internal" version. The real
// kube-apiserver converts to internal types that live in k8s.io/kubernetes,
// which is not packaged; here the internal version *is* the v1 type, so
// conversion is the identity and only the apiVersion/kind are set or cleared.

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// kind is one served resource.
type kind struct {
	gv         schema.GroupVersion
	resource   string
	singular   string
	namespaced bool
	status     bool // has a /status subresource
	newObj     func() runtime.Object
	newList    func() runtime.Object
	shortNames []string
	categories []string
	// extra selectable fields beyond metadata.name/metadata.namespace
	fields func(obj runtime.Object) fields.Set
}

var (
	coreGV         = corev1.SchemeGroupVersion
	appsGV         = appsv1.SchemeGroupVersion
	batchGV        = batchv1.SchemeGroupVersion
	discoveryGV    = discoveryv1.SchemeGroupVersion
	networkingGV   = networkingv1.SchemeGroupVersion
	storageGV      = storagev1.SchemeGroupVersion
	coordinationGV = coordinationv1.SchemeGroupVersion
	policyGV       = policyv1.SchemeGroupVersion
	rbacGV         = rbacv1.SchemeGroupVersion
)

func ptrObj[T any, P interface {
	*T
	runtime.Object
}]() func() runtime.Object {
	return func() runtime.Object { return P(new(T)) }
}

var all = []string{"all"}

var kinds = []kind{
	{gv: coreGV, resource: "namespaces", singular: "namespace", status: true, newObj: ptrObj[corev1.Namespace](), newList: ptrObj[corev1.NamespaceList](), shortNames: []string{"ns"},
		fields: func(o runtime.Object) fields.Set { return fields.Set{"status.phase": string(o.(*corev1.Namespace).Status.Phase)} }},
	{gv: coreGV, resource: "nodes", singular: "node", status: true, newObj: ptrObj[corev1.Node](), newList: ptrObj[corev1.NodeList](), shortNames: []string{"no"},
		fields: func(o runtime.Object) fields.Set {
			n := o.(*corev1.Node)
			u := "false"
			if n.Spec.Unschedulable {
				u = "true"
			}
			return fields.Set{"spec.unschedulable": u}
		}},
	{gv: coreGV, resource: "configmaps", singular: "configmap", namespaced: true, newObj: ptrObj[corev1.ConfigMap](), newList: ptrObj[corev1.ConfigMapList](), shortNames: []string{"cm"}},
	{gv: coreGV, resource: "secrets", singular: "secret", namespaced: true, newObj: ptrObj[corev1.Secret](), newList: ptrObj[corev1.SecretList](),
		fields: func(o runtime.Object) fields.Set { return fields.Set{"type": string(o.(*corev1.Secret).Type)} }},
	{gv: coreGV, resource: "serviceaccounts", singular: "serviceaccount", namespaced: true, newObj: ptrObj[corev1.ServiceAccount](), newList: ptrObj[corev1.ServiceAccountList](), shortNames: []string{"sa"}},
	{gv: coreGV, resource: "services", singular: "service", namespaced: true, status: true, newObj: ptrObj[corev1.Service](), newList: ptrObj[corev1.ServiceList](), shortNames: []string{"svc"}, categories: all},
	{gv: coreGV, resource: "endpoints", singular: "endpoints", namespaced: true, newObj: ptrObj[corev1.Endpoints](), newList: ptrObj[corev1.EndpointsList](), shortNames: []string{"ep"}},
	{gv: coreGV, resource: "events", singular: "event", namespaced: true, newObj: ptrObj[corev1.Event](), newList: ptrObj[corev1.EventList](), shortNames: []string{"ev"},
		fields: func(o runtime.Object) fields.Set {
			e := o.(*corev1.Event)
			return fields.Set{"involvedObject.kind": e.InvolvedObject.Kind, "involvedObject.namespace": e.InvolvedObject.Namespace,
				"involvedObject.name": e.InvolvedObject.Name, "involvedObject.uid": string(e.InvolvedObject.UID), "reason": e.Reason, "type": e.Type}
		}},
	{gv: coreGV, resource: "pods", singular: "pod", namespaced: true, status: true, newObj: ptrObj[corev1.Pod](), newList: ptrObj[corev1.PodList](), shortNames: []string{"po"}, categories: all,
		fields: podFields},
	{gv: coreGV, resource: "persistentvolumes", singular: "persistentvolume", status: true, newObj: ptrObj[corev1.PersistentVolume](), newList: ptrObj[corev1.PersistentVolumeList](), shortNames: []string{"pv"}},
	{gv: coreGV, resource: "persistentvolumeclaims", singular: "persistentvolumeclaim", namespaced: true, status: true, newObj: ptrObj[corev1.PersistentVolumeClaim](), newList: ptrObj[corev1.PersistentVolumeClaimList](), shortNames: []string{"pvc"}},

	{gv: appsGV, resource: "deployments", singular: "deployment", namespaced: true, status: true, newObj: ptrObj[appsv1.Deployment](), newList: ptrObj[appsv1.DeploymentList](), shortNames: []string{"deploy"}, categories: all},
	{gv: appsGV, resource: "daemonsets", singular: "daemonset", namespaced: true, status: true, newObj: ptrObj[appsv1.DaemonSet](), newList: ptrObj[appsv1.DaemonSetList](), shortNames: []string{"ds"}, categories: all},
	{gv: appsGV, resource: "statefulsets", singular: "statefulset", namespaced: true, status: true, newObj: ptrObj[appsv1.StatefulSet](), newList: ptrObj[appsv1.StatefulSetList](), shortNames: []string{"sts"}, categories: all},
	{gv: appsGV, resource: "replicasets", singular: "replicaset", namespaced: true, status: true, newObj: ptrObj[appsv1.ReplicaSet](), newList: ptrObj[appsv1.ReplicaSetList](), shortNames: []string{"rs"}, categories: all},
	{gv: appsGV, resource: "controllerrevisions", singular: "controllerrevision", namespaced: true, newObj: ptrObj[appsv1.ControllerRevision](), newList: ptrObj[appsv1.ControllerRevisionList]()},

	{gv: batchGV, resource: "jobs", singular: "job", namespaced: true, status: true, newObj: ptrObj[batchv1.Job](), newList: ptrObj[batchv1.JobList](), categories: all},
	{gv: batchGV, resource: "cronjobs", singular: "cronjob", namespaced: true, status: true, newObj: ptrObj[batchv1.CronJob](), newList: ptrObj[batchv1.CronJobList](), shortNames: []string{"cj"}, categories: all},

	{gv: discoveryGV, resource: "endpointslices", singular: "endpointslice", namespaced: true, newObj: ptrObj[discoveryv1.EndpointSlice](), newList: ptrObj[discoveryv1.EndpointSliceList]()},

	{gv: networkingGV, resource: "ingresses", singular: "ingress", namespaced: true, status: true, newObj: ptrObj[networkingv1.Ingress](), newList: ptrObj[networkingv1.IngressList](), shortNames: []string{"ing"}},
	{gv: networkingGV, resource: "ingressclasses", singular: "ingressclass", newObj: ptrObj[networkingv1.IngressClass](), newList: ptrObj[networkingv1.IngressClassList]()},
	{gv: networkingGV, resource: "networkpolicies", singular: "networkpolicy", namespaced: true, newObj: ptrObj[networkingv1.NetworkPolicy](), newList: ptrObj[networkingv1.NetworkPolicyList](), shortNames: []string{"netpol"}},

	{gv: storageGV, resource: "storageclasses", singular: "storageclass", newObj: ptrObj[storagev1.StorageClass](), newList: ptrObj[storagev1.StorageClassList](), shortNames: []string{"sc"}},

	{gv: coordinationGV, resource: "leases", singular: "lease", namespaced: true, newObj: ptrObj[coordinationv1.Lease](), newList: ptrObj[coordinationv1.LeaseList]()},

	{gv: policyGV, resource: "poddisruptionbudgets", singular: "poddisruptionbudget", namespaced: true, status: true, newObj: ptrObj[policyv1.PodDisruptionBudget](), newList: ptrObj[policyv1.PodDisruptionBudgetList](), shortNames: []string{"pdb"}},

	{gv: rbacGV, resource: "clusterroles", singular: "clusterrole", newObj: ptrObj[rbacv1.ClusterRole](), newList: ptrObj[rbacv1.ClusterRoleList]()},
	{gv: rbacGV, resource: "clusterrolebindings", singular: "clusterrolebinding", newObj: ptrObj[rbacv1.ClusterRoleBinding](), newList: ptrObj[rbacv1.ClusterRoleBindingList]()},
	{gv: rbacGV, resource: "roles", singular: "role", namespaced: true, newObj: ptrObj[rbacv1.Role](), newList: ptrObj[rbacv1.RoleList]()},
	{gv: rbacGV, resource: "rolebindings", singular: "rolebinding", namespaced: true, newObj: ptrObj[rbacv1.RoleBinding](), newList: ptrObj[rbacv1.RoleBindingList]()},
}

func podFields(o runtime.Object) fields.Set {
	p := o.(*corev1.Pod)
	host := "false"
	if p.Spec.HostNetwork {
		host = "true"
	}
	return fields.Set{
		"spec.nodeName":            p.Spec.NodeName,
		"spec.restartPolicy":       string(p.Spec.RestartPolicy),
		"spec.schedulerName":       p.Spec.SchedulerName,
		"spec.serviceAccountName":  p.Spec.ServiceAccountName,
		"spec.hostNetwork":         host,
		"status.phase":             string(p.Status.Phase),
		"status.podIP":             p.Status.PodIP,
		"status.nominatedNodeName": p.Status.NominatedNodeName,
	}
}

// addToScheme registers every group's types under its external version (with
// k8s.io/api's own AddToScheme: list/option types, WatchEvent) and again as
// the group's internal version, plus field-label conversions for the
// selectable fields.
func addToScheme(s *runtime.Scheme) error {
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, discoveryv1.AddToScheme, networkingv1.AddToScheme,
		storagev1.AddToScheme, coordinationv1.AddToScheme, policyv1.AddToScheme, rbacv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			return err
		}
	}
	for _, k := range kinds {
		internal := schema.GroupVersion{Group: k.gv.Group, Version: runtime.APIVersionInternal}
		s.AddKnownTypes(internal, k.newObj(), k.newList())
		k := k
		obj := k.newObj()
		gvks, _, err := s.ObjectKinds(obj)
		if err != nil {
			return err
		}
		if err := s.AddFieldLabelConversionFunc(gvks[0], func(label, value string) (string, string, error) {
			if label == "metadata.name" || (k.namespaced && label == "metadata.namespace") {
				return label, value, nil
			}
			if k.fields != nil {
				if _, ok := k.fields(k.newObj())[label]; ok {
					return label, value, nil
				}
			}
			return "", "", fieldLabelError(label)
		}); err != nil {
			return err
		}
	}
	// pods/eviction
	s.AddKnownTypes(schema.GroupVersion{Group: policyGV.Group, Version: runtime.APIVersionInternal}, &policyv1.Eviction{})
	// pods/binding
	s.AddKnownTypes(schema.GroupVersion{Group: coreGV.Group, Version: runtime.APIVersionInternal}, &corev1.Binding{})
	addDefaults(s)
	return nil
}

type fieldLabelError string

func (e fieldLabelError) Error() string { return "field label not supported: " + string(e) }
