/**
 * Host patterns, as Ansible's InventoryManager evaluates them: `all`, `*`,
 * names of groups or hosts, `a:b` / `a,b` (union), `a:&b` (intersection),
 * `a:!b` (exclusion), shell wildcards, `~regex`, and `group[0]`, `group[1:3]`,
 * `group[2:]`, `group[-1]` subscripts. Unions come first, then intersections,
 * then exclusions, whatever order they are written in. A name that matches
 * nothing is a warning, not an error; a malformed pattern is an error.
 */
import { HostPatternError } from './errors.js';
import { fnmatchToRegExp } from './fnmatch.js';
import type { Inventory } from './inventory.js';
import { LOCALHOST_NAMES } from './model.js';

export interface HostMatch {
  readonly hosts: string[];
  readonly warnings: string[];
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

export function matchHosts(inv: Inventory, pattern: string): HostMatch {
  const warnings: string[] = [];
  let hosts: string[] = [];
  for (const p of orderPatterns(splitHostPattern(pattern))) {
    if (inv.hosts.has(p)) {
      hosts.push(p);
      continue;
    }
    const that = matchOne(inv, p, warnings);
    if (p.startsWith('!')) {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p.startsWith('&')) {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const have = new Set(hosts);
      hosts.push(...that.filter((h) => !have.has(h)));
    }
  }
  return { hosts: [...new Set(hosts)], warnings: [...new Set(warnings)] };
}

/** `a,b` splits on commas; otherwise on colons outside `[...]` (kept whole for a bare IPv6 address). */
export function splitHostPattern(pattern: string): string[] {
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (/^[0-9a-fA-F]*:[0-9a-fA-F]*:[0-9a-fA-F:.]*$/.test(pattern.trim())) parts = [pattern];
  else {
    parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
    const leftover = pattern.replace(/(?:[^\s:[\]]|\[[^\]]*\])+/g, '').replace(/[\s:]/g, '');
    if (leftover) throw new HostPatternError(pattern, `unbalanced '${leftover[0]}'`, { hint: 'subscripts are written group[0] or group[1:3]' });
  }
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function orderPatterns(patterns: readonly string[]): string[] {
  const regular = patterns.filter((p) => !p.startsWith('!') && !p.startsWith('&'));
  const intersect = patterns.filter((p) => p.startsWith('&'));
  const exclude = patterns.filter((p) => p.startsWith('!'));
  return [...(regular.length ? regular : ['all']), ...intersect, ...exclude];
}

function matchOne(inv: Inventory, raw: string, warnings: string[]): string[] {
  const pattern = raw.startsWith('!') || raw.startsWith('&') ? raw.slice(1) : raw;
  if (pattern === '') throw new HostPatternError(raw, `'${raw}' needs a name after it`);
  const { expr, subscript } = splitSubscript(pattern);
  const hosts = enumerateMatches(inv, expr, warnings);
  return applySubscript(hosts, subscript, pattern);
}

type Subscript = { start: number; end?: number };

function splitSubscript(pattern: string): { expr: string; subscript?: Subscript } {
  if (pattern.startsWith('~')) return { expr: pattern };
  const m = SUBSCRIPT.exec(pattern);
  if (!m?.[1]) return { expr: pattern };
  const [, expr, idx, start, , end] = m;
  if (idx !== undefined) return { expr, subscript: { start: Number(idx) } };
  return { expr, subscript: { start: Number(start), end: end ? Number(end) : -1 } };
}

function applySubscript(hosts: string[], s: Subscript | undefined, pattern: string): string[] {
  if (!s || hosts.length === 0) return hosts;
  if (s.end) {
    const end = s.end === -1 ? hosts.length - 1 : s.end;
    return hosts.slice(s.start, end + 1);
  }
  const i = s.start < 0 ? hosts.length + s.start : s.start;
  const host = hosts[i];
  if (host === undefined) throw new HostPatternError(pattern, `no hosts matched the subscripted pattern (only ${hosts.length})`);
  return [host];
}

function enumerateMatches(inv: Inventory, pattern: string, warnings: string[]): string[] {
  const re = compile(pattern);
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) results.push(...inv.groupHosts(g));
  if (groups.length === 0 || pattern.startsWith('~') || /[.?*[]/.test(pattern)) {
    for (const h of inv.hosts.keys()) if (re.test(h)) results.push(h);
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(pattern)) results.push(pattern);
  if (results.length === 0 && groups.length === 0 && pattern !== 'all') {
    warnings.push(`Could not match supplied host pattern, ignoring: ${pattern}`);
  }
  return [...new Set(results)];
}

function compile(pattern: string): RegExp {
  if (!pattern.startsWith('~')) return fnmatchToRegExp(pattern);
  try {
    return new RegExp(`^(?:${pattern.slice(1)})`, 's');
  } catch (e) {
    throw new HostPatternError(pattern, `invalid regular expression: ${(e as Error).message}`);
  }
}
