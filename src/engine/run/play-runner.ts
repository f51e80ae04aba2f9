/**
 * Runs one play: resolves its hosts, splits them into serial batches, loads
 * vars_files, gathers facts, and runs pre_tasks, roles and tasks, and
 * post_tasks, flushing handlers after each section, with the play's strategy.
 */
import pLimit from 'p-limit';
import { TsplayError, UnreachableError } from '../errors.js';
import type { Play } from '../playbook/model.js';
import type { Vars } from '../vars/precedence.js';
import { renderConnectionVars } from './connection-vars.js';
import { flushHandlers, unknownNotifications } from './handlers.js';
import { fromPlay, type Inherited } from './inherited.js';
import { runNodes, type NodeRunner } from './node-runner.js';
import type { PlayScope, RunContext } from './run-context.js';
import { serialSizes } from './play-keywords.js';
import { serialBatches } from './serial.js';
import { playLevelVars, taskVars } from './task-vars.js';

export async function runPlay(rc: RunContext, play: Play): Promise<void> {
  if (rc.hosts.playbookStopped) return;
  const { hosts, warned } = playHosts(rc, play);
  for (const h of hosts) if (rc.hosts.get(h).status === 'ended') rc.hosts.get(h).status = 'active';
  // hosts that failed or were unreachable in an earlier play stay out, as in Ansible
  const active = hosts.filter((h) => rc.hosts.get(h).active);
  rc.sink.emit({ type: 'play_start', name: play.name, hosts: active });
  if (active.length === 0) {
    if (!warned) rc.sink.emit({ type: 'warning', message: `no hosts matched '${play.hosts}' for play '${play.name}'; skipping` });
    rc.sink.emit({ type: 'play_end', name: play.name });
    return;
  }
  const ps: PlayScope = { play, playHosts: active, batch: [], varsFiles: new Map(), aborted: false };
  const r: NodeRunner = { rc, ps, limit: pLimit(Math.max(1, play.forks ?? rc.options.forks)) };
  const inh = fromPlay(play);
  for (const batch of serialBatches(active, serialSizes(play, () => playLevelVars(rc, { play }), rc.templates))) {
    if (rc.signal.aborted) break;
    ps.batch = batch;
    loadVarsFiles(rc, ps, batch, inh);
    if (play.gatherFacts) await gatherFacts(r, batch);
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      if (play.strategy === 'free') await Promise.all(batch.map((h) => runNodes(r, section, [h], inh)));
      else await runNodes(r, section, batch, inh);
      if (ps.aborted || rc.signal.aborted) break;
      await flushHandlers(r, batch);
    }
    for (const n of unknownNotifications(r, batch)) rc.sink.emit({ type: 'warning', message: `a task notified '${n}', but no handler has that name or listens to it` });
    if (ps.aborted) break;
    // a batch in which every host failed ends the play (later batches are not started) and the playbook
    if (batch.every((h) => !rc.hosts.get(h).active && rc.hosts.get(h).status !== 'ended')) {
      rc.hosts.playbookStopped = true;
      break;
    }
  }
  rc.sink.emit({ type: 'play_end', name: play.name });
}

export function playHosts(rc: RunContext, play: Play): { hosts: string[]; warned: boolean } {
  const pattern = String(rc.templates.render(play.hosts, playLevelVars(rc, { play }), play.location));
  const matched = rc.inventory.match(pattern);
  for (const w of matched.warnings) rc.sink.emit({ type: 'warning', message: w });
  const warned = matched.warnings.length > 0;
  if (!rc.options.limit) return { hosts: matched.hosts, warned };
  const limited = new Set(rc.inventory.match(rc.options.limit).hosts);
  return { hosts: matched.hosts.filter((h) => limited.has(h)), warned };
}

function loadVarsFiles(rc: RunContext, ps: PlayScope, batch: readonly string[], inh: Inherited): void {
  if (ps.play.varsFiles.length === 0) return;
  const cache = new Map<string, Vars>();
  for (const h of batch) {
    const vars = taskVars(rc, ps, h, inh);
    const merged: Vars = {};
    for (const raw of ps.play.varsFiles) {
      const path = String(rc.templates.render(raw, vars, ps.play.location));
      let v = cache.get(path);
      if (!v) {
        v = rc.files.loadVars(path, ps.play.baseDir, ps.play.location);
        cache.set(path, v);
      }
      Object.assign(merged, v);
    }
    ps.varsFiles.set(h, merged);
  }
}

const GATHER_TASK = { name: 'Gathering Facts', module: 'gather_facts' } as const;

async function gatherFacts(r: NodeRunner, batch: readonly string[]): Promise<void> {
  const { rc, ps } = r;
  const targets = batch.filter((h) => rc.hosts.get(h).active);
  if (targets.length === 0) return;
  const started = performance.now();
  rc.sink.emit({ type: 'task_start', task: GATHER_TASK, hosts: targets });
  await Promise.all(
    targets.map((h) =>
      r.limit(async () => {
        const hs = rc.hosts.get(h);
        const t0 = performance.now();
        if (!hs.factsGathered) {
          try {
            const vars = taskVars(rc, ps, h, fromPlay(ps.play));
            const conn = await rc.connections.get(rc.inventory.connectionSettings(h, renderConnectionVars(rc.templates, vars)));
            // an API host (tsplay_connection: http) has no shell to gather facts with: it gets none
            if (conn.shell !== false) hs.facts = await rc.facts.gather((cmd) => conn.exec(cmd, { quick: true }));
            hs.factsGathered = true;
          } catch (e) {
            const unreachable = e instanceof UnreachableError;
            const msg = TsplayError.isInstance(e) ? e.format() : (e as Error).message;
            hs.status = unreachable ? 'unreachable' : 'failed';
            if (unreachable) hs.stats.unreachable++;
            else hs.stats.failed++;
            rc.sink.emit({
              type: 'host_result',
              task: GATHER_TASK,
              host: h,
              status: unreachable ? 'unreachable' : 'failed',
              durationMs: performance.now() - t0,
              msg,
              result: { msg },
            });
            return;
          }
        }
        hs.stats.ok++;
        rc.sink.emit({ type: 'host_result', task: GATHER_TASK, host: h, status: 'ok', durationMs: performance.now() - t0, result: {} });
      }),
    ),
  );
  rc.sink.emit({ type: 'task_end', task: GATHER_TASK, durationMs: performance.now() - started });
}
