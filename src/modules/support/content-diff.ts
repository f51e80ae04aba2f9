/**
 * The diff shown for a file whose content changes: the text before and after
 * (the engine renders it unified, labelled with the path), or, for binary or
 * very large files, a summary object as Ansible does.
 */
import { createHash } from 'node:crypto';
import type { Diff } from '../../engine/module.js';

/** Files above this size get a summary instead of a text diff (Ansible's default max_diff_size). */
export const MAX_DIFF_BYTES = 104_448;

export function sha256(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex');
}

export function isBinary(content: Buffer): boolean {
  return content.subarray(0, 8192).includes(0);
}

function describe(content: Buffer): Readonly<Record<string, unknown>> {
  return { size: content.length, checksum: sha256(content), ...(isBinary(content) ? { binary: true } : {}) };
}

/** `before` null: the file does not exist yet (diffed from empty text). */
export function contentDiff(path: string, before: Buffer | null, after: Buffer): Diff {
  const old = before ?? Buffer.alloc(0);
  const textual = !isBinary(old) && !isBinary(after) && old.length <= MAX_DIFF_BYTES && after.length <= MAX_DIFF_BYTES;
  if (textual) return { label: path, before: old.toString('utf8'), after: after.toString('utf8') };
  return { label: path, before: before ? { path, ...describe(before) } : { path, state: 'absent' }, after: { path, ...describe(after) } };
}
