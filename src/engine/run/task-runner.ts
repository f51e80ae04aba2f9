/**
 * Runs one task on one host: `when`, `loop`, `until`/`retries`,
 * `changed_when`/`failed_when`, `register`, `set_fact`, `notify`, and the
 * events and statistics that follow. The module call itself is in
 * module-call.ts.
 */
import { TsplayError } from '../errors.js';
import type { Diff } from '../module.js';
import { Secret } from '../secret.js';
import type { Vars } from '../vars/precedence.js';
import type { HostStatus as EventStatus, TaskRef } from './events.js';
import type { EffectiveTask } from './inherited.js';
import { callModule, type CallOutcome } from './module-call.js';
import type { PlayScope, RunContext } from './run-context.js';
import { taskVars } from './task-vars.js';

export interface HostTaskResult {
  readonly status: EventStatus;
  /** a failure that ignore_errors turned into a warning */
  readonly ignored: boolean;
  readonly result: Vars;
}

const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function taskRef(rc: RunContext, et: EffectiveTask, handler = false): TaskRef {
  const t = et.task;
  return {
    ...(rc.modules.get(t.module)?.showsResult ? { showsResult: true } : {}),
    name: et.displayName ?? t.name ?? t.module,
    module: t.module,
    ...(et.role ? { role: et.role.name } : {}),
    ...(t.location.line !== undefined ? { where: `${t.location.file}:${t.location.line}` } : { where: t.location.file }),
    ...(handler ? { handler: true } : {}),
  };
}

export async function runTaskOnHost(rc: RunContext, ps: PlayScope, et: EffectiveTask, host: string, handler = false): Promise<HostTaskResult> {
  const started = performance.now();
  const task = et.task;
  const ref = taskRef(rc, et, handler);
  const hs = rc.hosts.get(host);
  let outcome: Outcome;
  try {
    const vars = taskVars(rc, ps, host, et);
    outcome = task.loop === undefined ? await runSingle(rc, ps, et, host, vars) : await runLoop(rc, ps, et, host, vars, ref, started);
  } catch (e) {
    // errors outside the module call: templating `when`/`loop`, undefined variables
    const msg = TsplayError.isInstance(e) ? e.format() : e instanceof Error ? e.message : String(e);
    outcome = { kind: 'failed', result: { failed: true, msg, changed: false }, msg };
  }

  const ignored = outcome.kind === 'failed' && Boolean(et.ignoreErrors);
  const status: EventStatus = outcome.kind;
  if (task.register) hs.hostFacts[task.register] = outcome.result;
  if (outcome.facts && status !== 'failed' && status !== 'unreachable') Object.assign(hs.hostFacts, outcome.facts);
  if (status === 'changed') for (const n of task.notify) hs.notified.add(n);
  count(hs.stats, status, ignored, outcome.result.changed === true);
  if (status === 'unreachable') hs.status = 'unreachable';
  else if (status === 'failed' && !ignored) hs.status = 'failed';

  {
    rc.sink.emit({
      type: 'host_result',
      task: ref,
      host,
      status,
      ...(ignored ? { ignored } : {}),
      durationMs: performance.now() - started,
      ...(outcome.msg !== undefined ? { msg: et.noLog ? CENSORED : outcome.msg } : {}),
      ...(outcome.diff && !et.noLog ? { diff: outcome.diff } : {}),
      result: publicResult(et, outcome.result),
      ...(et.delegateTo ? { delegatedTo: String(et.delegateTo) } : {}),
      ...(outcome.itemsReported ? { loopSummary: true } : {}),
    });
  }
  return { status, ignored, result: outcome.result };
}

interface Outcome {
  kind: EventStatus;
  result: Vars;
  msg?: string;
  diff?: readonly Diff[];
  facts?: Vars;
  /** loop items were already reported one by one */
  itemsReported?: boolean;
}

