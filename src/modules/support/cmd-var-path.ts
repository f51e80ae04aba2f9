/**
 * Looking a variable up by the path `debug: var=` accepts: `a`, `a.b`,
 * `a[0]`, `a['b']`. Own properties only; `found: false` when any step is missing.
 */
export type VarLookup = { readonly found: true; readonly value: unknown } | { readonly found: false };

/** Splits `a.b[0]['c']` into ["a", "b", "0", "c"]; null when it is not a plain path (an expression). */
export function parseVarPath(path: string): string[] | null {
  const re = /^(?:\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;
  const parts: string[] = [];
  let rest = path.trim();
  if (!/^[A-Za-z_]/.test(rest)) return null;
  while (rest.length) {
    const m = re.exec(rest);
    if (!m) return null;
    parts.push(m[1] ?? m[2] ?? m[3] ?? m[4] ?? '');
    rest = rest.slice(m[0].length);
  }
  return parts;
}

export function lookupVarPath(vars: Readonly<Record<string, unknown>>, parts: readonly string[]): VarLookup {
  let cur: unknown = vars;
  for (const key of parts) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return { found: false };
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur === undefined ? { found: false } : { found: true, value: cur };
}
