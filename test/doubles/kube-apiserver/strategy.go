package main

// One generic REST strategy for every built-in kind, after the real ones in
// k8s.io/kubernetes/pkg/registry/*: status is reset on create and kept on
// update of the main resource (and the reverse for /status), metadata.generation
// starts at 1 and goes up when anything but metadata and status changes, pods
// are deleted gracefully as the real pod strategy decides, and Validate runs
// the object-meta validation of k8s.io/apimachinery plus the per-kind checks
// of validation.go.

import (
	"context"
	"reflect"

	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apiserver/pkg/storage"
	"k8s.io/apiserver/pkg/storage/names"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
)

type strategy struct {
	runtime.ObjectTyper
	names.NameGenerator
	k      kind
	status bool // the /status subresource's strategy
}

func newStrategy(typer runtime.ObjectTyper, k kind, status bool) *strategy {
	return &strategy{ObjectTyper: typer, NameGenerator: names.SimpleNameGenerator, k: k, status: status}
}

func (s *strategy) NamespaceScoped() bool          { return s.k.namespaced }
func (s *strategy) AllowCreateOnUpdate() bool      { return false }
func (s *strategy) AllowUnconditionalUpdate() bool { return true }
func (s *strategy) Canonicalize(runtime.Object)    {}
func (s *strategy) WarningsOnCreate(context.Context, runtime.Object) []string {
	return nil
}
func (s *strategy) WarningsOnUpdate(context.Context, runtime.Object, runtime.Object) []string {
	return nil
}

// hasGeneration: kinds whose real strategy maintains metadata.generation.
func (s *strategy) hasGeneration() bool {
	switch s.k.resource {
	case "deployments", "daemonsets", "statefulsets", "replicasets", "jobs", "cronjobs", "poddisruptionbudgets", "ingresses", "networkpolicies":
		return true
	}
	return false
}

// GetResetFields: the fields the strategy resets, so that server-side apply
// does not record them as owned by the applier (status on the main resource,
// everything else on /status).
func (s *strategy) GetResetFields() map[fieldpath.APIVersion]*fieldpath.Set {
	if !s.k.status {
		return nil
	}
	set := fieldpath.NewSet(fieldpath.MakePathOrDie("status"))
	if s.status {
		set = fieldpath.NewSet(fieldpath.MakePathOrDie("spec"), fieldpath.MakePathOrDie("metadata", "labels"))
	}
	return map[fieldpath.APIVersion]*fieldpath.Set{fieldpath.APIVersion(s.k.gv.String()): set}
}

func statusField(obj runtime.Object) reflect.Value {
	v := reflect.ValueOf(obj).Elem()
	return v.FieldByName("Status")
}

func specLike(obj runtime.Object) map[string]interface{} {
	v := reflect.ValueOf(obj).Elem()
	out := map[string]interface{}{}
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		switch t.Field(i).Name {
		case "TypeMeta", "ObjectMeta", "Status":
			continue
		}
		out[t.Field(i).Name] = v.Field(i).Interface()
	}
	return out
}

func (s *strategy) PrepareForCreate(ctx context.Context, obj runtime.Object) {
	if s.k.status {
		st := statusField(obj)
		if st.IsValid() && st.CanSet() {
			st.Set(reflect.Zero(st.Type()))
		}
	}
	switch o := obj.(type) {
	case *corev1.Secret:
		mergeStringData(o)
	case *corev1.Namespace:
		o.Status.Phase = corev1.NamespaceActive
	case *corev1.Pod:
		o.Status.Phase = corev1.PodPending
		o.Status.QOSClass = qosClass(&o.Spec)
	case *corev1.PersistentVolumeClaim:
		o.Status.Phase = corev1.ClaimPending
	case *corev1.PersistentVolume:
		o.Status.Phase = corev1.VolumePending
	}
	if s.hasGeneration() {
		m, _ := meta.Accessor(obj)
		m.SetGeneration(1)
	}
}

func (s *strategy) PrepareForUpdate(ctx context.Context, obj, old runtime.Object) {
	if secret, ok := obj.(*corev1.Secret); ok {
		mergeStringData(secret)
	}
	if !s.k.status {
		s.bumpGeneration(obj, old)
		return
	}
	newStatus, oldStatus := statusField(obj), statusField(old)
	if s.status {
		// only status changes: spec (every field but metadata and status) and
		// labels come from the stored object, as in the real status strategies
		nv, ov := reflect.ValueOf(obj).Elem(), reflect.ValueOf(old).Elem()
		for i := 0; i < nv.NumField(); i++ {
			switch nv.Type().Field(i).Name {
			case "TypeMeta", "ObjectMeta", "Status":
				continue
			}
			nv.Field(i).Set(ov.Field(i))
		}
		newMeta, _ := meta.Accessor(obj)
		oldMeta, _ := meta.Accessor(old)
		newMeta.SetLabels(oldMeta.GetLabels())
		return
	}
	if newStatus.IsValid() && oldStatus.IsValid() && newStatus.CanSet() {
		newStatus.Set(oldStatus)
	}
	s.bumpGeneration(obj, old)
}

