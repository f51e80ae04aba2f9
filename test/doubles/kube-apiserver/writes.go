package main

// Counts the write requests clients send (POST, PUT, PATCH, DELETE under
// /api and /apis), dry-run ones apart, so tests can assert that nothing was
// written. The server's own loopback requests (its controllers writing CRD
// status) are not counted, nor are those of the test controller
// (test/doubles/kube-controller, User-Agent "tsplay-kube-controller/..."),
// which stands in for the cluster's own components: they are only counted
// in "controllerWrites". GET /debug/write-count answers without
// authentication:
//
//	{"writes":3,"dryRun":1,"controllerWrites":0,"requests":[{"method":"PATCH","path":"/apis/apps/v1/...","dryRun":false,"status":200,"fieldManager":"kubectl"}]}
//
// Each counted request is also logged on stderr ("write: PATCH /apis/... 200").

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"k8s.io/apiserver/pkg/endpoints/responsewriter"
)

// controllerUserAgent starts the User-Agent of test/doubles/kube-controller.
const controllerUserAgent = "tsplay-kube-controller/"

type writeRecord struct {
	Method       string `json:"method"`
	Path         string `json:"path"`
	Query        string `json:"query,omitempty"`
	DryRun       bool   `json:"dryRun"`
	Status       int    `json:"status"`
	FieldManager string `json:"fieldManager,omitempty"`
}

type writeCounter struct {
	loopbackAuth string
	mu           sync.Mutex
	writes       int
	dryRun       int
	controller   int
	records      []writeRecord
}

func newWriteCounter(loopbackToken string) *writeCounter {
	return &writeCounter{loopbackAuth: "Bearer " + loopbackToken}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}
func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

func (c *writeCounter) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.URL.Path == "/debug/write-count" {
			c.serve(w, req)
			return
		}
		switch req.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		default:
			next.ServeHTTP(w, req)
			return
		}
		if req.Header.Get("Authorization") == c.loopbackAuth || !(req.URL.Path == "/api" || strings.HasPrefix(req.URL.Path, "/api/") || strings.HasPrefix(req.URL.Path, "/apis/")) {
			next.ServeHTTP(w, req)
			return
		}
		if strings.HasPrefix(req.UserAgent(), controllerUserAgent) {
			next.ServeHTTP(w, req)
			c.mu.Lock()
			c.controller++
			c.mu.Unlock()
			return
		}
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(responsewriter.WrapForHTTP1Or2(rec), req)
		q := req.URL.Query()
		r := writeRecord{Method: req.Method, Path: req.URL.Path, Query: req.URL.RawQuery, DryRun: len(q["dryRun"]) > 0, Status: rec.status, FieldManager: q.Get("fieldManager")}
		c.mu.Lock()
		if r.DryRun {
			c.dryRun++
		} else {
			c.writes++
		}
		c.records = append(c.records, r)
		c.mu.Unlock()
		dry := ""
		if r.DryRun {
			dry = " (dry run)"
		}
		fmt.Fprintf(os.Stderr, "write: %s %s %d%s\n", r.Method, r.Path, r.Status, dry)
	})
}

func (c *writeCounter) serve(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodGet {
		http.Error(w, "GET only", http.StatusMethodNotAllowed)
		return
	}
	c.mu.Lock()
	body, _ := json.Marshal(map[string]interface{}{"writes": c.writes, "dryRun": c.dryRun, "controllerWrites": c.controller, "requests": append([]writeRecord{}, c.records...)})
	c.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(body)
}
