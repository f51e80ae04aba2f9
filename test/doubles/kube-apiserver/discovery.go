package main

// Unaggregated discovery (GET /apis as an APIGroupList) for the groups the
// apiextensions-apiserver serves. Aggregated discovery (what kubectl asks for
// first) already lists them: both servers share one aggregated discovery
// manager. The legacy list belongs to the outer server only; in a real
// kube-apiserver the aggregator fills it from APIService objects made for
// every CRD group. Here an informer on CRDs adds and removes the groups.

import (
	"context"
	"sort"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/version"
	genericapirequest "k8s.io/apiserver/pkg/endpoints/request"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/client-go/tools/cache"
)

// a context for cluster-scoped store calls made by the server itself
func genericapiserverContext(ctx genericapiserver.PostStartHookContext) context.Context {
	return genericapirequest.WithNamespace(ctx.Context, "")
}

func isAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }

func serveCRDGroupsInLegacyDiscovery(s *genericapiserver.GenericAPIServer, crds *apiserver.CustomResourceDefinitions) error {
	ext := metav1.GroupVersionForDiscovery{GroupVersion: apiextensionsv1.SchemeGroupVersion.String(), Version: "v1"}
	s.DiscoveryGroupManager.AddGroup(metav1.APIGroup{Name: apiextensionsv1.GroupName, Versions: []metav1.GroupVersionForDiscovery{ext}, PreferredVersion: ext})

	informer := crds.Informers.Apiextensions().V1().CustomResourceDefinitions()
	lister := informer.Lister()
	known := map[string]bool{}
	sync := func() {
		list, err := lister.List(labels.Everything())
		if err != nil {
			return
		}
		versions := map[string]map[string]bool{}
		for _, crd := range list {
			established := false
			for _, c := range crd.Status.Conditions {
				if c.Type == apiextensionsv1.Established && c.Status == apiextensionsv1.ConditionTrue {
					established = true
				}
			}
			if !established {
				continue
			}
			for _, v := range crd.Spec.Versions {
				if v.Served {
					if versions[crd.Spec.Group] == nil {
						versions[crd.Spec.Group] = map[string]bool{}
					}
					versions[crd.Spec.Group][v.Name] = true
				}
			}
		}
		for group, vs := range versions {
			var names []string
			for v := range vs {
				names = append(names, v)
			}
			sort.Slice(names, func(i, j int) bool { return version.CompareKubeAwareVersionStrings(names[i], names[j]) > 0 })
			g := metav1.APIGroup{Name: group}
			for _, v := range names {
				g.Versions = append(g.Versions, metav1.GroupVersionForDiscovery{GroupVersion: group + "/" + v, Version: v})
			}
			g.PreferredVersion = g.Versions[0]
			s.DiscoveryGroupManager.AddGroup(g)
			known[group] = true
		}
		for group := range known {
			if versions[group] == nil {
				s.DiscoveryGroupManager.RemoveGroup(group)
				delete(known, group)
			}
		}
	}
	events := make(chan struct{}, 1)
	poke := func() {
		select {
		case events <- struct{}{}:
		default:
		}
	}
	_, err := informer.Informer().AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(interface{}) { poke() },
		UpdateFunc: func(interface{}, interface{}) { poke() },
		DeleteFunc: func(interface{}) { poke() },
	})
	if err != nil {
		return err
	}
	s.AddPostStartHookOrDie("tsplay-crd-legacy-discovery", func(ctx genericapiserver.PostStartHookContext) error {
		go func() {
			for {
				select {
				case <-ctx.Done():
					return
				case <-events:
					sync()
				}
			}
		}()
		return nil
	})
	return nil
}
