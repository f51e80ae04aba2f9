/**
 * A module written as a string (`command: ls -l`, `copy: src=a dest=b`):
 * modules with a free-form parameter take the whole string; others take
 * Ansible's `key=value` pairs (values may be quoted).
 */
export type FreeFormResult = { ok: true; args: Record<string, string> } | { ok: false; token: string };

export function parseKeyValues(text: string): FreeFormResult {
  const args: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|'[^']*'|\S*)\s*/y;
  let pos = 0;
  const s = text.trim();
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return { ok: false, token: s.slice(pos).split(/\s+/)[0] ?? s };
    const raw = m[2] ?? '';
    args[m[1]!] = /^["']/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    pos = re.lastIndex;
  }
  return { ok: true, args };
}
