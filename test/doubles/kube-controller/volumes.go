package main

// Volumes: the persistent volume controller plus a provisioner that makes
// volumes of nothing.
//
// A PersistentVolumeClaim with no storageClassName gets the default
// StorageClass (annotation storageclass.kubernetes.io/is-default-class or
// its beta twin "true"; the newest when several), written to its spec as
// the real controller's retroactive default assignment does; with none it
// stays class-less. Binding, for a Pending claim:
//
//  1. spec.volumeName names a PV: that one (if it is Available or claimed
//     by this claim);
//  2. else the smallest Available PV of the claim's class ("" matches "")
//     with enough capacity, the claim's access modes and volume mode, and
//     labels matching the claim's selector;
//  3. else, when the class exists and its provisioner is not
//     kubernetes.io/no-provisioner, a new PV pvc-<claim uid> of the
//     requested size (hostPath /var/lib/tsplay-kube-controller/pvc-<uid>,
//     which nothing creates; reclaimPolicy, mountOptions from the class;
//     annotation pv.kubernetes.io/provisioned-by). WaitForFirstConsumer
//     classes wait for the scheduler's volume.kubernetes.io/selected-node
//     and the PV gets a node affinity to that node.
//
// Bound: the PV gets claimRef and phase Bound; the claim gets volumeName,
// the annotations pv.kubernetes.io/bind-completed and bound-by-controller,
// and status Bound with the PV's capacity and access modes. A class that
// does not exist leaves the claim Pending (event ProvisioningFailed).
//
// PVs: a new PV with no claim becomes Available; a bound PV whose claim is
// gone is deleted (reclaimPolicy Delete) or Released (Retain, Recycle).

