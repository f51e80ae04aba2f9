// vcsim for the tsplay test lab: govmomi's vCenter simulator (vim25 SOAP at
// /sdk) with an inventory a realistic `govc vm.clone` works against. Built by
// scripts/lab/setup.sh from Debian's golang-go and
// golang-github-vmware-govmomi-dev (GO111MODULE=off GOPATH=/usr/share/gocode).
//
// Inventory (see docs/vsphere.md):
//
//	/DC0                                  datacenter
//	/DC0/host/DC0_C0                      cluster, hosts DC0_C0_H0..H2, pool DC0_C0/Resources
//	/DC0/datastore/LocalDS_0              datastore
//	/DC0/network/VM Network               standard port group
//	/DC0/network/DC0_DVPG0                distributed port group (switch DVS0)
//	/DC0/vm/ubuntu-2404-template          template (1 CPU, 32 MB, one NIC), snapshot "base"
//	/DC0/vm/DC0_C0_RP0_VM1                ordinary VM, powered off
//	/DC0/vm/k8s                           empty VM folder
//
// -method-delay makes chosen methods slow (the delay is spent before the
// method runs, outside vcsim's object lock), so tests can see calls overlap.
//
// Prints the SDK URL (without credentials) on the first line of stdout, then
// serves until stdin closes or a signal arrives.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/simulator"
)

func main() {
	listen := flag.String("l", "127.0.0.1:0", "address to listen on")
	user := flag.String("username", "tsplay", "the only user name Login accepts")
	pass := flag.String("password", "vcsim-secret", "the only password Login accepts")
	delays := flag.String("method-delay", "", "milliseconds each call of a method takes, e.g. CloneVM_Task=300,PowerOnVM_Task=50")
	flag.Parse()

	model := simulator.VPX()
	model.Host = 0
	model.Machine = 2
	model.DelayConfig.MethodDelay = map[string]int{}
	for _, kv := range strings.Split(*delays, ",") {
		if name, ms, ok := strings.Cut(kv, "="); ok {
			n, err := strconv.Atoi(ms)
			if err != nil {
				log.Fatalf("-method-delay %s: %v", kv, err)
			}
			model.DelayConfig.MethodDelay[name] = n
		}
	}
	if err := model.Create(); err != nil {
		log.Fatal(err)
	}
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *pass)}
	server := model.Service.NewServer()
	defer server.Close()
	if err := prepare(server.URL); err != nil {
		log.Fatal(err)
	}

	u := *server.URL
	u.User = nil
	fmt.Println(u.String())

	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	select {
	case <-done:
	case <-sig:
	}
}

// prepare turns the default model into the lab's inventory: a template with a
// snapshot, powered-off VMs and a VM folder for the cluster's nodes.
func prepare(u *url.URL) error {
	ctx := context.Background()
	c, err := govmomi.NewClient(ctx, u, true)
	if err != nil {
		return err
	}
	defer func() { _ = c.Logout(ctx) }()
	finder := find.NewFinder(c.Client, false)
	dc, err := finder.Datacenter(ctx, "DC0")
	if err != nil {
		return err
	}
	finder.SetDatacenter(dc)
	for _, name := range []string{"DC0_C0_RP0_VM0", "DC0_C0_RP0_VM1"} {
		vm, err := finder.VirtualMachine(ctx, name)
		if err != nil {
			return err
		}
		if task, err := vm.PowerOff(ctx); err != nil || task.Wait(ctx) != nil {
			return fmt.Errorf("power off %s: %v", name, err)
		}
	}
	vm, err := finder.VirtualMachine(ctx, "DC0_C0_RP0_VM0")
	if err != nil {
		return err
	}
	if task, err := vm.Rename(ctx, "ubuntu-2404-template"); err != nil || task.Wait(ctx) != nil {
		return fmt.Errorf("rename template: %v", err)
	}
	if task, err := vm.CreateSnapshot(ctx, "base", "linked clones start here", false, false); err != nil || task.Wait(ctx) != nil {
		return fmt.Errorf("snapshot template: %v", err)
	}
	if err := vm.MarkAsTemplate(ctx); err != nil {
		return err
	}
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	_, err = folders.VmFolder.CreateFolder(ctx, "k8s")
	return err
}
