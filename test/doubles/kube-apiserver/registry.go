package main

// REST storage for the built-in kinds: k8s.io/apiserver's generic registry
// Store (the same etcd3 store, watch cache, dry run, preconditions and field
// management the real kube-apiserver uses), one per kind of kinds.go, with
// the strategies of strategy.go; /status subresources share the store with
// a status strategy; pods/eviction is eviction.go, pods/binding binding.go.

import (
	"context"
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/registry/generic"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

// resourceREST is a kind's main resource: the store plus discovery's short
// names and categories.
type resourceREST struct {
	*genericregistry.Store
	k kind
}

func (r *resourceREST) ShortNames() []string { return r.k.shortNames }
func (r *resourceREST) Categories() []string { return r.k.categories }

var _ rest.ShortNamesProvider = &resourceREST{}
var _ rest.CategoriesProvider = &resourceREST{}

// statusREST is a kind's /status: get, update and patch (also apply) of the
// status only.
type statusREST struct{ store *genericregistry.Store }

func (r *statusREST) New() runtime.Object { return r.store.New() }
func (r *statusREST) Destroy()            {}
func (r *statusREST) Get(ctx context.Context, name string, options *metav1.GetOptions) (runtime.Object, error) {
	return r.store.Get(ctx, name, options)
}
func (r *statusREST) Update(ctx context.Context, name string, objInfo rest.UpdatedObjectInfo, createValidation rest.ValidateObjectFunc, updateValidation rest.ValidateObjectUpdateFunc, forceAllowCreate bool, options *metav1.UpdateOptions) (runtime.Object, bool, error) {
	return r.store.Update(ctx, name, objInfo, createValidation, updateValidation, false, options)
}
func (r *statusREST) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	return r.store.GetResetFields()
}
func (r *statusREST) ConvertToTable(ctx context.Context, object runtime.Object, tableOptions runtime.Object) (*metav1.Table, error) {
	return r.store.ConvertToTable(ctx, object, tableOptions)
}

var _ rest.Patcher = &statusREST{}

func newStores(k kind, getter generic.RESTOptionsGetter) (*genericregistry.Store, *genericregistry.Store, error) {
	st := newStrategy(apiserver.Scheme, k, false)
	gr := k.gv.WithResource(k.resource).GroupResource()
	store := &genericregistry.Store{
		NewFunc:                   k.newObj,
		NewListFunc:               k.newList,
		PredicateFunc:             st.predicate,
		DefaultQualifiedResource:  gr,
		SingularQualifiedResource: schema.GroupResource{Group: k.gv.Group, Resource: k.singular},
		CreateStrategy:            st,
		UpdateStrategy:            st,
		DeleteStrategy:            st,
		ResetFieldsStrategy:       st,
		TableConvertor:            newTableConvertor(k),
	}
	if err := store.CompleteWithOptions(&generic.StoreOptions{RESTOptions: getter, AttrFunc: st.attrs}); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", gr, err)
	}
	if !k.status {
		return store, nil, nil
	}
	status := *store
	ss := newStrategy(apiserver.Scheme, k, true)
	status.CreateStrategy = nil
	status.DeleteStrategy = nil
	status.UpdateStrategy = ss
	status.ResetFieldsStrategy = ss
	return store, &status, nil
}

func installBuiltins(s *genericapiserver.GenericAPIServer, getter generic.RESTOptionsGetter) error {
	infos := map[string]*genericapiserver.APIGroupInfo{}
	var order []string
	stores := map[string]*genericregistry.Store{}
	statuses := map[string]*genericregistry.Store{}
	for _, k := range kinds {
		info := infos[k.gv.Group]
		if info == nil {
			i := genericapiserver.NewDefaultAPIGroupInfo(k.gv.Group, apiserver.Scheme, metav1.ParameterCodec, apiserver.Codecs)
			i.PrioritizedVersions = []schema.GroupVersion{k.gv}
			i.VersionedResourcesStorageMap[k.gv.Version] = map[string]rest.Storage{}
			info = &i
			infos[k.gv.Group] = info
			order = append(order, k.gv.Group)
		}
		store, status, err := newStores(k, getter)
		if err != nil {
			return err
		}
		stores[k.resource], statuses[k.resource] = store, status
		m := info.VersionedResourcesStorageMap[k.gv.Version]
		m[k.resource] = &resourceREST{Store: store, k: k}
		if status != nil {
			m[k.resource+"/status"] = &statusREST{store: status}
		}
	}
	infos[""].VersionedResourcesStorageMap["v1"]["pods/eviction"] = &evictionREST{
		pods: stores["pods"], pdbs: stores["poddisruptionbudgets"], pdbStatus: statuses["poddisruptionbudgets"],
	}
	infos[""].VersionedResourcesStorageMap["v1"]["pods/binding"] = &bindingREST{pods: stores["pods"]}
	if err := s.InstallLegacyAPIGroup(genericapiserver.DefaultLegacyAPIPrefix, infos[""]); err != nil {
		return fmt.Errorf("core/v1: %w", err)
	}
	var groups []*genericapiserver.APIGroupInfo
	for _, g := range order {
		if g != "" {
			groups = append(groups, infos[g])
		}
	}
	if err := s.InstallAPIGroups(groups...); err != nil {
		return err
	}
	// default, kube-system, kube-public and kube-node-lease exist from the
	// start, as in a real cluster (created by the first start, kept after)
	s.AddPostStartHookOrDie("tsplay-system-namespaces", func(ctx genericapiserver.PostStartHookContext) error {
		for _, name := range []string{metav1.NamespaceDefault, metav1.NamespaceSystem, metav1.NamespacePublic, corev1.NamespaceNodeLease} {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
			_, err := stores["namespaces"].Create(genericapiserverContext(ctx), ns, rest.ValidateAllObjectFunc, &metav1.CreateOptions{})
			if err != nil && !isAlreadyExists(err) {
				return err
			}
		}
		return nil
	})
	return nil
}
