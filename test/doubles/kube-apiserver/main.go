// The tsplay test Kubernetes API server: the real API machinery of
// k8s.io/apiserver and k8s.io/apiextensions-apiserver (Debian's Go sources),
// storing in a real etcd, serving CustomResourceDefinitions, custom resources
// and the built-in kinds of kinds.go. See README.md beside this file.
//
// Built by scripts/lab/kube-apiserver.sh inside a Debian sid root
// (GO111MODULE=off GOPATH=/usr/share/gocode), together with
// zz_openapi.go, which openapi-gen writes at build time from k8s.io/api's
// sources: the OpenAPI definitions that back /openapi/v2, /openapi/v3 and the
// type information server-side apply merges with.
//
// Prints one JSON line on stdout once it listens:
//
//	{"url":"https://127.0.0.1:PORT","kubeconfig":"PATH"}
//
// then serves until SIGTERM/SIGINT or until stdin closes (-stdin-close).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apiextensionsv1beta1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1beta1"
	"k8s.io/apiextensions-apiserver/pkg/apiserver"
	crdoptions "k8s.io/apiextensions-apiserver/pkg/cmd/server/options"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/plugin/namespace/lifecycle"
	discoveryendpoint "k8s.io/apiserver/pkg/endpoints/discovery/aggregated"
	openapinamer "k8s.io/apiserver/pkg/endpoints/openapi"
	genericapiserver "k8s.io/apiserver/pkg/server"
	"k8s.io/apiserver/pkg/server/dynamiccertificates"
	genericoptions "k8s.io/apiserver/pkg/server/options"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	"k8s.io/apiserver/pkg/util/openapi"
	"k8s.io/apiserver/pkg/util/proxy"
	"k8s.io/apiserver/pkg/util/webhook"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/klog/v2"
	noopoteltrace "go.opentelemetry.io/otel/trace/noop"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to listen on (port 0: a free port)")
	etcd := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoints, comma-separated")
	etcdPrefix := flag.String("etcd-prefix", "/registry", "key prefix in etcd")
	dataDir := flag.String("data-dir", "", "directory for certificates and tokens (made on first start, reused after); required")
	kubeconfig := flag.String("kubeconfig", "", "where to write the admin kubeconfig (default DATA_DIR/kubeconfig)")
	stdinClose := flag.Bool("stdin-close", false, "exit when stdin closes")
	verbosity := flag.Int("v", 0, "klog verbosity")
	flag.Parse()
	if *dataDir == "" {
		fmt.Fprintln(os.Stderr, "-data-dir is required")
		os.Exit(2)
	}
	if *kubeconfig == "" {
		*kubeconfig = filepath.Join(*dataDir, "kubeconfig")
	}
	klogFlags := flag.NewFlagSet("klog", flag.ExitOnError)
	klog.InitFlags(klogFlags)
	_ = klogFlags.Set("v", fmt.Sprint(*verbosity))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; cancel() }()
	if *stdinClose {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	}

	if err := run(ctx, *listen, strings.Split(*etcd, ","), *etcdPrefix, *dataDir, *kubeconfig); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, listen string, etcdServers []string, etcdPrefix, dataDir, kubeconfigPath string) error {
	if err := addToScheme(apiserver.Scheme); err != nil {
		return err
	}
	p, err := loadOrCreatePKI(dataDir, servingIPs(listen))
	if err != nil {
		return fmt.Errorf("certificates: %w", err)
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	serverURL := "https://" + ln.Addr().String()

	// one codec for every kind: CRDs stored as apiextensions does, built-ins
	// as their v1
	storageGVs := []schema.GroupVersion{apiextensionsv1beta1.SchemeGroupVersion, apiextensionsv1.SchemeGroupVersion}
	seen := map[schema.GroupVersion]bool{}
	for _, k := range kinds {
		if !seen[k.gv] {
			seen[k.gv] = true
			storageGVs = append(storageGVs, k.gv)
		}
	}
	etcdOptions := genericoptions.NewEtcdOptions(storagebackend.NewDefaultConfig(etcdPrefix, apiserver.Codecs.LegacyCodec(storageGVs...)))
	etcdOptions.StorageConfig.Transport.ServerList = etcdServers

	cfg := genericapiserver.NewRecommendedConfig(apiserver.Codecs)
	runOptions := genericoptions.NewServerRunOptions()
	if err := runOptions.ComponentGlobalsRegistry.Set(); err != nil {
		return err
	}
	if err := runOptions.Complete(); err != nil {
		return err
	}
	if err := runOptions.ApplyTo(&cfg.Config); err != nil {
		return err
	}
	serving := genericoptions.NewSecureServingOptions().WithLoopback()
	serving.Listener = ln
	serving.BindAddress = net.ParseIP("127.0.0.1")
	serving.ServerCert.CertKey = genericoptions.CertKey{CertFile: p.servingCert, KeyFile: p.servingKey}
	if err := serving.ApplyTo(&cfg.SecureServing, &cfg.LoopbackClientConfig); err != nil {
		return err
	}
	if err := etcdOptions.ApplyTo(&cfg.Config); err != nil {
		return err
	}
	clientCA, err := dynamiccertificates.NewStaticCAContent("client-ca", p.caPEM)
	if err != nil {
		return err
	}
	if err := cfg.Authentication.ApplyClientCert(clientCA, cfg.SecureServing); err != nil {
		return err
	}
	cfg.Authentication.Authenticator = newAuthenticator(p)
	cfg.Authorization.Authorizer = allowAllButDenied{}
	genericapiserver.AuthorizeClientBearerToken(cfg.LoopbackClientConfig, &cfg.Authentication, &cfg.Authorization)

	namer := openapinamer.NewDefinitionNamer(apiserver.Scheme)
	defs := openapi.GetOpenAPIDefinitionsWithoutDisabledFeatures(GetOpenAPIDefinitions)
	cfg.OpenAPIConfig = genericapiserver.DefaultOpenAPIConfig(defs, namer)
	cfg.OpenAPIConfig.Info.Title = "Kubernetes"
	cfg.OpenAPIV3Config = genericapiserver.DefaultOpenAPIV3Config(defs, namer)
	cfg.OpenAPIV3Config.Info.Title = "Kubernetes"
	cfg.AggregatedDiscoveryGroupManager = discoveryendpoint.NewResourceManager("apis")

	kubeClient, err := kubernetes.NewForConfig(cfg.LoopbackClientConfig)
	if err != nil {
		return err
	}
	cfg.ClientConfig = cfg.LoopbackClientConfig
	cfg.SharedInformerFactory = informers.NewSharedInformerFactory(kubeClient, 10*time.Minute)
	nsLifecycle, err := lifecycle.NewLifecycle(sets.New(metav1.NamespaceDefault, metav1.NamespaceSystem, metav1.NamespacePublic))
	if err != nil {
		return err
	}
	nsLifecycle.SetExternalKubeClientSet(kubeClient)
	nsLifecycle.SetExternalKubeInformerFactory(cfg.SharedInformerFactory)
	if err := admission.ValidateInitialization(nsLifecycle); err != nil {
		return err
	}
	cfg.AdmissionControl = nsLifecycle

	writes := newWriteCounter(cfg.LoopbackClientConfig.BearerToken)
	cfg.BuildHandlerChainFunc = func(h http.Handler, c *genericapiserver.Config) http.Handler {
		return writes.wrap(genericapiserver.DefaultBuildHandlerChain(h, c))
	}

	// the apiextensions-apiserver: CRDs and custom resources, delegated to by
	// the server of built-in kinds (as inside a real kube-apiserver)
	crdGeneric := *cfg
	crdGeneric.PostStartHooks = map[string]genericapiserver.PostStartHookConfigEntry{}
	crdGeneric.MergedResourceConfig = apiserver.DefaultAPIResourceConfigSource()
	crdConfig := &apiserver.Config{
		GenericConfig: &crdGeneric,
		ExtraConfig: apiserver.ExtraConfig{
			CRDRESTOptionsGetter: crdoptions.NewCRDRESTOptionsGetter(*etcdOptions, nil, crdGeneric.StorageObjectCountTracker),
			MasterCount:          1,
			ServiceResolver:      &serviceResolver{cfg.SharedInformerFactory.Core().V1().Services().Lister()},
			AuthResolverWrapper:  webhook.NewDefaultAuthenticationInfoResolverWrapper(nil, nil, cfg.LoopbackClientConfig, noopoteltrace.NewTracerProvider()),
		},
	}
	crdServer, err := crdConfig.Complete().New(genericapiserver.NewEmptyDelegate())
	if err != nil {
		return fmt.Errorf("apiextensions-apiserver: %w", err)
	}

	server, err := cfg.Complete().New("tsplay-kube-apiserver", crdServer.GenericAPIServer)
	if err != nil {
		return err
	}
	if err := installBuiltins(server, cfg.RESTOptionsGetter); err != nil {
		return err
	}
	if err := serveCRDGroupsInLegacyDiscovery(server, crdServer); err != nil {
		return err
	}

	if err := writeKubeconfig(kubeconfigPath, serverURL, p); err != nil {
		return fmt.Errorf("kubeconfig: %w", err)
	}
	line, _ := json.Marshal(map[string]string{"url": serverURL, "kubeconfig": kubeconfigPath})
	fmt.Println(string(line))

	return server.PrepareRun().RunWithContext(ctx)
}

type serviceResolver struct{ services corelisters.ServiceLister }

func (r *serviceResolver) ResolveEndpoint(namespace, name string, port int32) (*url.URL, error) {
	return proxy.ResolveCluster(r.services, namespace, name, port)
}