func (s *strategy) bumpGeneration(obj, old runtime.Object) {
	if !s.hasGeneration() {
		return
	}
	if !apiequality.Semantic.DeepEqual(specLike(obj), specLike(old)) {
		m, _ := meta.Accessor(obj)
		o, _ := meta.Accessor(old)
		m.SetGeneration(o.GetGeneration() + 1)
	}
}

func (s *strategy) nameFunc() apimachineryvalidation.ValidateNameFunc {
	switch s.k.resource {
	case "namespaces", "services":
		return apimachineryvalidation.NameIsDNSLabel
	case "clusterroles", "clusterrolebindings", "roles", "rolebindings":
		return func(name string, prefix bool) []string { return path.IsValidPathSegmentName(name) }
	}
	return apimachineryvalidation.NameIsDNSSubdomain
}

func (s *strategy) Validate(ctx context.Context, obj runtime.Object) field.ErrorList {
	m, err := meta.Accessor(obj)
	if err != nil {
		return field.ErrorList{field.InternalError(field.NewPath("metadata"), err)}
	}
	errs := apimachineryvalidation.ValidateObjectMetaAccessor(m, s.k.namespaced, s.nameFunc(), field.NewPath("metadata"))
	return append(errs, validateKind(obj)...)
}

func (s *strategy) ValidateUpdate(ctx context.Context, obj, old runtime.Object) field.ErrorList {
	m, _ := meta.Accessor(obj)
	o, _ := meta.Accessor(old)
	errs := apimachineryvalidation.ValidateObjectMetaAccessorUpdate(m, o, field.NewPath("metadata"))
	if s.status {
		return errs
	}
	errs = append(errs, apimachineryvalidation.ValidateObjectMetaAccessor(m, s.k.namespaced, s.nameFunc(), field.NewPath("metadata"))...)
	errs = append(errs, validateKind(obj)...)
	return append(errs, validateKindUpdate(obj, old)...)
}

// CheckGracefulDelete: pods as k8s.io/kubernetes/pkg/registry/core/pod's
// strategy (the grace period asked for, else the pod's
// terminationGracePeriodSeconds; none for pods on no node or in a terminal
// phase); every other kind is deleted at once.
func (s *strategy) CheckGracefulDelete(ctx context.Context, obj runtime.Object, options *metav1.DeleteOptions) bool {
	pod, ok := obj.(*corev1.Pod)
	if !ok {
		return false
	}
	if options == nil {
		return false
	}
	period := int64(corev1.DefaultTerminationGracePeriodSeconds)
	if options.GracePeriodSeconds != nil {
		period = *options.GracePeriodSeconds
	} else if pod.Spec.TerminationGracePeriodSeconds != nil {
		period = *pod.Spec.TerminationGracePeriodSeconds
	}
	if pod.Spec.NodeName == "" || pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodSucceeded {
		period = 0
	}
	if period < 0 {
		period = 1
	}
	options.GracePeriodSeconds = &period
	return true
}

// attrs gives labels and selectable fields for list/watch field selectors.
func (s *strategy) attrs(obj runtime.Object) (labels.Set, fields.Set, error) {
	m, err := meta.Accessor(obj)
	if err != nil {
		return nil, nil, err
	}
	f := fields.Set{"metadata.name": m.GetName()}
	if s.k.namespaced {
		f["metadata.namespace"] = m.GetNamespace()
	}
	if s.k.fields != nil {
		for k, v := range s.k.fields(obj) {
			f[k] = v
		}
	}
	return labels.Set(m.GetLabels()), f, nil
}

func (s *strategy) predicate(label labels.Selector, field fields.Selector) storage.SelectionPredicate {
	return storage.SelectionPredicate{Label: label, Field: field, GetAttrs: s.attrs}
}

var _ rest.RESTCreateUpdateStrategy = &strategy{}
var _ rest.RESTGracefulDeleteStrategy = &strategy{}

// mergeStringData does what kube-apiserver's conversion of a v1 Secret to its
// internal version does (pkg/apis/core/v1/conversion.go): stringData is
// write-only, its values are merged into data (stringData wins) and it is
// never stored.
func mergeStringData(s *corev1.Secret) {
	if len(s.StringData) == 0 {
		s.StringData = nil
		return
	}
	if s.Data == nil {
		s.Data = map[string][]byte{}
	}
	for k, v := range s.StringData {
		s.Data[k] = []byte(v)
	}
	s.StringData = nil
}
