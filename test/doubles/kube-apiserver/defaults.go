package main

// Defaulting for the kinds clusters work with most, written after
// k8s.io/kubernetes/pkg/apis/{core,apps}/v1/defaults.go (not packaged in
// Debian): the values a real API server fills in, so that what a client reads
// back and what server-side apply compares look like a real cluster's. Kinds
// not listed here get no defaults.

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

func ptr[T any](v T) *T { return &v }

func addDefaults(s *runtime.Scheme) {
	s.AddTypeDefaultingFunc(&corev1.Pod{}, func(o interface{}) {
		p := o.(*corev1.Pod)
		defaultPodSpec(&p.Spec)
		if p.Spec.EnableServiceLinks == nil {
			p.Spec.EnableServiceLinks = ptr(corev1.DefaultEnableServiceLinks)
		}
	})
	s.AddTypeDefaultingFunc(&corev1.PodList{}, func(o interface{}) {
		for i := range o.(*corev1.PodList).Items {
			s.Default(&o.(*corev1.PodList).Items[i])
		}
	})
	s.AddTypeDefaultingFunc(&appsv1.Deployment{}, func(o interface{}) {
		d := o.(*appsv1.Deployment)
		if d.Spec.Replicas == nil {
			d.Spec.Replicas = ptr(int32(1))
		}
		st := &d.Spec.Strategy
		if st.Type == "" {
			st.Type = appsv1.RollingUpdateDeploymentStrategyType
		}
		if st.Type == appsv1.RollingUpdateDeploymentStrategyType {
			if st.RollingUpdate == nil {
				st.RollingUpdate = &appsv1.RollingUpdateDeployment{}
			}
			if st.RollingUpdate.MaxUnavailable == nil {
				st.RollingUpdate.MaxUnavailable = ptr(intstr.FromString("25%"))
			}
			if st.RollingUpdate.MaxSurge == nil {
				st.RollingUpdate.MaxSurge = ptr(intstr.FromString("25%"))
			}
		}
		if d.Spec.RevisionHistoryLimit == nil {
			d.Spec.RevisionHistoryLimit = ptr(int32(10))
		}
		if d.Spec.ProgressDeadlineSeconds == nil {
			d.Spec.ProgressDeadlineSeconds = ptr(int32(600))
		}
		defaultPodSpec(&d.Spec.Template.Spec)
	})
	s.AddTypeDefaultingFunc(&appsv1.DaemonSet{}, func(o interface{}) {
		d := o.(*appsv1.DaemonSet)
		u := &d.Spec.UpdateStrategy
		if u.Type == "" {
			u.Type = appsv1.RollingUpdateDaemonSetStrategyType
		}
		if u.Type == appsv1.RollingUpdateDaemonSetStrategyType {
			if u.RollingUpdate == nil {
				u.RollingUpdate = &appsv1.RollingUpdateDaemonSet{}
			}
			if u.RollingUpdate.MaxUnavailable == nil {
				u.RollingUpdate.MaxUnavailable = ptr(intstr.FromInt32(1))
			}
			if u.RollingUpdate.MaxSurge == nil {
				u.RollingUpdate.MaxSurge = ptr(intstr.FromInt32(0))
			}
		}
		if d.Spec.RevisionHistoryLimit == nil {
			d.Spec.RevisionHistoryLimit = ptr(int32(10))
		}
		defaultPodSpec(&d.Spec.Template.Spec)
	})
	s.AddTypeDefaultingFunc(&appsv1.StatefulSet{}, func(o interface{}) {
		st := o.(*appsv1.StatefulSet)
		if st.Spec.Replicas == nil {
			st.Spec.Replicas = ptr(int32(1))
		}
		if st.Spec.PodManagementPolicy == "" {
			st.Spec.PodManagementPolicy = appsv1.OrderedReadyPodManagement
		}
		if st.Spec.UpdateStrategy.Type == "" {
			st.Spec.UpdateStrategy.Type = appsv1.RollingUpdateStatefulSetStrategyType
		}
		if st.Spec.UpdateStrategy.Type == appsv1.RollingUpdateStatefulSetStrategyType {
			if st.Spec.UpdateStrategy.RollingUpdate == nil {
				st.Spec.UpdateStrategy.RollingUpdate = &appsv1.RollingUpdateStatefulSetStrategy{}
			}
			if st.Spec.UpdateStrategy.RollingUpdate.Partition == nil {
				st.Spec.UpdateStrategy.RollingUpdate.Partition = ptr(int32(0))
			}
		}
		if st.Spec.RevisionHistoryLimit == nil {
			st.Spec.RevisionHistoryLimit = ptr(int32(10))
		}
		if st.Spec.PersistentVolumeClaimRetentionPolicy == nil {
			st.Spec.PersistentVolumeClaimRetentionPolicy = &appsv1.StatefulSetPersistentVolumeClaimRetentionPolicy{
				WhenDeleted: appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
				WhenScaled:  appsv1.RetainPersistentVolumeClaimRetentionPolicyType,
			}
		}
		defaultPodSpec(&st.Spec.Template.Spec)
	})
	s.AddTypeDefaultingFunc(&appsv1.ReplicaSet{}, func(o interface{}) {
		rs := o.(*appsv1.ReplicaSet)
		if rs.Spec.Replicas == nil {
			rs.Spec.Replicas = ptr(int32(1))
		}
		defaultPodSpec(&rs.Spec.Template.Spec)
	})
	s.AddTypeDefaultingFunc(&corev1.Service{}, func(o interface{}) {
		svc := o.(*corev1.Service)
		if svc.Spec.SessionAffinity == "" {
			svc.Spec.SessionAffinity = corev1.ServiceAffinityNone
		}
		if svc.Spec.Type == "" {
			svc.Spec.Type = corev1.ServiceTypeClusterIP
		}
		for i := range svc.Spec.Ports {
			p := &svc.Spec.Ports[i]
			if p.Protocol == "" {
				p.Protocol = corev1.ProtocolTCP
			}
			if p.TargetPort == intstr.FromInt32(0) || p.TargetPort == intstr.FromString("") {
				p.TargetPort = intstr.FromInt32(p.Port)
			}
		}
		if svc.Spec.Type != corev1.ServiceTypeExternalName && svc.Spec.InternalTrafficPolicy == nil {
			svc.Spec.InternalTrafficPolicy = ptr(corev1.ServiceInternalTrafficPolicyCluster)
		}
	})
	s.AddTypeDefaultingFunc(&corev1.Secret{}, func(o interface{}) {
		if sec := o.(*corev1.Secret); sec.Type == "" {
			sec.Type = corev1.SecretTypeOpaque
		}
	})
	s.AddTypeDefaultingFunc(&corev1.PersistentVolumeClaim{}, func(o interface{}) {
		if pvc := o.(*corev1.PersistentVolumeClaim); pvc.Spec.VolumeMode == nil {
			pvc.Spec.VolumeMode = ptr(corev1.PersistentVolumeFilesystem)
		}
	})
	s.AddTypeDefaultingFunc(&corev1.PersistentVolume{}, func(o interface{}) {
		pv := o.(*corev1.PersistentVolume)
		if pv.Spec.PersistentVolumeReclaimPolicy == "" {
			pv.Spec.PersistentVolumeReclaimPolicy = corev1.PersistentVolumeReclaimRetain
		}
		if pv.Spec.VolumeMode == nil {
			pv.Spec.VolumeMode = ptr(corev1.PersistentVolumeFilesystem)
		}
	})
	s.AddTypeDefaultingFunc(&discoveryv1.EndpointSlice{}, func(o interface{}) {
		es := o.(*discoveryv1.EndpointSlice)
		for i := range es.Ports {
			if es.Ports[i].Protocol == nil {
				es.Ports[i].Protocol = ptr(corev1.ProtocolTCP)
			}
		}
	})
}

