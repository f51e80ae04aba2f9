/**
 * The pure half of the sysctl module: key and value normalisation, the
 * /proc/sys path of a key, and editing a sysctl.d file key by key (other
 * lines, comments and formatting stay as they are).
 */
import { endsWithEol, splitLines, stripEol } from './text-lines.js';

/** Values compare with whitespace collapsed: the kernel prints tabs between the parts of multi-value keys. */
export function normalizeValue(value: string): string {
  return value.trim().split(/\s+/).join(' ');
}

/** Ansible's rule: booleans (and yes/no/true/false/on/off) become 1/0; numbers their decimal text. */
export function valueText(value: string | number | boolean): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  const text = normalizeValue(String(value));
  if (/^(true|yes|on)$/i.test(text)) return '1';
  if (/^(false|no|off)$/i.test(text)) return '0';
  return text;
}

/**
 * The key in dotted form. As sysctl(8): when the key contains a dot, dots
 * separate the parts and a slash stands for a dot inside a part (an interface
 * named `eth0.100`: `net.ipv4.conf.eth0/100.forwarding`); otherwise slashes separate.
 */
export function procPath(key: string): string {
  const parts = key.includes('.') ? key.split('.').map((p) => p.replace(/\//g, '.')) : key.split('/');
  return `/proc/sys/${parts.join('/')}`;
}

/** How a key written in a file compares: leading "-" (ignore errors) dropped, slash form made dotted. */
export function keyId(key: string): string {
  const k = key.trim().replace(/^-/, '');
  return k.includes('.') ? k : k.replace(/\//g, '.');
}

interface ParsedLine {
  readonly key: string;
  readonly value: string;
}

/** `key = value` (or `key=value`); comments (# ;) and blank lines give null. */
export function parseLine(line: string): ParsedLine | null {
  const text = stripEol(line).trim();
  if (!text || text.startsWith('#') || text.startsWith(';')) return null;
  const eq = text.indexOf('=');
  if (eq < 0) return null;
  return { key: keyId(text.slice(0, eq)), value: normalizeValue(text.slice(eq + 1)) };
}

/** Current values in the file (the last line for a key wins, as `sysctl --system` applies them in order). */
export function fileValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of splitLines(text)) {
    const p = parseLine(line);
    if (p) out.set(p.key, p.value);
  }
  return out;
}

export type KeyEdit = { readonly key: string; readonly value: string } | { readonly key: string; readonly absent: true };

/**
 * Applies the edits to the file's text. present: the first line of the key
 * gets the value (a line that already has it is kept byte for byte), later
 * lines of the same key are removed, a missing key is appended as `key = value`.
 * absent: every line of the key is removed.
 */
export function editSysctlFile(text: string, edits: readonly KeyEdit[]): string {
  let lines = splitLines(text);
  for (const edit of edits) {
    const id = keyId(edit.key);
    const wanted = 'value' in edit ? `${edit.key} = ${edit.value}` : null;
    let placed = false;
    const next: string[] = [];
    for (const line of lines) {
      const p = parseLine(line);
      if (!p || p.key !== id) {
        next.push(line);
        continue;
      }
      if (wanted === null || placed) continue;
      placed = true;
      next.push(p.value === normalizeValue((edit as { value: string }).value) ? line : `${wanted}${endsWithEol(line) ? '\n' : ''}`);
    }
    if (wanted !== null && !placed) {
      const last = next[next.length - 1];
      if (last !== undefined && !endsWithEol(last)) next[next.length - 1] = `${last}\n`;
      next.push(`${wanted}\n`);
    }
    lines = next;
  }
  return lines.join('');
}
