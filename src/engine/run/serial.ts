/**
 * `serial`: split a play's hosts into batches for rolling updates. A count
 * is a batch size (0: all hosts), a percentage a share of the play's hosts
 * (at least 1), and a list gives successive batch sizes, the last one
 * repeating. Sizes come parsed (playbook/serial.ts): nothing here can fail.
 */
import type { BatchSize } from '../playbook/serial.js';

export function serialBatches<T>(hosts: readonly T[], sizes: readonly BatchSize[] | undefined): T[][] {
  if (!sizes || sizes.length === 0 || hosts.length === 0) return hosts.length ? [[...hosts]] : [];
  const counts = sizes.map((s) => batchSize(s, hosts.length));
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = counts[Math.min(k, counts.length - 1)] ?? hosts.length;
    out.push(hosts.slice(i, i + size));
    i += size;
    k++;
  }
  return out;
}

export function batchSize(s: BatchSize, total: number): number {
  if ('percent' in s) return Math.max(1, Math.floor((s.percent / 100) * total));
  return s.hosts <= 0 ? total : s.hosts;
}
