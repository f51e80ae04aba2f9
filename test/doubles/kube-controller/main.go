// The tsplay test controller: small stand-ins for the parts of a cluster the
// test API server (test/doubles/kube-apiserver) does not run - the
// controllers of kube-controller-manager that the lab needs, a scheduler, a
// kubelet that runs nothing, and MetalLB's address allocation - writing the
// status shapes the real components write. One file per loop; README.md
// beside this file says what each does and how it differs.
//
// Built by scripts/lab/kube-apiserver.sh in its Debian sid root (GOPATH
// mode, client-go 0.36). Prints one JSON line on stdout once its caches have
// synced and its loops run:
//
//	{"ready":true,"loops":["nodes","scheduler",...]}
//
// then runs until SIGTERM/SIGINT, or until stdin closes (-stdin-close).
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/signal"
	"runtime"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
)

// userAgent starts every request's User-Agent; the test API server counts
// requests carrying it apart from clients' writes (writes.go there).
const userAgent = "tsplay-kube-controller/"

type options struct {
	podCIDR            netip.Prefix
	nodeCIDR           netip.Prefix
	terminationDelay   time.Duration
	podStartDelay      time.Duration
	runUnscheduled     bool
	metallbNamespace   string
	assignUnadvertised bool
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the API server (required)")
	kubeContext := flag.String("context", "", "kubeconfig context (default: its current one)")
	podCIDR := flag.String("pod-cidr", "10.244.0.0/16", "pod IPs are taken from here")
	nodeCIDR := flag.String("node-cidr", "10.89.0.0/16", "node InternalIPs are taken from here (unless annotated)")
	terminationDelay := flag.Duration("termination-delay", time.Second, "how long a deleted pod's containers take to stop (at most its grace period)")
	podStartDelay := flag.Duration("pod-start-delay", 0, "how long a pod takes to start once its node is Ready")
	runUnscheduled := flag.Bool("run-unscheduled", true, "while no Node exists, run pods that have no node (no host IP)")
	metallbNamespace := flag.String("metallb-namespace", "metallb-system", "namespace of the MetalLB IPAddressPools and advertisements")
	assignUnadvertised := flag.Bool("assign-unadvertised", false, "give addresses from pools no L2/BGPAdvertisement covers, as MetalLB's controller does")
	only := flag.String("loops", "", "comma-separated loops to run (default: all)")
	stdinClose := flag.Bool("stdin-close", false, "exit when stdin closes")
	verbosity := flag.Int("v", 0, "klog verbosity")
	flag.Parse()
	klogFlags := flag.NewFlagSet("klog", flag.ExitOnError)
	klog.InitFlags(klogFlags)
	_ = klogFlags.Set("v", fmt.Sprint(*verbosity))
	if *kubeconfig == "" {
		fmt.Fprintln(os.Stderr, "-kubeconfig is required")
		os.Exit(2)
	}
	opts := options{
		terminationDelay:   *terminationDelay,
		podStartDelay:      *podStartDelay,
		runUnscheduled:     *runUnscheduled,
		metallbNamespace:   *metallbNamespace,
		assignUnadvertised: *assignUnadvertised,
	}
	var err error
	if opts.podCIDR, err = netip.ParsePrefix(*podCIDR); err != nil {
		fmt.Fprintln(os.Stderr, "-pod-cidr:", err)
		os.Exit(2)
	}
	if opts.nodeCIDR, err = netip.ParsePrefix(*nodeCIDR); err != nil {
		fmt.Fprintln(os.Stderr, "-node-cidr:", err)
		os.Exit(2)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	go func() { <-sig; cancel() }()
	if *stdinClose {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); cancel() }()
	}
	if err := run(ctx, *kubeconfig, *kubeContext, *only, opts); err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, kubeconfig, kubeContext, only string, opts options) error {
	cfg, err := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(
		&clientcmd.ClientConfigLoadingRules{ExplicitPath: kubeconfig},
		&clientcmd.ConfigOverrides{CurrentContext: kubeContext}).ClientConfig()
	if err != nil {
		return err
	}
	cfg.UserAgent = userAgent + "v0 (" + runtime.GOOS + "/" + runtime.GOARCH + ")"
	cfg.QPS, cfg.Burst = 200, 400
	cfg.WarningHandler = rest.NoWarnings{} // "v1 Endpoints is deprecated": the endpoints loop writes them on purpose
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	dyn, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	version, err := client.Discovery().ServerVersion()
	if err != nil {
		return fmt.Errorf("server version: %w", err)
	}
	c := newCtl(client, dyn, informers.NewSharedInformerFactory(client, 30*time.Second), opts, version.GitVersion)

	setups := []struct {
		name  string
		setup func()
	}{
		{"nodes", c.setupNodes},
		{"scheduler", c.setupScheduler},
		{"pods", c.setupPods},
		{"deployments", c.setupDeployments},
		{"replicasets", c.setupReplicaSets},
		{"daemonsets", c.setupDaemonSets},
		{"statefulsets", c.setupStatefulSets},
		{"volumes", c.setupVolumes},
		{"loadbalancers", c.setupLoadBalancers},
		{"disruption", c.setupDisruption},
		{"endpoints", c.setupEndpoints},
		{"gc", c.setupGC},
	}
	want := map[string]bool{}
	for _, n := range strings.Split(only, ",") {
		if n = strings.TrimSpace(n); n != "" {
			want[n] = true
		}
	}
	var names []string
	for _, s := range setups {
		if len(want) == 0 || want[s.name] {
			s.setup()
			names = append(names, s.name)
			delete(want, s.name)
		}
	}
	for n := range want {
		return fmt.Errorf("no loop %q", n)
	}

	c.factory.Start(ctx.Done())
	for typ, ok := range c.factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return fmt.Errorf("cache of %v did not sync", typ)
		}
	}
	if !cache.WaitForCacheSync(ctx.Done(), c.podInformer.HasSynced, c.nodeInformer.HasSynced) {
		return fmt.Errorf("caches did not sync")
	}
	c.seedAddresses()
	for _, l := range c.loops {
		go l.run(ctx)
	}
	line, _ := json.Marshal(map[string]interface{}{"ready": true, "loops": names})
	fmt.Println(string(line))
	<-ctx.Done()
	return nil
}
