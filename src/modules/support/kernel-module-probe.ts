/**
 * Where a kernel module stands on a host, for all the modules asked about in
 * one probe:
 *  - loaded: /sys/module/<m> exists with an initstate (a loadable module that is in);
 *  - builtin: /sys/module/<m> without initstate, a line of
 *    /lib/modules/$(uname -r)/modules.builtin, or the kernel's config
 *    (/proc/config.gz or /boot/config-*) saying `=y` for the modules whose
 *    config symbol is known (see BUILTIN_CONFIG; a built-in module without
 *    parameters has no /sys/module entry, and containers have no /lib/modules);
 *  - loadable: `modprobe -n` finds it;
 *  - missing: none of these (with modprobe's message).
 */
import { defineProbe, ModuleFailure, sh } from '../../engine/module.js';

export type ModuleStatus = 'loaded' | 'builtin' | 'loadable' | 'missing';

/** Config symbols of modules node preparation commonly asks for. */
export const BUILTIN_CONFIG: Readonly<Record<string, string>> = {
  overlay: 'CONFIG_OVERLAY_FS',
  br_netfilter: 'CONFIG_BRIDGE_NETFILTER',
  bridge: 'CONFIG_BRIDGE',
  nf_conntrack: 'CONFIG_NF_CONNTRACK',
  ip_tables: 'CONFIG_IP_NF_IPTABLES',
  iptable_filter: 'CONFIG_IP_NF_FILTER',
  iptable_nat: 'CONFIG_IP_NF_NAT',
  ip_vs: 'CONFIG_IP_VS',
  ip_vs_rr: 'CONFIG_IP_VS_RR',
  ip_vs_wrr: 'CONFIG_IP_VS_WRR',
  ip_vs_sh: 'CONFIG_IP_VS_SH',
  nf_tables: 'CONFIG_NF_TABLES',
  vxlan: 'CONFIG_VXLAN',
  wireguard: 'CONFIG_WIREGUARD',
  xt_conntrack: 'CONFIG_NETFILTER_XT_MATCH_CONNTRACK',
};

/** Module names compare with "-" and "_" alike, as the kernel does. */
export const canonical = (name: string): string => name.replace(/-/g, '_');

const SCRIPT = `
kr=$(uname -r)
cfg=$( (zcat /proc/config.gz || cat "/boot/config-$kr") 2>/dev/null)
for arg do
  m=\${arg%%:*}; sym=\${arg#*:}; u=$(printf %s "$m" | tr - _); d=$(printf %s "$m" | tr _ -)
  if [ -d "/sys/module/$u" ] && [ -e "/sys/module/$u/initstate" ]; then echo "$m loaded"
  elif [ -d "/sys/module/$u" ]; then echo "$m builtin"
  elif grep -qE "/($u|$d)\\.ko$" "/lib/modules/$kr/modules.builtin" 2>/dev/null; then echo "$m builtin"
  elif [ -n "$sym" ] && printf '%s\\n' "$cfg" | grep -qx "$sym=y"; then echo "$m builtin"
  elif modprobe -n -q -- "$m" >/dev/null 2>&1; then echo "$m loadable"
  else echo "$m missing $(modprobe -n -- "$m" 2>&1 | head -n1)"
  fi
done`;

/** The probe command: each module as `name:CONFIG_SYMBOL` (empty symbol when unknown). */
export function statusProbe(modules: readonly string[]): string {
  return sh`sh -c ${SCRIPT} sh ${modules.map((m) => `${m}:${BUILTIN_CONFIG[canonical(m)] ?? ''}`)}`;
}

/** Parses the probe's lines into name → status (and modprobe's message for missing modules). */
export function parseStatus(stdout: string): Map<string, { status: ModuleStatus; message: string }> {
  const out = new Map<string, { status: ModuleStatus; message: string }>();
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) (loaded|builtin|loadable|missing) ?(.*)$/.exec(line);
    if (m) out.set(m[1]!, { status: m[2] as ModuleStatus, message: m[3] ?? '' });
  }
  return out;
}

/** Each module's status; a module the probe said nothing about fails the task with what the host printed. */
export const kernelModuleStatus = defineProbe({
  name: 'kernel.module-status',
  command: (modules: readonly string[]) => statusProbe(modules),
  parse: (r, modules) => {
    const found = parseStatus(r.stdout);
    for (const m of modules) {
      if (!found.has(m)) throw new ModuleFailure(`cannot tell whether kernel module ${m} is loaded: ${r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`}`, { name: m });
    }
    return found;
  },
});
