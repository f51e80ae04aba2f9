/**
 * Walks a list of task nodes (tasks, blocks, include_tasks, meta) over a set
 * of hosts. With the linear strategy it is called once with all the batch's
 * hosts (each task finishes everywhere before the next starts); with the free
 * strategy once per host. Failed hosts drop out; blocks send them to rescue
 * and always.
 */
import pLimit from 'p-limit';
import picomatch from 'picomatch';
import { TsplayError } from '../errors.js';
import { containsSecret } from '../secret.js';
import type { Block, IncludeTasks, Meta, Task, TaskNode } from '../playbook/model.js';
import { extend, effective, type EffectiveTask, type Inherited } from './inherited.js';
import type { PlayScope, RunContext } from './run-context.js';
import { tagsSelect } from './tags.js';
import { runTaskOnHost, taskRef } from './task-runner.js';
import { playLevelVars, taskVars } from './task-vars.js';
import { flushHandlers } from './handlers.js';

export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export interface NodeRunner {
  readonly rc: RunContext;
  readonly ps: PlayScope;
  readonly limit: Limiter;
  /** inside a block that has a rescue: a failure there goes to the rescue, so failure policies do not apply yet */
  readonly rescuable?: boolean;
}

export function activeHosts(r: NodeRunner, hosts: readonly string[]): string[] {
  return hosts.filter((h) => r.rc.hosts.get(h).active);
}

export async function runNodes(r: NodeRunner, nodes: readonly TaskNode[], hosts: readonly string[], inh: Inherited): Promise<void> {
  for (const node of nodes) {
    if (r.ps.aborted || r.rc.signal.aborted) return;
    if (activeHosts(r, hosts).length === 0) return;
    switch (node.kind) {
      case 'task':
        await runTask(r, node, hosts, inh);
        break;
      case 'block':
        await runBlock(r, node, hosts, inh);
        break;
      case 'include_tasks':
        await runInclude(r, node, hosts, inh);
        break;
      case 'meta':
        await runMeta(r, node, hosts, inh);
        break;
    }
  }
}

export async function runTask(r: NodeRunner, task: Task, hosts: readonly string[], inh: Inherited, handler = false): Promise<void> {
  const { rc, ps } = r;
  const et = withDisplayName(rc, r.ps, effective(inh, task));
  if (!handler && !tagsSelect(et.tags, rc.options.tags)) return;
  if (!handler && rc.startAtPending) {
    if (!task.name || !picomatch.isMatch(task.name, rc.options.startAtTask ?? '')) return;
    rc.startAtPending = false;
  }
  const targets = activeHosts(r, hosts);
  if (targets.length === 0) return;
  const ref = taskRef(rc, et, handler);
  const started = performance.now();
  rc.sink.emit({ type: 'task_start', task: ref, hosts: targets });
  if (et.runOnce) {
    const [first, ...rest] = targets as [string, ...string[]];
    const res = await r.limit(() => runTaskOnHost(rc, ps, et, first, handler));
    // run_once: the result applies to every host of the batch, as in Ansible
    for (const h of rest) {
      const hs = rc.hosts.get(h);
      if (task.register) hs.hostFacts[task.register] = res.result;
      if (res.status === 'changed') for (const n of task.notify) hs.notified.add(n);
    }
  } else {
    // throttle: at most N of this task's hosts at once; a host waits for its throttle slot before it takes a fork
    const throttle = et.throttle ? pLimit(et.throttle) : undefined;
    const one = (h: string): Promise<unknown> => r.limit(() => runTaskOnHost(rc, ps, et, h, handler));
    await Promise.all(targets.map((h) => (throttle ? throttle(() => one(h)) : one(h))));
  }
  rc.sink.emit({ type: 'task_end', task: ref, durationMs: performance.now() - started });
  if (!r.rescuable) applyFailurePolicy(r, targets, et.task.any_errors_fatal);
}

/** any_errors_fatal and max_fail_percentage, judged per serial batch. */
function applyFailurePolicy(r: NodeRunner, targets: readonly string[], taskFatal: boolean | undefined): void {
  const { rc, ps } = r;
  const failedNow = targets.filter((h) => rc.hosts.get(h).status === 'failed' || rc.hosts.get(h).status === 'unreachable');
  if (failedNow.length === 0) return;
  // both end the play and the rest of the playbook, as in ansible-playbook
  if (taskFatal ?? ps.play.anyErrorsFatal) {
    ps.aborted = true;
    rc.hosts.playbookStopped = true;
    return;
  }
  const pct = ps.play.maxFailPercentage;
  if (pct !== undefined) {
    const failedInBatch = ps.batch.filter((h) => !rc.hosts.get(h).active && rc.hosts.get(h).status !== 'ended').length;
    if ((failedInBatch / ps.batch.length) * 100 > pct) {
      ps.aborted = true;
      rc.hosts.playbookStopped = true;
    }
  }
}

