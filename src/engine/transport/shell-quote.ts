/** POSIX shell quoting: the result is always one word, whatever the input holds. */
export function quote(value: string | number | boolean): string {
  const s = String(value);
  if (s !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Tagged template that quotes every interpolated value:
 * sh`rm -f ${path}` → `rm -f '/tmp/a b'`. Arrays become several quoted words.
 */
export function sh(strings: TemplateStringsArray, ...values: unknown[]): string {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += Array.isArray(v) ? v.map((x) => quote(String(x))).join(' ') : quote(String(v));
    out += strings[i + 1] ?? '';
  });
  return out;
}
