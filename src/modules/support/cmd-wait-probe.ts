/**
 * One poll of wait_for's port check, as one shell command that works on a
 * minimal Debian (dash has no /dev/tcp). It tries, in order, what is cheap
 * and present:
 *
 *  1. `proc`: for a local address, a LISTEN entry (state 0A) for the port in
 *     /proc/net/tcp or /proc/net/tcp6 (awk is in every Debian: mawk is
 *     required priority);
 *  2. `nc`: `nc -z -w 1 host port` when netcat is installed;
 *  3. `python3`: a socket connect with a 1 s timeout.
 *
 * It prints `open METHOD`, `closed METHOD` or `none` (no method available).
 */
import { defineProbe, quote } from '../../engine/module.js';

export type PortProbeMethod = 'proc' | 'nc' | 'python3';
export const PORT_PROBE_METHODS: readonly PortProbeMethod[] = ['proc', 'nc', 'python3'];

export type PortPoll = { readonly state: 'open' | 'closed'; readonly method: PortProbeMethod } | { readonly state: 'none' };

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '0.0.0.0', '::1', '::', 'ip6-localhost']);

export function isLocalHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.toLowerCase());
}

const PROC = [
  'if [ "$3" = 1 ] && [ -r /proc/net/tcp ] && command -v awk >/dev/null 2>&1; then',
  `  hex=$(printf '%04X' "$2")`,
  `  if awk -v p=":$hex" '$4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null;`,
  '  then echo open proc; else echo closed proc; fi; exit 0',
  'fi',
].join('\n');

const NC = [
  'if command -v nc >/dev/null 2>&1; then',
  '  if nc -z -w 1 "$1" "$2" >/dev/null 2>&1; then echo open nc; else echo closed nc; fi; exit 0',
  'fi',
].join('\n');

const PYTHON_SOURCE = [
  'import socket, sys',
  's = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET)',
  's.settimeout(1)',
  'try:',
  '    s.connect((sys.argv[1], int(sys.argv[2]))); print("open python3")',
  'except OSError:',
  '    print("closed python3")',
].join('\n');

const PYTHON = [
  'if command -v python3 >/dev/null 2>&1; then',
  `  python3 -c ${quote(PYTHON_SOURCE)} "$1" "$2"; exit 0`,
  'fi',
].join('\n');

const SNIPPETS: Record<PortProbeMethod, string> = { proc: PROC, nc: NC, python3: PYTHON };

/** The poll command for host:port; `methods` narrows the ladder (tests use it to exercise each rung). */
export function portPollCommand(host: string, port: number, methods: readonly PortProbeMethod[] = PORT_PROBE_METHODS): string {
  const script = [...methods.map((m) => SNIPPETS[m]), 'echo none'].join('\n');
  return `sh -c ${quote(script)} sh ${quote(host)} ${quote(port)} ${isLocalHost(host) ? 1 : 0}`;
}

export function parsePortPoll(stdout: string): PortPoll {
  const m = /^(open|closed) (proc|nc|python3)$/m.exec(stdout);
  if (!m) return { state: 'none' };
  return { state: m[1] as 'open' | 'closed', method: m[2] as PortProbeMethod };
}

/** Whether host:port accepts connections now, and how the host could tell. */
export const portState = defineProbe({
  name: 'net.port-state',
  command: (a: { readonly host: string; readonly port: number; readonly methods?: readonly PortProbeMethod[] }) => portPollCommand(a.host, a.port, a.methods),
  parse: (r) => parsePortPoll(r.stdout),
});
