/** Facts about a host, typed; exposed to playbooks under Ansible's names by factsToVars. */

export interface Ipv4Address {
  readonly address: string;
  readonly prefix: number;
  readonly netmask: string;
  readonly network: string;
  readonly broadcast?: string;
}

export interface Ipv6Address {
  readonly address: string;
  readonly prefix: number;
  readonly scope: string;
}

export interface NetInterface {
  readonly device: string;
  readonly mtu: number | null;
  readonly macaddress: string | null;
  readonly active: boolean;
  /** loopback, ether, ... (from `link/<type>`) */
  readonly type: string;
  readonly ipv4: readonly Ipv4Address[];
  readonly ipv6: readonly Ipv6Address[];
}

export interface DefaultIpv4 {
  readonly address: string;
  readonly interface: string;
  readonly gateway: string | null;
  readonly mtu: number | null;
  readonly macaddress: string | null;
  readonly prefix: number | null;
  readonly netmask: string | null;
  readonly network: string | null;
}

export interface Facts {
  /** uname -s: Linux */
  readonly system: string;
  /** Debian, RedHat, Suse, Archlinux, Alpine, ... */
  readonly osFamily: string;
  /** Debian, Ubuntu, CentOS, ... */
  readonly distribution: string;
  /** "12.5" on Debian (from /etc/debian_version), VERSION_ID elsewhere */
  readonly distributionVersion: string;
  readonly distributionMajorVersion: string;
  /** codename: bookworm */
  readonly distributionRelease: string;
  /** uname -r */
  readonly kernel: string;
  /** uname -v */
  readonly kernelVersion: string;
  /** uname -m: x86_64, aarch64 */
  readonly architecture: string;
  /** short host name */
  readonly hostname: string;
  /** the full name uname reports */
  readonly nodename: string;
  readonly fqdn: string;
  readonly domain: string;
  readonly defaultIpv4: DefaultIpv4 | null;
  readonly interfaces: readonly NetInterface[];
  readonly memTotalMb: number;
  readonly memFreeMb: number;
  readonly swapTotalMb: number;
  readonly swapFreeMb: number;
  readonly processorVcpus: number;
  /** systemd, or the name of PID 1 (init, sshd, ...) */
  readonly serviceMgr: string;
  /** python3 (or python) on PATH, null when absent */
  readonly pythonExecutable: string | null;
}
