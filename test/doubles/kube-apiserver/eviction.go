package main

// pods/eviction (policy/v1 Eviction), after
// k8s.io/kubernetes/pkg/registry/core/pod/storage/eviction.go: a pod covered
// by exactly one PodDisruptionBudget is deleted only while the budget's
// status.disruptionsAllowed is above 0 (and then decremented, with the pod
// recorded in status.disruptedPods); otherwise 429 TooManyRequests with a
// DisruptionBudget cause. Pods that are terminal, pending or already being
// deleted are deleted without looking at budgets; more than one budget is a
// 500 as in the real server. No controller computes a budget's status here:
// disruptionsAllowed is whatever was written to poddisruptionbudgets/status.

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metainternalversion "k8s.io/apimachinery/pkg/apis/meta/internalversion"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	genericregistry "k8s.io/apiserver/pkg/registry/generic/registry"
	"k8s.io/apiserver/pkg/registry/rest"
	"k8s.io/apimachinery/pkg/util/wait"
)

type evictionREST struct {
	pods      *genericregistry.Store
	pdbs      *genericregistry.Store
	pdbStatus *genericregistry.Store
}

var _ rest.NamedCreater = &evictionREST{}
var _ rest.GroupVersionKindProvider = &evictionREST{}

func (r *evictionREST) New() runtime.Object { return &policyv1.Eviction{} }
func (r *evictionREST) Destroy()            {}
func (r *evictionREST) GroupVersionKind(schema.GroupVersion) schema.GroupVersionKind {
	return policyv1.SchemeGroupVersion.WithKind("Eviction")
}

func (r *evictionREST) Create(ctx context.Context, name string, obj runtime.Object, createValidation rest.ValidateObjectFunc, options *metav1.CreateOptions) (runtime.Object, error) {
	eviction, ok := obj.(*policyv1.Eviction)
	if !ok {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("not a Eviction object: %T", obj))
	}
	if name != eviction.Name {
		return nil, apierrors.NewBadRequest("name in URL does not match name in Eviction object")
	}
	deleteOptions := &metav1.DeleteOptions{}
	if eviction.DeleteOptions != nil {
		deleteOptions = eviction.DeleteOptions.DeepCopy()
	}
	if len(options.DryRun) > 0 {
		deleteOptions.DryRun = options.DryRun
	}
	if createValidation != nil {
		if err := createValidation(ctx, eviction.DeepCopyObject()); err != nil {
			return nil, err
		}
	}
	podObj, err := r.pods.Get(ctx, eviction.Name, &metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	pod := podObj.(*corev1.Pod)
	if pod.DeletionTimestamp != nil || pod.Status.Phase == corev1.PodSucceeded || pod.Status.Phase == corev1.PodFailed || pod.Status.Phase == corev1.PodPending {
		return r.deletePod(ctx, pod, deleteOptions)
	}
	pdbs, err := r.matchingPDBs(ctx, pod)
	if err != nil {
		return nil, err
	}
	if len(pdbs) > 1 {
		return nil, apierrors.NewInternalError(fmt.Errorf("This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."))
	}
	if len(pdbs) == 0 {
		return r.deletePod(ctx, pod, deleteOptions)
	}
	pdb := pdbs[0]
	if !podReady(pod) && pdb.Spec.UnhealthyPodEvictionPolicy != nil && *pdb.Spec.UnhealthyPodEvictionPolicy == policyv1.AlwaysAllow {
		return r.deletePod(ctx, pod, deleteOptions)
	}
	if !podReady(pod) && pdb.Status.CurrentHealthy >= pdb.Status.DesiredHealthy && pdb.Status.DesiredHealthy > 0 {
		return r.deletePod(ctx, pod, deleteOptions)
	}
	var refused error
	err = wait.ExponentialBackoff(wait.Backoff{Steps: 5, Duration: 10 * time.Millisecond, Factor: 1, Jitter: 0.1}, func() (bool, error) {
		refused = nil
		current, err := r.pdbs.Get(ctx, pdb.Name, &metav1.GetOptions{})
		if err != nil {
			return false, err
		}
		p := current.(*policyv1.PodDisruptionBudget).DeepCopy()
		if p.Status.ObservedGeneration < p.Generation {
			refused = tooManyRequests(fmt.Sprintf("The disruption budget %s is still being processed by the server.", p.Name))
			return true, nil
		}
		if p.Status.DisruptionsAllowed < 0 {
			refused = apierrors.NewForbidden(policyv1.Resource("poddisruptionbudget"), p.Name, fmt.Errorf("pdb disruptions allowed is negative"))
			return true, nil
		}
		if p.Status.DisruptionsAllowed == 0 {
			refused = tooManyRequests(fmt.Sprintf("The disruption budget %s needs %d healthy pods and has %d currently", p.Name, p.Status.DesiredHealthy, p.Status.CurrentHealthy))
			return true, nil
		}
		p.Status.DisruptionsAllowed--
		if p.Status.DisruptedPods == nil {
			p.Status.DisruptedPods = map[string]metav1.Time{}
		}
		p.Status.DisruptedPods[pod.Name] = metav1.Time{Time: time.Now()}
		if len(deleteOptions.DryRun) > 0 {
			return true, nil
		}
		_, _, err = r.pdbStatus.Update(ctx, p.Name, rest.DefaultUpdatedObjectInfo(p), rest.ValidateAllObjectFunc, rest.ValidateAllObjectUpdateFunc, false, &metav1.UpdateOptions{})
		if apierrors.IsConflict(err) {
			return false, nil
		}
		return err == nil, err
	})
	if err != nil {
		return nil, err
	}
	if refused != nil {
		return nil, refused
	}
	return r.deletePod(ctx, pod, deleteOptions)
}

func tooManyRequests(cause string) error {
	err := apierrors.NewTooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0)
	err.ErrStatus.Details.Causes = append(err.ErrStatus.Details.Causes, metav1.StatusCause{Type: policyv1.DisruptionBudgetCause, Message: cause})
	return err
}

func (r *evictionREST) deletePod(ctx context.Context, pod *corev1.Pod, options *metav1.DeleteOptions) (runtime.Object, error) {
	if options.Preconditions == nil {
		options.Preconditions = &metav1.Preconditions{UID: &pod.UID}
	}
	if _, _, err := r.pods.Delete(ctx, pod.Name, rest.ValidateAllObjectFunc, options); err != nil {
		return nil, err
	}
	return &metav1.Status{Status: metav1.StatusSuccess}, nil
}

func (r *evictionREST) matchingPDBs(ctx context.Context, pod *corev1.Pod) ([]*policyv1.PodDisruptionBudget, error) {
	list, err := r.pdbs.List(ctx, &metainternalversion.ListOptions{})
	if err != nil {
		return nil, err
	}
	var out []*policyv1.PodDisruptionBudget
	for i := range list.(*policyv1.PodDisruptionBudgetList).Items {
		pdb := &list.(*policyv1.PodDisruptionBudgetList).Items[i]
		if pdb.Spec.Selector == nil {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err != nil || sel.Empty() || !sel.Matches(labels.Set(pod.Labels)) {
			continue
		}
		out = append(out, pdb)
	}
	return out, nil
}

func podReady(pod *corev1.Pod) bool {
	for _, c := range pod.Status.Conditions {
		if c.Type == corev1.PodReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}
