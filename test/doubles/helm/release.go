package main

// Releases as Helm 3/4 store them (pkg/storage/driver/secrets.go): one Secret
// per revision, sh.helm.release.v1.NAME.vN in the release namespace, type
// helm.sh/release.v1, labels name/owner=helm/status/version (+createdAt on
// create, modifiedAt on update), data.release = base64(gzip(JSON of the
// release)); the API then base64-encodes data as it does any Secret's.

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type Metadata struct {
	Name        string `json:"name"`
	Version     string `json:"version"`
	Description string `json:"description,omitempty"`
	APIVersion  string `json:"apiVersion"`
	AppVersion  string `json:"appVersion,omitempty"`
	Type        string `json:"type,omitempty"`
}

type Template struct {
	Name string `json:"name"`
	Data []byte `json:"data"`
}

type Chart struct {
	Metadata  *Metadata              `json:"metadata"`
	Lock      interface{}            `json:"lock"`
	Templates []*Template            `json:"templates"`
	Values    map[string]interface{} `json:"values"`
	Schema    []byte                 `json:"schema"`
	Files     []interface{}          `json:"files"`
}

type Info struct {
	FirstDeployed time.Time `json:"first_deployed,omitempty"`
	LastDeployed  time.Time `json:"last_deployed,omitempty"`
	Deleted       time.Time `json:"deleted"`
	Description   string    `json:"description,omitempty"`
	Status        string    `json:"status,omitempty"`
	Notes         string    `json:"notes,omitempty"`
}

type Release struct {
	Name        string                 `json:"name,omitempty"`
	Info        *Info                  `json:"info,omitempty"`
	Chart       *Chart                 `json:"chart,omitempty"`
	Config      map[string]interface{} `json:"config,omitempty"`
	Manifest    string                 `json:"manifest,omitempty"`
	Version     int                    `json:"version,omitempty"`
	Namespace   string                 `json:"namespace,omitempty"`
	ApplyMethod string                 `json:"apply_method,omitempty"`
}

func (r *Release) chartLabel() string { return r.Chart.Metadata.Name + "-" + r.Chart.Metadata.Version }

func isPending(status string) bool {
	return status == "pending-install" || status == "pending-upgrade" || status == "pending-rollback"
}

func secretName(name string, version int) string {
	return fmt.Sprintf("sh.helm.release.v1.%s.v%d", name, version)
}

func encodeRelease(r *Release) (string, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if _, err := w.Write(b); err != nil {
		return "", err
	}
	if err := w.Close(); err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes()), nil
}

func decodeRelease(data string) (*Release, error) {
	b, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		return nil, err
	}
	if len(b) > 3 && bytes.Equal(b[0:3], []byte{0x1f, 0x8b, 0x08}) {
		r, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		if b, err = io.ReadAll(r); err != nil {
			return nil, err
		}
	}
	var rel Release
	if err := json.Unmarshal(b, &rel); err != nil {
		return nil, err
	}
	return &rel, nil
}

// store keeps the releases of one namespace.
type store struct {
	k         *kube
	namespace string
}

var errReleaseNotFound = fmt.Errorf("release: not found")

// history: every revision of a release, oldest first.
func (s *store) history(name string) ([]*Release, error) {
	list, err := s.k.core.CoreV1().Secrets(s.namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "owner=helm,name=" + name})
	if err != nil {
		return nil, fmt.Errorf("query: failed to query with labels: %w", err)
	}
	var out []*Release
	for _, sec := range list.Items {
		r, err := decodeRelease(string(sec.Data["release"]))
		if err != nil {
			return nil, fmt.Errorf("query: failed to decode data %q: %w", sec.Name, err)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func (s *store) last(name string) (*Release, error) {
	h, err := s.history(name)
	if err != nil {
		return nil, err
	}
	if len(h) == 0 {
		return nil, errReleaseNotFound
	}
	return h[len(h)-1], nil
}

// all: the latest revision of every release in the namespace, by name.
func (s *store) all() ([]*Release, error) {
	list, err := s.k.core.CoreV1().Secrets(s.namespace).List(context.Background(), metav1.ListOptions{LabelSelector: "owner=helm"})
	if err != nil {
		return nil, fmt.Errorf("list: failed to list: %w", err)
	}
	latest := map[string]*Release{}
	for _, sec := range list.Items {
		r, err := decodeRelease(string(sec.Data["release"]))
		if err != nil {
			continue
		}
		if cur, ok := latest[r.Name]; !ok || r.Version > cur.Version {
			latest[r.Name] = r
		}
	}
	var out []*Release
	for _, r := range latest {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func (s *store) object(r *Release, created bool) (*corev1.Secret, error) {
	data, err := encodeRelease(r)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{"name": r.Name, "owner": "helm", "status": r.Info.Status, "version": strconv.Itoa(r.Version)}
	now := strconv.FormatInt(time.Now().Unix(), 10)
	if created {
		labels["createdAt"] = now
	} else {
		labels["modifiedAt"] = now
	}
	return &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: secretName(r.Name, r.Version), Namespace: s.namespace, Labels: labels},
		Type:       "helm.sh/release.v1",
		Data:       map[string][]byte{"release": []byte(data)},
	}, nil
}

func (s *store) create(r *Release) error {
	obj, err := s.object(r, true)
	if err != nil {
		return err
	}
	_, err = s.k.core.CoreV1().Secrets(s.namespace).Create(context.Background(), obj, metav1.CreateOptions{})
	if apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("create: failed to create: %w", err)
	}
	if err != nil {
		return fmt.Errorf("create: failed to create: %s", apiMessage(err))
	}
	return nil
}

func (s *store) update(r *Release) error {
	obj, err := s.object(r, false)
	if err != nil {
		return err
	}
	cur, err := s.k.core.CoreV1().Secrets(s.namespace).Get(context.Background(), obj.Name, metav1.GetOptions{})
	if err != nil {
		return fmt.Errorf("update: failed to update: %s", apiMessage(err))
	}
	if c, ok := cur.Labels["createdAt"]; ok {
		obj.Labels["createdAt"] = c
	}
	obj.ResourceVersion = cur.ResourceVersion
	if _, err := s.k.core.CoreV1().Secrets(s.namespace).Update(context.Background(), obj, metav1.UpdateOptions{}); err != nil {
		return fmt.Errorf("update: failed to update: %s", apiMessage(err))
	}
	return nil
}

func (s *store) remove(r *Release) error {
	err := s.k.core.CoreV1().Secrets(s.namespace).Delete(context.Background(), secretName(r.Name, r.Version), metav1.DeleteOptions{})
	if err != nil && !apierrors.IsNotFound(err) {
		return fmt.Errorf("delete: failed to delete: %s", apiMessage(err))
	}
	return nil
}

func apiMessage(err error) string {
	if s, ok := err.(apierrors.APIStatus); ok {
		return s.Status().Message
	}
	return err.Error()
}
