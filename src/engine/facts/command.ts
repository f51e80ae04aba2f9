/**
 * The one command that gathers every fact in one round trip: sections headed
 * `@@tsplay:NAME` holding the raw output of cheap, read-only probes. Each
 * probe tolerates a missing tool (the section is then empty), so a minimal
 * host still answers.
 */
export const SECTION_MARK = '@@tsplay:';

const SECTIONS: readonly (readonly [string, string])[] = [
  ['os-release', 'cat /etc/os-release 2>/dev/null || cat /usr/lib/os-release 2>/dev/null'],
  ['debian-version', 'cat /etc/debian_version 2>/dev/null'],
  ['uname', 'uname -s; uname -r; uname -m; uname -n; uname -v'],
  ['hostname', 'hostname 2>/dev/null || cat /proc/sys/kernel/hostname'],
  ['fqdn', 'hostname -f 2>/dev/null'],
  ['route', 'ip -4 route get 1.0.0.0 2>/dev/null || ip -4 route show default 2>/dev/null'],
  ['proc-route', 'cat /proc/net/route 2>/dev/null'],
  ['addr', 'ip -o addr show 2>/dev/null'],
  ['link', 'ip -o link show 2>/dev/null'],
  ['sys-net', 'for d in /sys/class/net/*; do [ -e "$d/mtu" ] && echo "${d##*/} $(cat "$d/mtu") $(cat "$d/address" 2>/dev/null) $(cat "$d/operstate" 2>/dev/null)"; done 2>/dev/null'],
  ['meminfo', 'cat /proc/meminfo 2>/dev/null'],
  ['nproc', 'nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo'],
  ['init', 'cat /proc/1/comm 2>/dev/null; [ -d /run/systemd/system ] && echo systemd-booted'],
  ['python', 'command -v python3 2>/dev/null || command -v python 2>/dev/null'],
];

/** The gathering command: POSIX sh, read-only, always exits 0. */
export function factsCommand(): string {
  return [...SECTIONS.map(([name, cmd]) => `echo '${SECTION_MARK}${name}'; { ${cmd}; } 2>/dev/null`), 'exit 0'].join('\n');
}

/** Splits the command's output into its sections. */
export function splitSections(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let name: string | undefined;
  let lines: string[] = [];
  const flush = (): void => {
    if (name !== undefined) out.set(name, lines.join('\n').replace(/\n+$/, ''));
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(SECTION_MARK)) {
      flush();
      name = line.slice(SECTION_MARK.length).trim();
      lines = [];
    } else lines.push(line);
  }
  flush();
  return out;
}