async function runSingle(rc: RunContext, ps: PlayScope, et: EffectiveTask, host: string, vars: Vars): Promise<Outcome> {
  if (!rc.conditions.holds(et.when, vars, et.task.location)) {
    return { kind: 'skipped', result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } };
  }
  return toOutcome(await callWithRetries(rc, ps, et, host, vars));
}

async function runLoop(rc: RunContext, ps: PlayScope, et: EffectiveTask, host: string, vars: Vars, ref: TaskRef, started: number): Promise<Outcome> {
  const task = et.task;
  const items = rc.templates.render(task.loop, vars, task.location);
  if (!Array.isArray(items)) {
    const msg = `loop needs a list, got ${items === null ? 'null' : typeof items}`;
    return { kind: 'failed', result: { failed: true, msg, changed: false }, msg };
  }
  const loopVar = task.loopControl?.loopVar ?? 'item';
  const results: Vars[] = [];
  let changed = false;
  let failed = false;
  let unreachable = false;
  const facts: Vars = {};
  const diffs: Diff[] = [];
  for (const [index, item] of items.entries()) {
    if (rc.signal.aborted) break;
    const itemVars: Vars = { ...vars, [loopVar]: item, ansible_loop_var: loopVar };
    if (task.loopControl?.indexVar) itemVars[task.loopControl.indexVar] = index;
    const label = task.loopControl?.label !== undefined ? String(rc.templates.render(task.loopControl.label, itemVars, task.location)) : itemLabel(item);
    let o: Outcome;
    if (!rc.conditions.holds(et.when, itemVars, task.location)) {
      o = { kind: 'skipped', result: { changed: false, skipped: true, skip_reason: 'Conditional result was False' } };
    } else {
      o = toOutcome(await callWithRetries(rc, ps, et, host, itemVars));
    }
    o.result = { ...o.result, [loopVar]: item, ansible_loop_var: loopVar };
    results.push(o.result);
    changed ||= o.kind === 'changed';
    failed ||= o.kind === 'failed';
    unreachable ||= o.kind === 'unreachable';
    if (o.facts) Object.assign(facts, o.facts);
    if (o.diff) diffs.push(...o.diff);
    rc.sink.emit({
      type: 'host_result',
      task: ref,
      host,
      status: o.kind,
      ...(o.kind === 'failed' && et.ignoreErrors ? { ignored: true } : {}),
      durationMs: performance.now() - started,
      item: et.noLog ? '(censored due to no_log)' : label,
      ...(o.msg !== undefined ? { msg: et.noLog ? CENSORED : o.msg } : {}),
      ...(o.diff && !et.noLog ? { diff: o.diff } : {}),
      result: publicResult(et, o.result),
    });
    if (unreachable) break;
    if (task.loopControl?.pause) await sleep(task.loopControl.pause * 1000, rc.signal);
  }
  // an empty loop is skipped, as in Ansible
  const allSkipped = results.every((r) => r.skipped === true);
  const kind: EventStatus = unreachable ? 'unreachable' : failed ? 'failed' : changed ? 'changed' : allSkipped ? 'skipped' : 'ok';
  const msg = failed ? 'One or more items failed' : results.length === 0 ? 'No items in the list' : undefined;
  return {
    kind,
    result: { changed, ...(failed ? { failed: true } : {}), ...(allSkipped ? { skipped: true } : {}), ...(msg ? { msg } : {}), results },
    ...(msg ? { msg } : {}),
    ...(Object.keys(facts).length ? { facts } : {}),
    ...(diffs.length ? { diff: diffs } : {}),
    itemsReported: true,
  };
}