func defaultPodSpec(spec *corev1.PodSpec) {
	if spec.DNSPolicy == "" {
		spec.DNSPolicy = corev1.DNSClusterFirst
	}
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = corev1.RestartPolicyAlways
	}
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = ptr(int64(corev1.DefaultTerminationGracePeriodSeconds))
	}
	if spec.SecurityContext == nil {
		spec.SecurityContext = &corev1.PodSecurityContext{}
	}
	if spec.SchedulerName == "" {
		spec.SchedulerName = corev1.DefaultSchedulerName
	}
	for i := range spec.InitContainers {
		defaultContainer(&spec.InitContainers[i])
	}
	for i := range spec.Containers {
		defaultContainer(&spec.Containers[i])
	}
}

func defaultContainer(c *corev1.Container) {
	if c.TerminationMessagePath == "" {
		c.TerminationMessagePath = corev1.TerminationMessagePathDefault
	}
	if c.TerminationMessagePolicy == "" {
		c.TerminationMessagePolicy = corev1.TerminationMessageReadFile
	}
	if c.ImagePullPolicy == "" {
		// as SetDefaults_Container: Always for :latest or no tag, else IfNotPresent
		image := c.Image
		if i := strings.Index(image, "@"); i >= 0 {
			c.ImagePullPolicy = corev1.PullIfNotPresent
		} else {
			tag := ""
			if j := strings.LastIndex(image, ":"); j >= 0 && !strings.Contains(image[j:], "/") {
				tag = image[j+1:]
			}
			if tag == "" || tag == "latest" {
				c.ImagePullPolicy = corev1.PullAlways
			} else {
				c.ImagePullPolicy = corev1.PullIfNotPresent
			}
		}
	}
	for i := range c.Ports {
		if c.Ports[i].Protocol == "" {
			c.Ports[i].Protocol = corev1.ProtocolTCP
		}
	}
}

// qosClass as k8s.io/kubernetes/pkg/apis/core/v1/helper/qos, simplified to
// cpu and memory of the regular containers.
func qosClass(spec *corev1.PodSpec) corev1.PodQOSClass {
	any, guaranteed := false, true
	for _, c := range spec.Containers {
		for _, r := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory} {
			req, hasReq := c.Resources.Requests[r]
			lim, hasLim := c.Resources.Limits[r]
			if hasReq || hasLim {
				any = true
			}
			if !hasLim || (hasReq && req.Cmp(lim) != 0) {
				guaranteed = false
			}
		}
	}
	switch {
	case !any:
		return corev1.PodQOSBestEffort
	case guaranteed:
		return corev1.PodQOSGuaranteed
	}
	return corev1.PodQOSBurstable
}
