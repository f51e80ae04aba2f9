/** What the run knows about one host: its facts, registered results, notified handlers, and whether it is still in play. */
import { emptyStats, type HostStats } from './events.js';
import { PredictedFiles } from './predicted-files.js';
import type { Vars } from '../vars/precedence.js';

export type HostStatus = 'active' | 'failed' | 'unreachable' | 'ended';

export class HostState {
  status: HostStatus = 'active';
  /** gathered facts (ansible_facts and the ansible_* names) */
  facts: Vars = {};
  factsGathered = false;
  /** set_fact and register results: they outlive the play, as in Ansible */
  readonly hostFacts: Vars = {};
  /** handler names and listen topics notified and not yet run */
  readonly notified = new Set<string>();
  readonly stats: HostStats = emptyStats();
  /** under --check: the file changes earlier tasks would have made */
  readonly predicted = new PredictedFiles();
  /** under --check: how many tasks so far predicted a change they did not make */
  predictedChanges = 0;

  constructor(readonly name: string) {}

  get active(): boolean {
    return this.status === 'active';
  }
}

export class HostStates {
  readonly #states = new Map<string, HostState>();
  /**
   * A play broke off the playbook (any_errors_fatal, max_fail_percentage exceeded, or every host
   * of a batch failed): later plays do not start, as in ansible-playbook.
   */
  playbookStopped = false;

  get(host: string): HostState {
    let s = this.#states.get(host);
    if (!s) {
      s = new HostState(host);
      this.#states.set(host, s);
    }
    return s;
  }

  all(): HostState[] {
    return [...this.#states.values()];
  }

  /** Per-host counts for the recap; like Ansible's, it lists only hosts that something was counted for. */
  stats(): Record<string, HostStats> {
    const out: Record<string, HostStats> = {};
    for (const s of [...this.#states.values()].sort((a, b) => a.name.localeCompare(b.name))) {
      if (Object.values(s.stats).some((n) => n > 0)) out[s.name] = s.stats;
    }
    return out;
  }
}
