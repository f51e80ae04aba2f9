/**
 * One host's result as Ansible's default callback prints it:
 *
 *   ok: [web1]                        changed: [web1 -> db1]
 *   changed: [web1] => (item=nginx)   skipping: [web1]
 *   fatal: [web1]: FAILED! => msg     failed: [web1] (item=x) => msg
 *   fatal: [web1]: UNREACHABLE! => msg
 *
 * `detail` (a message or a dumped result) follows ` => `.
 */
import type { HostResultEvent } from './event-kinds.js';

function hostRef(r: HostResultEvent): string {
  return r.delegatedTo ? `[${r.host} -> ${r.delegatedTo}]` : `[${r.host}]`;
}

function withDetail(line: string, detail: string | undefined): string {
  if (detail === undefined) return line;
  // a block (YAML) starts on its own line: no trailing space after the arrow
  return detail.startsWith('\n') ? `${line} =>${detail}` : `${line} => ${detail}`;
}

export function statusLine(r: HostResultEvent, detail: string | undefined): string {
  const host = hostRef(r);
  const item = r.item === undefined ? '' : ` => (item=${r.item})`;
  switch (r.status) {
    case 'ok':
    case 'changed':
      return withDetail(`${r.status}: ${host}${item}`, detail);
    case 'skipped':
      return withDetail(`skipping: ${host}${item}`, detail);
    case 'failed':
      return r.item === undefined
        ? withDetail(`fatal: ${host}: FAILED!`, detail)
        : withDetail(`failed: ${host} (item=${r.item})`, detail);
    case 'unreachable':
      return withDetail(`fatal: ${host}: UNREACHABLE!`, detail);
  }
}

export const IGNORING = '...ignoring';
