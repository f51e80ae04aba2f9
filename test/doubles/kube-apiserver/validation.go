package main

// A subset of k8s.io/kubernetes/pkg/apis/*/validation (not packaged in
// Debian), with the real field paths and messages, so that clients see the
// real 422 Invalid Status for the common mistakes: workload selectors that do
// not match their template, missing containers, names and images, bad ports,
// bad config keys, both PDB bounds set, and immutable selectors.

import (

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func validateKind(obj runtime.Object) field.ErrorList {
	spec := field.NewPath("spec")
	switch o := obj.(type) {
	case *appsv1.Deployment:
		errs := validateReplicas(o.Spec.Replicas, spec.Child("replicas"))
		return append(errs, validateWorkload(o.Spec.Selector, &o.Spec.Template, spec, "deployment", []corev1.RestartPolicy{corev1.RestartPolicyAlways})...)
	case *appsv1.DaemonSet:
		return validateWorkload(o.Spec.Selector, &o.Spec.Template, spec, "daemonset", []corev1.RestartPolicy{corev1.RestartPolicyAlways})
	case *appsv1.StatefulSet:
		errs := validateReplicas(o.Spec.Replicas, spec.Child("replicas"))
		return append(errs, validateWorkload(o.Spec.Selector, &o.Spec.Template, spec, "statefulset", []corev1.RestartPolicy{corev1.RestartPolicyAlways})...)
	case *appsv1.ReplicaSet:
		errs := validateReplicas(o.Spec.Replicas, spec.Child("replicas"))
		return append(errs, validateWorkload(o.Spec.Selector, &o.Spec.Template, spec, "replicaset", []corev1.RestartPolicy{corev1.RestartPolicyAlways})...)
	case *batchv1.Job:
		return validatePodSpec(&o.Spec.Template.Spec, spec.Child("template", "spec"), []corev1.RestartPolicy{corev1.RestartPolicyOnFailure, corev1.RestartPolicyNever})
	case *corev1.Pod:
		return validatePodSpec(&o.Spec, spec, nil)
	case *corev1.Service:
		return validateService(o)
	case *corev1.ConfigMap:
		var errs field.ErrorList
		for k := range o.Data {
			errs = append(errs, validateConfigKey(k, field.NewPath("data").Key(k))...)
		}
		for k := range o.BinaryData {
			errs = append(errs, validateConfigKey(k, field.NewPath("binaryData").Key(k))...)
			if _, dup := o.Data[k]; dup {
				errs = append(errs, field.Invalid(field.NewPath("data").Key(k), k, "duplicate of key present in binaryData"))
			}
		}
		return errs
	case *corev1.Secret:
		var errs field.ErrorList
		for k := range o.Data {
			errs = append(errs, validateConfigKey(k, field.NewPath("data").Key(k))...)
		}
		return errs
	case *policyv1.PodDisruptionBudget:
		var errs field.ErrorList
		if o.Spec.MinAvailable != nil && o.Spec.MaxUnavailable != nil {
			errs = append(errs, field.Invalid(spec, o.Spec, "minAvailable and maxUnavailable cannot be both set"))
		}
		return append(errs, metav1validation.ValidateLabelSelector(o.Spec.Selector, metav1validation.LabelSelectorValidationOptions{}, spec.Child("selector"))...)
	}
	return nil
}

func validateKindUpdate(obj, old runtime.Object) field.ErrorList {
	sel := field.NewPath("spec", "selector")
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return apimachineryvalidation.ValidateImmutableField(o.Spec.Selector, old.(*appsv1.Deployment).Spec.Selector, sel)
	case *appsv1.DaemonSet:
		return apimachineryvalidation.ValidateImmutableField(o.Spec.Selector, old.(*appsv1.DaemonSet).Spec.Selector, sel)
	case *appsv1.StatefulSet:
		return apimachineryvalidation.ValidateImmutableField(o.Spec.Selector, old.(*appsv1.StatefulSet).Spec.Selector, sel)
	case *appsv1.ReplicaSet:
		return apimachineryvalidation.ValidateImmutableField(o.Spec.Selector, old.(*appsv1.ReplicaSet).Spec.Selector, sel)
	case *corev1.Pod:
		// as ValidatePodUpdate: only images and a few fields may change; here,
		// containers other than their image are immutable
		oldPod := old.(*corev1.Pod)
		a, b := o.Spec.DeepCopy(), oldPod.Spec.DeepCopy()
		for i := range a.Containers {
			if i < len(b.Containers) {
				a.Containers[i].Image = b.Containers[i].Image
			}
		}
		a.ActiveDeadlineSeconds, a.Tolerations = b.ActiveDeadlineSeconds, b.Tolerations
		if !apiequality.Semantic.DeepEqual(a, b) {
			return field.ErrorList{field.Forbidden(field.NewPath("spec"), "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")}
		}
	case *corev1.ConfigMap:
		if old.(*corev1.ConfigMap).Immutable != nil && *old.(*corev1.ConfigMap).Immutable {
			if !apiequality.Semantic.DeepEqual(o.Data, old.(*corev1.ConfigMap).Data) || !apiequality.Semantic.DeepEqual(o.BinaryData, old.(*corev1.ConfigMap).BinaryData) {
				return field.ErrorList{field.Forbidden(field.NewPath("data"), "field is immutable when `immutable` is set")}
			}
		}
	}
	return nil
}