import (
	"context"
	"fmt"
	"sort"

	corev1 "k8s.io/api/core/v1"
	storagev1 "k8s.io/api/storage/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

const (
	annoDefaultClass     = "storageclass.kubernetes.io/is-default-class"
	annoBetaDefaultClass = "storageclass.beta.kubernetes.io/is-default-class"
	annoProvisionedBy    = "pv.kubernetes.io/provisioned-by"
	annoBindCompleted    = "pv.kubernetes.io/bind-completed"
	annoBoundByCtl       = "pv.kubernetes.io/bound-by-controller"
	annoProvisioner      = "volume.kubernetes.io/storage-provisioner"
	annoBetaProvisioner  = "volume.beta.kubernetes.io/storage-provisioner"
	noProvisioner        = "kubernetes.io/no-provisioner"
)

func (c *ctl) setupVolumes() {
	claims := c.newLoop("volumes", c.syncClaim)
	volumes := c.newLoop("persistentvolumes", c.syncVolume)
	pending := func() {
		all, _ := c.pvcs.List(labels.Everything())
		for _, pvc := range all {
			if pvc.Status.Phase != corev1.ClaimBound {
				claims.addObj(pvc)
			}
		}
	}
	_, _ = c.informer(corev1.SchemeGroupVersion.WithResource("persistentvolumeclaims")).AddEventHandler(on(func(obj interface{}) {
		claims.addObj(obj)
		if pvc, ok := obj.(*corev1.PersistentVolumeClaim); ok && pvc.Spec.VolumeName != "" {
			volumes.add(pvc.Spec.VolumeName)
		}
	}))
	_, _ = c.informer(corev1.SchemeGroupVersion.WithResource("persistentvolumes")).AddEventHandler(on(func(obj interface{}) {
		volumes.addObj(obj)
		pending()
	}))
	_, _ = c.informer(storagev1.SchemeGroupVersion.WithResource("storageclasses")).AddEventHandler(on(func(interface{}) { pending() }))
}

func isDefaultClass(sc *storagev1.StorageClass) bool {
	return sc.Annotations[annoDefaultClass] == "true" || sc.Annotations[annoBetaDefaultClass] == "true"
}

func (c *ctl) defaultClass() *storagev1.StorageClass {
	all, _ := c.storageClasses.List(labels.Everything())
	var best *storagev1.StorageClass
	for _, sc := range all {
		if isDefaultClass(sc) && (best == nil || best.CreationTimestamp.Before(&sc.CreationTimestamp)) {
			best = sc
		}
	}
	return best
}

// claimClass: the claim's StorageClass (the default when it names none), or nil.
func (c *ctl) claimClass(pvc *corev1.PersistentVolumeClaim) *storagev1.StorageClass {
	if pvc.Spec.StorageClassName == nil {
		return c.defaultClass()
	}
	if *pvc.Spec.StorageClassName == "" {
		return nil
	}
	sc, err := c.storageClasses.Get(*pvc.Spec.StorageClassName)
	if err != nil {
		return nil
	}
	return sc
}

func (c *ctl) syncClaim(ctx context.Context, key string) error {
	ns, name := split(key)
	pvc, err := c.pvcs.PersistentVolumeClaims(ns).Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil || pvc.DeletionTimestamp != nil {
		return err
	}
	if pvc.Spec.StorageClassName == nil {
		sc := c.defaultClass()
		if sc == nil {
			return c.bindClaim(ctx, pvc, "")
		}
		u := pvc.DeepCopy()
		u.Spec.StorageClassName = &sc.Name
		_, err := c.client.CoreV1().PersistentVolumeClaims(ns).Update(ctx, u, metav1.UpdateOptions{})
		return err // the update requeues the claim
	}
	return c.bindClaim(ctx, pvc, *pvc.Spec.StorageClassName)
}

func (c *ctl) bindClaim(ctx context.Context, pvc *corev1.PersistentVolumeClaim, class string) error {
	if pvc.Spec.VolumeName != "" {
		pv, err := c.pvs.Get(pvc.Spec.VolumeName)
		if apierrors.IsNotFound(err) {
			return c.claimStatus(ctx, pvc, nil, corev1.ClaimPending) // its volume is missing: Pending (Lost in a real cluster once it was bound)
		}
		if err != nil {
			return err
		}
		if ref := pv.Spec.ClaimRef; ref != nil && (ref.Namespace != pvc.Namespace || ref.Name != pvc.Name || (ref.UID != "" && ref.UID != pvc.UID)) {
			return nil // the volume is someone else's
		}
		return c.bind(ctx, pvc, pv)
	}
	if pv := c.findVolume(pvc, class); pv != nil {
		return c.bind(ctx, pvc, pv)
	}
	if class == "" {
		return nil
	}
	sc, err := c.storageClasses.Get(class)
	if apierrors.IsNotFound(err) {
		if pvc.Status.Phase == "" {
			return c.claimStatus(ctx, pvc, nil, corev1.ClaimPending)
		}
		c.event(pvc, "PersistentVolumeClaim", "v1", "persistentvolume-controller", corev1.EventTypeWarning, "ProvisioningFailed",
			fmt.Sprintf("storageclass.storage.k8s.io %q not found", class))
		return nil
	}
	if err != nil || sc.Provisioner == noProvisioner {
		return err
	}
	node := ""
	if sc.VolumeBindingMode != nil && *sc.VolumeBindingMode == storagev1.VolumeBindingWaitForFirstConsumer {
		if node = pvc.Annotations[annoSelectedNode]; node == "" {
			return nil // waits for a pod to be scheduled
		}
	}
	if pvc.Annotations[annoProvisioner] != sc.Provisioner {
		u := pvc.DeepCopy()
		if u.Annotations == nil {
			u.Annotations = map[string]string{}
		}
		u.Annotations[annoProvisioner], u.Annotations[annoBetaProvisioner] = sc.Provisioner, sc.Provisioner
		_, err := c.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).Update(ctx, u, metav1.UpdateOptions{})
		return err // the update requeues the claim
	}
	pv, err := c.provision(ctx, pvc, sc, node)
	if err != nil {
		return err
	}
	return c.bind(ctx, pvc, pv)
}

