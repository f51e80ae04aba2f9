/**
 * The pure half of hosts_entries: editing /etc/hosts text. Lines are
 * `ip name...` with an optional `# comment`; lines this edit does not concern
 * are kept byte for byte.
 */
import { endsWithEol, splitLines, stripEol } from './text-lines.js';

export interface HostsEntry {
  readonly ip: string;
  readonly names: readonly string[];
}

interface HostsLine {
  readonly ip: string;
  readonly names: string[];
  /** "# ..." at the end of the line, with the spaces before it */
  readonly comment: string;
}

function parse(line: string): HostsLine | null {
  const text = stripEol(line);
  const hash = text.indexOf('#');
  const body = hash < 0 ? text : text.slice(0, hash);
  const fields = body.trim().split(/\s+/).filter(Boolean);
  if (fields.length < 1 || !fields[0]) return null;
  const comment = hash < 0 ? '' : text.slice(body.trimEnd().length);
  return { ip: fields[0], names: fields.slice(1), comment };
}

const format = (ip: string, names: readonly string[], comment = ''): string => `${ip}\t${names.join(' ')}${comment}`;

const sameNames = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((n, i) => n.toLowerCase() === b[i]?.toLowerCase());

/**
 * present: each entry's IP has exactly one line, `ip names...` (the first
 * line of that IP is rewritten in place, further lines of it are removed, a
 * new IP is appended); its names are removed from lines of other IPs (a stale
 * address for a name), and a line left without names goes.
 * absent: the entries' names are removed from every line; lines left without
 * names go (an entry's ip is not needed).
 */
export function editHosts(text: string, entries: readonly HostsEntry[], present: boolean): string {
  let lines = splitLines(text);
  for (const e of entries) {
    const names = new Set(e.names.map((n) => n.toLowerCase()));
    let placed = false;
    const next: string[] = [];
    for (const line of lines) {
      const h = parse(line);
      const eol = endsWithEol(line) ? '\n' : '';
      if (!h) {
        next.push(line);
        continue;
      }
      if (present && h.ip === e.ip) {
        if (placed) continue;
        placed = true;
        next.push(sameNames(h.names, e.names) ? line : `${format(e.ip, e.names, h.comment)}${eol}`);
        continue;
      }
      const kept = h.names.filter((n) => !names.has(n.toLowerCase()));
      if (kept.length === h.names.length) next.push(line);
      else if (kept.length) next.push(`${format(h.ip, kept, h.comment)}${eol}`);
    }
    if (present && !placed) {
      const last = next[next.length - 1];
      if (last !== undefined && !endsWithEol(last)) next[next.length - 1] = `${last}\n`;
      next.push(`${format(e.ip, e.names)}\n`);
    }
    lines = next;
  }
  return lines.join('');
}
