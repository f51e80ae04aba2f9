/**
 * Facts under Ansible's names: `ansible_facts.<name>` and the injected
 * top-level `ansible_<name>` variables (ansible_distribution,
 * ansible_default_ipv4.address, ansible_eth0.mtu, ...).
 */
import type { Facts, NetInterface } from './types.js';

/** Ansible names an interface's fact after the device with `-` and `.` as `_` (br-lan → ansible_br_lan). */
function interfaceKey(device: string): string {
  return device.replace(/[-.:]/g, '_');
}

function interfaceFact(i: NetInterface): Record<string, unknown> {
  const [first] = i.ipv4;
  return {
    device: i.device,
    mtu: i.mtu,
    macaddress: i.macaddress,
    active: i.active,
    type: i.type,
    ...(first ? { ipv4: { address: first.address, netmask: first.netmask, network: first.network, prefix: String(first.prefix), ...(first.broadcast ? { broadcast: first.broadcast } : {}) } } : {}),
    ...(i.ipv4.length > 1 ? { ipv4_secondaries: i.ipv4.slice(1).map((a) => ({ address: a.address, netmask: a.netmask, network: a.network, prefix: String(a.prefix) })) } : {}),
    ipv6: i.ipv6.map((a) => ({ address: a.address, prefix: String(a.prefix), scope: a.scope })),
  };
}

/** The facts without the `ansible_` prefix, as `ansible_facts` holds them. */
export function ansibleFacts(f: Facts): Record<string, unknown> {
  const out: Record<string, unknown> = {
    system: f.system,
    os_family: f.osFamily,
    distribution: f.distribution,
    distribution_version: f.distributionVersion,
    distribution_major_version: f.distributionMajorVersion,
    distribution_release: f.distributionRelease,
    kernel: f.kernel,
    kernel_version: f.kernelVersion,
    architecture: f.architecture,
    machine: f.architecture,
    hostname: f.hostname,
    nodename: f.nodename,
    fqdn: f.fqdn,
    domain: f.domain,
    default_ipv4: f.defaultIpv4
      ? { ...f.defaultIpv4, prefix: f.defaultIpv4.prefix === null ? null : String(f.defaultIpv4.prefix) }
      : {},
    interfaces: f.interfaces.map((i) => i.device),
    all_ipv4_addresses: f.interfaces.flatMap((i) => (i.type === 'loopback' ? [] : i.ipv4.map((a) => a.address))),
    all_ipv6_addresses: f.interfaces.flatMap((i) => (i.type === 'loopback' ? [] : i.ipv6.map((a) => a.address))),
    memtotal_mb: f.memTotalMb,
    memfree_mb: f.memFreeMb,
    swaptotal_mb: f.swapTotalMb,
    swapfree_mb: f.swapFreeMb,
    processor_vcpus: f.processorVcpus,
    processor_nproc: f.processorVcpus,
    service_mgr: f.serviceMgr,
    python: f.pythonExecutable ? { executable: f.pythonExecutable } : {},
    python_present: f.pythonExecutable !== null,
  };
  for (const i of f.interfaces) out[interfaceKey(i.device)] = interfaceFact(i);
  return out;
}

/** Variables to merge into a host's vars: `ansible_facts` plus every fact as `ansible_<name>`. */
export function factsToVars(f: Facts): Record<string, unknown> {
  const facts = ansibleFacts(f);
  const vars: Record<string, unknown> = { ansible_facts: facts };
  for (const [k, v] of Object.entries(facts)) vars[`ansible_${k}`] = v;
  return vars;
}