// findVolume: the smallest Available PV that satisfies the claim.
func (c *ctl) findVolume(pvc *corev1.PersistentVolumeClaim, class string) *corev1.PersistentVolume {
	all, _ := c.pvs.List(labels.Everything())
	want := pvc.Spec.Resources.Requests[corev1.ResourceStorage]
	var sel labels.Selector
	if pvc.Spec.Selector != nil {
		s, err := metav1.LabelSelectorAsSelector(pvc.Spec.Selector)
		if err != nil {
			return nil
		}
		sel = s
	}
	var fit []*corev1.PersistentVolume
	for _, pv := range all {
		if pv.Spec.StorageClassName != class || pv.DeletionTimestamp != nil || pv.Status.Phase == corev1.VolumeReleased || pv.Status.Phase == corev1.VolumeFailed {
			continue
		}
		if ref := pv.Spec.ClaimRef; ref != nil && !(ref.Namespace == pvc.Namespace && ref.Name == pvc.Name && (ref.UID == "" || ref.UID == pvc.UID)) {
			continue
		}
		if got := pv.Spec.Capacity[corev1.ResourceStorage]; got.Cmp(want) < 0 {
			continue
		}
		if volumeMode(pv.Spec.VolumeMode) != volumeMode(pvc.Spec.VolumeMode) || !hasModes(pv.Spec.AccessModes, pvc.Spec.AccessModes) {
			continue
		}
		if sel != nil && !sel.Matches(labels.Set(pv.Labels)) {
			continue
		}
		fit = append(fit, pv)
	}
	if len(fit) == 0 {
		return nil
	}
	sort.Slice(fit, func(i, j int) bool {
		a, b := fit[i].Spec.Capacity[corev1.ResourceStorage], fit[j].Spec.Capacity[corev1.ResourceStorage]
		return a.Cmp(b) < 0
	})
	return fit[0]
}

func volumeMode(m *corev1.PersistentVolumeMode) corev1.PersistentVolumeMode {
	if m == nil {
		return corev1.PersistentVolumeFilesystem
	}
	return *m
}

func hasModes(have, want []corev1.PersistentVolumeAccessMode) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}

func (c *ctl) provision(ctx context.Context, pvc *corev1.PersistentVolumeClaim, sc *storagev1.StorageClass, node string) (*corev1.PersistentVolume, error) {
	name := "pvc-" + string(pvc.UID)
	if pv, err := c.pvs.Get(name); err == nil {
		return pv, nil
	}
	reclaim := corev1.PersistentVolumeReclaimDelete
	if sc.ReclaimPolicy != nil {
		reclaim = *sc.ReclaimPolicy
	}
	dirType := corev1.HostPathDirectoryOrCreate
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name, Annotations: map[string]string{annoProvisionedBy: sc.Provisioner}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: pvc.Spec.Resources.Requests[corev1.ResourceStorage]},
			AccessModes:                   pvc.Spec.AccessModes,
			VolumeMode:                    pvc.Spec.VolumeMode,
			StorageClassName:              sc.Name,
			PersistentVolumeReclaimPolicy: reclaim,
			MountOptions:                  sc.MountOptions,
			ClaimRef:                      &corev1.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1", Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID, ResourceVersion: pvc.ResourceVersion},
			PersistentVolumeSource:        corev1.PersistentVolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/lib/tsplay-kube-controller/" + name, Type: &dirType}},
		},
	}
	if node != "" {
		pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{NodeSelectorTerms: []corev1.NodeSelectorTerm{{
			MatchExpressions: []corev1.NodeSelectorRequirement{{Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{node}}},
		}}}}
	}
	created, err := c.client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return c.client.CoreV1().PersistentVolumes().Get(ctx, name, metav1.GetOptions{})
	}
	if err != nil {
		return nil, err
	}
	c.event(pvc, "PersistentVolumeClaim", "v1", "persistentvolume-controller", corev1.EventTypeNormal, "ProvisioningSucceeded",
		fmt.Sprintf("Successfully provisioned volume %s", name))
	return created, nil
}