async function runBlock(r: NodeRunner, block: Block, hosts: readonly string[], inh: Inherited): Promise<void> {
  const { rc } = r;
  const inner = extend(inh, block);
  const entered = activeHosts(r, hosts);
  await runNodes(block.rescue.length ? { ...r, rescuable: true } : r, block.block, entered, inner);
  const failed = entered.filter((h) => rc.hosts.get(h).status === 'failed');
  if (block.rescue.length && failed.length) {
    for (const h of failed) {
      const hs = rc.hosts.get(h);
      hs.status = 'active';
      hs.stats.failed = Math.max(0, hs.stats.failed - 1);
      hs.stats.rescued++;
    }
    await runNodes(r, block.rescue, failed, inner);
  }
  if (block.always.length) {
    const stillFailed = entered.filter((h) => rc.hosts.get(h).status === 'failed');
    for (const h of stillFailed) rc.hosts.get(h).status = 'active';
    await runNodes(r, block.always, entered, inner);
    for (const h of stillFailed) {
      const hs = rc.hosts.get(h);
      if (hs.status === 'active') hs.status = 'failed';
    }
  }
}

async function runInclude(r: NodeRunner, inc: IncludeTasks, hosts: readonly string[], inh: Inherited): Promise<void> {
  const { rc, ps } = r;
  const outer = extend(inh, { ...inc, when: [] });
  // included tasks inherit the include's tags (so --tags reaches them, unlike Ansible's include_tasks without apply);
  // the include's own `when` decides whether it is included; the included tasks do not inherit it
  const groups = new Map<string, { hosts: string[]; items: unknown[] | undefined }>();
  for (const h of activeHosts(r, hosts)) {
    let file: string;
    let items: unknown[] | undefined;
    try {
      const vars = taskVars(rc, ps, h, outer);
      if (!rc.conditions.holds(inc.when, vars, inc.location)) continue;
      file = String(rc.templates.render(inc.file, vars, inc.location));
      items = inc.loop === undefined ? undefined : (rc.templates.render(inc.loop, vars, inc.location) as unknown[]);
    } catch (e) {
      failInclude(r, inc, [h], e);
      continue;
    }
    // hosts that include the same file over the same items run it together (linear: task by task), as in Ansible
    // (secrets print masked, so items holding one are never shared)
    const shared = inc.loop === undefined || !containsSecret(items);
    const key = inc.loop === undefined ? file : `${file}\u0000${shared ? JSON.stringify(items) : h}`;
    const g = groups.get(key) ?? { hosts: [], items };
    g.hosts.push(h);
    groups.set(key, g);
  }
  for (const [key, g] of groups) {
    const file = key.split('\u0000')[0] ?? key;
    let nodes: readonly TaskNode[];
    try {
      nodes = rc.files.loadTasks(file, inc.baseDir, inc.role ?? inh.role, inc.location);
    } catch (e) {
      failInclude(r, inc, g.hosts, e);
      continue;
    }
    if (!g.items) {
      await runNodes(r, nodes, g.hosts, outer);
      continue;
    }
    const loopVar = inc.loopControl?.loopVar ?? 'item';
    for (const [i, item] of (Array.isArray(g.items) ? g.items : []).entries()) {
      const vars: Record<string, unknown> = { [loopVar]: item };
      if (inc.loopControl?.indexVar) vars[inc.loopControl.indexVar] = i;
      await runNodes(r, nodes, g.hosts, { ...outer, vars: [...outer.vars, vars] });
    }
  }
}

/**
 * An include that cannot be templated or loaded (missing file, invalid tasks) fails the hosts
 * that reached it, as in Ansible, instead of ending the whole run.
 */
function failInclude(r: NodeRunner, inc: IncludeTasks, hosts: readonly string[], e: unknown): void {
  if (!TsplayError.isInstance(e)) throw e;
  const { rc } = r;
  const msg = e.format();
  const task = {
    name: inc.name ?? `include_tasks: ${inc.file}`,
    module: 'include_tasks',
    where: inc.location.line !== undefined ? `${inc.location.file}:${inc.location.line}` : inc.location.file,
  };
  for (const h of hosts) {
    const hs = rc.hosts.get(h);
    hs.status = 'failed';
    hs.stats.failed++;
    rc.sink.emit({ type: 'host_result', task, host: h, status: 'failed', durationMs: 0, msg, result: { failed: true, msg, changed: false } });
  }
}

async function runMeta(r: NodeRunner, meta: Meta, hosts: readonly string[], inh: Inherited): Promise<void> {
  const { rc, ps } = r;
  const inner = extend(inh, meta);
  const targets = activeHosts(r, hosts).filter((h) => rc.conditions.holds(inner.when, taskVars(rc, ps, h, inner), meta.location));
  switch (meta.action) {
    case 'flush_handlers':
      await flushHandlers(r, hosts);
      break;
    case 'end_play':
      if (targets.length) ps.aborted = true;
      break;
    case 'end_host':
      for (const h of targets) rc.hosts.get(h).status = 'ended';
      break;
    case 'clear_facts':
      for (const h of targets) rc.hosts.get(h).facts = {};
      break;
    case 'noop':
    case 'refresh_inventory':
      break;
  }
}

/** Task names may use variables, as in Ansible: rendered once per task with the play's variables (left as written when they need more). */
function withDisplayName(rc: RunContext, ps: PlayScope, et: EffectiveTask): EffectiveTask {
  const name = et.task.name;
  if (!name || !name.includes('{{')) return et;
  try {
    return { ...et, displayName: String(rc.templates.render(name, playLevelVars(rc, ps), et.task.location)) };
  } catch {
    return et;
  }
}
