/**
 * `serial`: split a play's hosts into batches for rolling updates. A number
 * is a batch size, "30%" a share of the play's hosts (at least 1), and a
 * list gives successive batch sizes, the last one repeating.
 */
export function serialBatches<T>(hosts: readonly T[], serial: readonly (number | string)[] | undefined): T[][] {
  if (!serial || serial.length === 0 || hosts.length === 0) return hosts.length ? [[...hosts]] : [];
  const sizes = serial.map((s) => batchSize(s, hosts.length));
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k, sizes.length - 1)] ?? hosts.length;
    out.push(hosts.slice(i, i + size));
    i += size;
    k++;
  }
  return out;
}

export function batchSize(s: number | string, total: number): number {
  if (typeof s === 'number') return s <= 0 ? total : Math.floor(s);
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(s);
  if (m) return Math.max(1, Math.floor((Number(m[1]) / 100) * total));
  const n = Number(s);
  if (Number.isFinite(n)) return n <= 0 ? total : Math.floor(n);
  throw new Error(`invalid serial value '${s}'`);
}
