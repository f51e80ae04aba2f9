/**
 * Regular expressions written for Ansible (Python `re`) used from JavaScript:
 * named groups `(?P<n>...)`/`(?P=n)` are translated, and `backrefs`
 * replacement strings (`\1`, `\g<1>`, `\g<name>`) are expanded from a match.
 */
import { ModuleFailure } from '../../engine/module.js';

export function pythonRegex(source: string, param: string): RegExp {
  const js = source.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>');
  try {
    return new RegExp(js, 'u');
  } catch (e) {
    throw new ModuleFailure(`${param} '${source}' is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Python's match.expand: `\N`, `\g<N>`, `\g<name>` and escapes `\n`, `\t`, `\\`. */
export function expandBackrefs(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<(\w+)>|(\d{1,2})|([ntr\\]))/g, (_all, g: string | undefined, n: string | undefined, esc: string | undefined) => {
    if (esc) return esc === 'n' ? '\n' : esc === 't' ? '\t' : esc === 'r' ? '\r' : '\\';
    const key = g ?? n ?? '';
    const v = /^\d+$/.test(key) ? m[Number(key)] : m.groups?.[key];
    return v ?? '';
  });
}
