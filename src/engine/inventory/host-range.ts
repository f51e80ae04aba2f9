/**
 * Host keys in an inventory: `web[1:3]`, `node[01:10:2]`, `[a:c].example.com`,
 * several ranges in one name, and an optional `:port` suffix — expanded the
 * way Ansible's expand_hostname_range does.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A malformed range; the caller adds the location. */
export class HostRangeSyntax extends Error {}

export interface HostKey {
  readonly names: readonly string[];
  readonly port?: number;
}

/** Splits `name:port` (or `[v6]:port`) and expands ranges in the name. */
export function parseHostKey(key: string): HostKey {
  const { name, port } = splitPort(key);
  return port === undefined ? { names: expandHostRange(name) } : { names: expandHostRange(name), port };
}

function splitPort(key: string): { name: string; port?: number } {
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(key);
  if (v6?.[1] && v6[2]) return { name: v6[1], port: Number(v6[2]) };
  // a colon outside brackets followed by digits only, and only one such colon (not IPv6)
  const m = /^((?:[^:[\]]|\[[^\]]*\])+):(\d+)$/.exec(key);
  if (m?.[1] && m[2]) return { name: m[1], port: Number(m[2]) };
  return { name: key };
}

export function expandHostRange(name: string): string[] {
  const open = name.indexOf('[');
  if (open < 0) return [name];
  const close = name.indexOf(']', open);
  if (close < 0) throw new HostRangeSyntax(`unterminated host range in '${name}'`);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw new HostRangeSyntax(`host range must be begin:end or begin:end:step in '${name}'`);
  const [begRaw = '', end = '', stepRaw = '1'] = bounds;
  const beg = begRaw === '' ? '0' : begRaw;
  if (end === '') throw new HostRangeSyntax(`host range must specify an end value in '${name}'`);
  const step = Number(stepRaw);
  if (!Number.isInteger(step) || step <= 0) throw new HostRangeSyntax(`host range step must be a positive integer in '${name}'`);
  let fill = (x: string | number): string => String(x);
  if (beg.startsWith('0') && beg.length > 1) {
    if (beg.length !== end.length) throw new HostRangeSyntax(`host range must specify equal-length begin and end formats in '${name}'`);
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  const out: string[] = [];
  for (const item of rangeItems(beg, end, step, name)) out.push(...expandHostRange(head + fill(item) + tail));
  return out;
}

function rangeItems(beg: string, end: string, step: number, name: string): (string | number)[] {
  const ib = LETTERS.indexOf(beg);
  const ie = LETTERS.indexOf(end);
  if (ib >= 0 && ie >= 0 && /^[a-zA-Z]+$/.test(beg) && /^[a-zA-Z]+$/.test(end)) {
    if (ib > ie) throw new HostRangeSyntax(`host range must have begin <= end in '${name}'`);
    const items: string[] = [];
    for (let i = ib; i <= ie; i += step) items.push(LETTERS[i] as string);
    return items;
  }
  if (!/^\d+$/.test(beg) || !/^\d+$/.test(end)) throw new HostRangeSyntax(`host range bounds must be numbers or letters in '${name}'`);
  const items: number[] = [];
  for (let i = Number(beg); i <= Number(end); i += step) items.push(i);
  return items;
}