// bind: the PV's claimRef and phase, then the claim's volumeName,
// annotations and status.
func (c *ctl) bind(ctx context.Context, pvc *corev1.PersistentVolumeClaim, pv *corev1.PersistentVolume) error {
	if ref := pv.Spec.ClaimRef; ref == nil || ref.UID != pvc.UID {
		u := pv.DeepCopy()
		u.Spec.ClaimRef = &corev1.ObjectReference{Kind: "PersistentVolumeClaim", APIVersion: "v1", Namespace: pvc.Namespace, Name: pvc.Name, UID: pvc.UID, ResourceVersion: pvc.ResourceVersion}
		if u.Annotations == nil {
			u.Annotations = map[string]string{}
		}
		u.Annotations[annoBoundByCtl] = "yes"
		var err error
		if pv, err = c.client.CoreV1().PersistentVolumes().Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	if pv.Status.Phase != corev1.VolumeBound {
		u := pv.DeepCopy()
		u.Status.Phase = corev1.VolumeBound
		u.Status.Reason, u.Status.Message = "", ""
		if _, err := c.client.CoreV1().PersistentVolumes().UpdateStatus(ctx, u, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	if pvc.Spec.VolumeName != pv.Name || pvc.Annotations[annoBindCompleted] != "yes" {
		u := pvc.DeepCopy()
		if u.Annotations == nil {
			u.Annotations = map[string]string{}
		}
		if u.Spec.VolumeName == "" {
			u.Annotations[annoBoundByCtl] = "yes"
		}
		u.Annotations[annoBindCompleted] = "yes"
		u.Spec.VolumeName = pv.Name
		var err error
		if pvc, err = c.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).Update(ctx, u, metav1.UpdateOptions{}); err != nil {
			return err
		}
	}
	return c.claimStatus(ctx, pvc, pv, corev1.ClaimBound)
}

func (c *ctl) claimStatus(ctx context.Context, pvc *corev1.PersistentVolumeClaim, pv *corev1.PersistentVolume, phase corev1.PersistentVolumeClaimPhase) error {
	u := pvc.DeepCopy()
	u.Status.Phase = phase
	if pv != nil {
		u.Status.Capacity = pv.Spec.Capacity.DeepCopy()
		u.Status.AccessModes = pv.Spec.AccessModes
	}
	if apiequality.Semantic.DeepEqual(pvc.Status, u.Status) {
		return nil
	}
	_, err := c.client.CoreV1().PersistentVolumeClaims(pvc.Namespace).UpdateStatus(ctx, u, metav1.UpdateOptions{})
	return err
}

func (c *ctl) syncVolume(ctx context.Context, name string) error {
	pv, err := c.pvs.Get(name)
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil || pv.DeletionTimestamp != nil {
		return err
	}
	ref := pv.Spec.ClaimRef
	phase := pv.Status.Phase
	switch {
	case ref == nil:
		phase = corev1.VolumeAvailable
	case ref.UID == "":
		phase = corev1.VolumeAvailable // pre-bound to a claim by name: waits for it
	default:
		pvc, err := c.pvcs.PersistentVolumeClaims(ref.Namespace).Get(ref.Name)
		if err == nil && pvc.UID == ref.UID {
			if pvc.Spec.VolumeName == pv.Name {
				phase = corev1.VolumeBound
			}
			break
		}
		if err != nil && !apierrors.IsNotFound(err) {
			return err
		}
		// the claim is gone (checked with the server, not only the cache)
		if got, err := c.client.CoreV1().PersistentVolumeClaims(ref.Namespace).Get(ctx, ref.Name, metav1.GetOptions{}); err == nil && got.UID == ref.UID {
			return nil
		}
		if pv.Spec.PersistentVolumeReclaimPolicy == corev1.PersistentVolumeReclaimDelete {
			uid := pv.UID
			err := c.client.CoreV1().PersistentVolumes().Delete(ctx, pv.Name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}})
			if apierrors.IsNotFound(err) {
				return nil
			}
			return err
		}
		phase = corev1.VolumeReleased
	}
	if phase == pv.Status.Phase {
		return nil
	}
	u := pv.DeepCopy()
	u.Status.Phase = phase
	_, err = c.client.CoreV1().PersistentVolumes().UpdateStatus(ctx, u, metav1.UpdateOptions{})
	return err
}
