/**
 * The JUnit report as data: one suite per play, one case per task × host.
 * Results of one task on one host (loop items) merge into one case: any
 * unreachable item makes it an error, any failed item (not ignored) a failure,
 * all items skipped makes it skipped; times add up. Ignored failures pass, as
 * with Ansible's junit callback default (JUNIT_FAIL_ON_IGNORE=false).
 */
import type { HostResultEvent } from './event-kinds.js';
import { taskLabel } from './task-label.js';

export type JunitOutcome =
  | { readonly kind: 'passed' }
  | { readonly kind: 'skipped'; readonly message: string }
  | { readonly kind: 'failure'; readonly message: string; readonly detail: string }
  | { readonly kind: 'error'; readonly message: string; readonly detail: string };

export interface JunitCase {
  readonly classname: string;
  readonly name: string;
  readonly timeMs: number;
  readonly outcome: JunitOutcome;
}

export interface JunitSuite {
  readonly name: string;
  readonly cases: readonly JunitCase[];
}

/** The results of one task run on one host. */
interface CaseResults {
  readonly play: string;
  readonly task: string;
  readonly host: string;
  readonly results: HostResultEvent[];
}

export const NO_PLAY = '(no play)';

function itemPrefix(r: HostResultEvent): string {
  return r.item === undefined ? '' : `(item=${r.item}) `;
}

function describe(rs: readonly HostResultEvent[], fallback: string): { message: string; detail: string } {
  const message = rs.map((r) => itemPrefix(r) + (r.msg ?? fallback)).join('; ');
  const detail = rs.map((r) => itemPrefix(r) + JSON.stringify({ msg: r.msg, ...r.result }, null, 2)).join('\n');
  return { message, detail };
}

function outcomeOf(rs: readonly HostResultEvent[]): JunitOutcome {
  const unreachable = rs.filter((r) => r.status === 'unreachable');
  if (unreachable.length > 0) return { kind: 'error', ...describe(unreachable, 'unreachable') };
  const failed = rs.filter((r) => r.status === 'failed' && !r.ignored);
  if (failed.length > 0) return { kind: 'failure', ...describe(failed, 'failed') };
  if (rs.length > 0 && rs.every((r) => r.status === 'skipped')) {
    return { kind: 'skipped', message: rs.map((r) => r.msg).filter((m) => m !== undefined).join('; ') };
  }
  return { kind: 'passed' };
}

/** Collects host results into suites and cases; `suites()` gives the report so far. */
export class JunitCollector {
  readonly #suites = new Map<string, Map<string, CaseResults>>();
  #play = NO_PLAY;

  startPlay(name: string): void {
    this.#play = name;
    if (!this.#suites.has(name)) this.#suites.set(name, new Map());
  }

  add(taskRun: string, r: HostResultEvent): void {
    const suite = this.#suites.get(this.#play) ?? new Map<string, CaseResults>();
    this.#suites.set(this.#play, suite);
    const key = `${taskRun}\u0000${r.host}`;
    const existing = suite.get(key);
    if (existing) existing.results.push(r);
    else suite.set(key, { play: this.#play, task: taskLabel(r.task), host: r.host, results: [r] });
  }

  suites(): JunitSuite[] {
    return [...this.#suites].map(([name, cases]) => ({
      name,
      cases: [...cases.values()].map((c) => ({
        classname: c.play,
        name: `[${c.host}] ${c.task}`,
        timeMs: c.results.reduce((sum, r) => sum + r.durationMs, 0),
        outcome: outcomeOf(c.results),
      })),
    }));
  }
}