/** until/retries/delay around the module call, then changed_when/failed_when. */
async function callWithRetries(rc: RunContext, ps: PlayScope, et: EffectiveTask, host: string, vars: Vars): Promise<CallOutcome> {
  const task = et.task;
  const mod = rc.modules.get(task.module);
  if (!mod) return { changed: false, failed: true, msg: `unknown module '${task.module}'`, result: { failed: true, changed: false } };
  const attempts = task.until ? Math.max(1, (task.retries ?? 3) + 1) : 1;
  let out: CallOutcome = { changed: false, failed: true, result: {} };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    out = applyOverrides(rc, et, await callModule(rc, ps, et, mod, host, vars), vars);
    // not run (check mode cannot know what it would do): nothing to retry, no result to test
    if (!task.until || out.unreachable || out.skipped) break;
    // as in Ansible: `attempts` is in the result the condition sees, and a condition met on a
    // failed result ends the retries (the task stays failed)
    out = { ...out, result: { ...out.result, attempts: attempt } };
    const done = rc.conditions.holds(task.until, resultVars(vars, task.register, out.result), task.location);
    if (done) break;
    if (attempt === attempts) {
      const msg = `condition not met after ${attempt} attempts: ${task.until.join(' and ')}`;
      out = { ...out, failed: true, msg: out.msg ?? msg, result: { ...out.result, failed: true, msg: out.result.msg ?? msg } };
      break;
    }
    rc.sink.emit({ type: 'debug', level: 0, host, message: `FAILED - RETRYING: [${host}]: ${task.name ?? task.module} (${attempts - attempt} retries left).` });
    await sleep((task.delay ?? 5) * 1000, rc.signal);
  }
  return out;
}

/** changed_when and failed_when see the result under the register name (and as `result` fields). */
function applyOverrides(rc: RunContext, et: EffectiveTask, out: CallOutcome, vars: Vars): CallOutcome {
  const task = et.task;
  // a task that did not run has no result for changed_when/failed_when to judge
  if (out.unreachable || out.skipped || (!task.changedWhen && !task.failedWhen)) return out;
  const v = resultVars(vars, task.register, out.result);
  let { changed, failed } = out;
  if (task.changedWhen) changed = rc.conditions.holds(task.changedWhen, v, task.location);
  if (task.failedWhen) failed = rc.conditions.holds(task.failedWhen, v, task.location);
  const result: Vars = { ...out.result, changed, failed };
  if (!failed) delete result.failed;
  const msg = failed ? (out.msg ?? 'failed_when condition was true') : out.msg;
  return { ...out, changed, failed, result, ...(msg !== undefined ? { msg } : {}) };
}

function resultVars(vars: Vars, register: string | undefined, result: Vars): Vars {
  return register ? { ...vars, [register]: result } : vars;
}

function toOutcome(o: CallOutcome): Outcome {
  const kind: EventStatus = o.unreachable ? 'unreachable' : o.failed ? 'failed' : o.skipped ? 'skipped' : o.changed ? 'changed' : 'ok';
  return {
    kind,
    result: o.result,
    ...(o.msg !== undefined ? { msg: o.msg } : {}),
    ...(o.diff ? { diff: o.diff } : {}),
    ...(o.facts ? { facts: o.facts } : {}),
  };
}

function count(
  stats: { ok: number; changed: number; failed: number; skipped: number; unreachable: number; ignored: number },
  status: EventStatus,
  ignored: boolean,
  resultChanged: boolean,
): void {
  if (status === 'unreachable') stats.unreachable++;
  else if (status === 'failed' && !ignored) stats.failed++;
  else if (status === 'failed') {
    // an ignored failure counts as ok and ignored (and changed, if it changed something), as in Ansible's recap
    stats.ok++;
    stats.ignored++;
    if (resultChanged) stats.changed++;
  }
  else if (status === 'skipped') stats.skipped++;
  else {
    stats.ok++;
    if (status === 'changed') stats.changed++;
  }
}

/** What the sinks are shown of a result: all of it (redacted on the way, see redacting-sink.ts), or nothing under no_log. */
function publicResult(et: EffectiveTask, result: Vars): Vars {
  if (et.noLog) return { censored: CENSORED, changed: result.changed ?? false };
  return result;
}

function itemLabel(item: unknown): string {
  if (item instanceof Secret) return String(item);
  if (typeof item === 'string') return item;
  try {
    return JSON.stringify(item);
  } catch {
    return String(item);
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
