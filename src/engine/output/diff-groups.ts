/**
 * Collects a task's diffs until the task ends, so a diff shared by several
 * hosts is printed once followed by the hosts it applies to.
 */
import type { Diff } from '../module.js';
import { renderDiff } from './render-diff.js';

export interface DiffGroup {
  /** the rendered (plain, uncoloured) diff lines */
  readonly lines: readonly string[];
  /** hosts with exactly this diff, in the order their results came */
  readonly hosts: readonly string[];
}

export class DiffGroups {
  readonly #groups = new Map<string, { lines: string[]; hosts: string[] }>();

  add(host: string, diffs: readonly Diff[]): void {
    for (const d of diffs) {
      const lines = renderDiff(d);
      if (lines.length === 0) continue;
      const key = lines.join('\n');
      const group = this.#groups.get(key);
      if (!group) this.#groups.set(key, { lines, hosts: [host] });
      else if (!group.hosts.includes(host)) group.hosts.push(host);
    }
  }

  /** The groups in first-seen order; empties the collection. */
  take(): DiffGroup[] {
    const out = [...this.#groups.values()];
    this.#groups.clear();
    return out;
  }
}