func validateReplicas(r *int32, p *field.Path) field.ErrorList {
	if r != nil && *r < 0 {
		return apimachineryvalidation.ValidateNonnegativeField(int64(*r), p)
	}
	return nil
}

func validateWorkload(selector *metav1.LabelSelector, template *corev1.PodTemplateSpec, spec *field.Path, what string, restart []corev1.RestartPolicy) field.ErrorList {
	var errs field.ErrorList
	if selector == nil {
		errs = append(errs, field.Required(spec.Child("selector"), ""))
	} else {
		errs = append(errs, metav1validation.ValidateLabelSelector(selector, metav1validation.LabelSelectorValidationOptions{}, spec.Child("selector"))...)
		if len(selector.MatchLabels)+len(selector.MatchExpressions) == 0 {
			errs = append(errs, field.Invalid(spec.Child("selector"), selector, "empty selector is invalid for "+what))
		}
	}
	errs = append(errs, metav1validation.ValidateLabels(template.Labels, spec.Child("template", "metadata", "labels"))...)
	if selector != nil {
		s, err := metav1.LabelSelectorAsSelector(selector)
		if err == nil && !s.Empty() && !s.Matches(labels.Set(template.Labels)) {
			errs = append(errs, field.Invalid(spec.Child("template", "metadata", "labels"), template.Labels, "`selector` does not match template `labels`"))
		}
	}
	return append(errs, validatePodSpec(&template.Spec, spec.Child("template", "spec"), restart)...)
}

func validatePodSpec(spec *corev1.PodSpec, p *field.Path, restart []corev1.RestartPolicy) field.ErrorList {
	var errs field.ErrorList
	if len(spec.Containers) == 0 {
		errs = append(errs, field.Required(p.Child("containers"), ""))
	}
	seen := sets.New[string]()
	check := func(cs []corev1.Container, cp *field.Path) {
		for i, c := range cs {
			ip := cp.Index(i)
			if c.Name == "" {
				errs = append(errs, field.Required(ip.Child("name"), ""))
			} else {
				for _, msg := range validation.IsDNS1123Label(c.Name) {
					errs = append(errs, field.Invalid(ip.Child("name"), c.Name, msg))
				}
				if seen.Has(c.Name) {
					errs = append(errs, field.Duplicate(ip.Child("name"), c.Name))
				}
				seen.Insert(c.Name)
			}
			if c.Image == "" {
				errs = append(errs, field.Required(ip.Child("image"), ""))
			}
			ports := sets.New[string]()
			for j, port := range c.Ports {
				pp := ip.Child("ports").Index(j)
				for _, msg := range validation.IsValidPortNum(int(port.ContainerPort)) {
					errs = append(errs, field.Invalid(pp.Child("containerPort"), port.ContainerPort, msg))
				}
				if port.Name != "" {
					if ports.Has(port.Name) {
						errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
					}
					ports.Insert(port.Name)
				}
				if port.Protocol != "" && port.Protocol != corev1.ProtocolTCP && port.Protocol != corev1.ProtocolUDP && port.Protocol != corev1.ProtocolSCTP {
					errs = append(errs, field.NotSupported(pp.Child("protocol"), port.Protocol, []corev1.Protocol{corev1.ProtocolSCTP, corev1.ProtocolTCP, corev1.ProtocolUDP}))
				}
			}
		}
	}
	check(spec.InitContainers, p.Child("initContainers"))
	check(spec.Containers, p.Child("containers"))
	if restart != nil && spec.RestartPolicy != "" {
		ok := false
		for _, r := range restart {
			ok = ok || r == spec.RestartPolicy
		}
		if !ok {
			errs = append(errs, field.NotSupported(p.Child("restartPolicy"), spec.RestartPolicy, restart))
		}
	}
	return errs
}

func validateService(svc *corev1.Service) field.ErrorList {
	var errs field.ErrorList
	sp := field.NewPath("spec")
	types := []corev1.ServiceType{corev1.ServiceTypeClusterIP, corev1.ServiceTypeExternalName, corev1.ServiceTypeLoadBalancer, corev1.ServiceTypeNodePort}
	okType := false
	for _, t := range types {
		okType = okType || t == svc.Spec.Type
	}
	if !okType {
		errs = append(errs, field.NotSupported(sp.Child("type"), svc.Spec.Type, types))
	}
	if len(svc.Spec.Ports) == 0 && svc.Spec.Type != corev1.ServiceTypeExternalName && svc.Spec.ClusterIP != corev1.ClusterIPNone {
		errs = append(errs, field.Required(sp.Child("ports"), ""))
	}
	if svc.Spec.Type == corev1.ServiceTypeExternalName && svc.Spec.ExternalName == "" {
		errs = append(errs, field.Required(sp.Child("externalName"), ""))
	}
	names := sets.New[string]()
	for i, port := range svc.Spec.Ports {
		pp := sp.Child("ports").Index(i)
		if len(svc.Spec.Ports) > 1 && port.Name == "" {
			errs = append(errs, field.Required(pp.Child("name"), ""))
		}
		if port.Name != "" {
			if names.Has(port.Name) {
				errs = append(errs, field.Duplicate(pp.Child("name"), port.Name))
			}
			names.Insert(port.Name)
		}
		for _, msg := range validation.IsValidPortNum(int(port.Port)) {
			errs = append(errs, field.Invalid(pp.Child("port"), port.Port, msg))
		}
	}
	return errs
}

func validateConfigKey(k string, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsConfigMapKey(k) {
		errs = append(errs, field.Invalid(p, k, msg))
	}
	return errs
}

