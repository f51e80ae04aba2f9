/** What the containerd module reads from a host, and the socket check after a (re)start. */
import { sh, type ApplyContext, type HostContext } from '../../engine/module.js';
import { aptPolicy, dpkgPackages } from '../probes/apt.js';
import { containerdVersion } from '../probes/containerd.js';
import { journalTail as unitJournal, unitProperties, unitResult } from '../probes/systemd.js';
import type { ContainerdFacts } from './containerd-plan.js';
import { isEnabled, isNotFound, isRunning } from './systemd-unit.js';

export class ContainerdProbeError extends Error {
  readonly code = 'E_CONTAINERD_PROBE';
}

export async function readFacts(ctx: HostContext, packageName: string, configPath: string, unit: string): Promise<ContainerdFacts> {
  const pkg = (await ctx.probe(dpkgPackages, [packageName])).get(packageName);
  const installed = pkg?.status === 'installed' ? pkg.version : null;
  const candidate = installed === null ? ((await ctx.probe(aptPolicy, [packageName])).get(packageName)?.candidate ?? null) : null;
  const binaryVersion = installed === null ? null : await readBinaryVersion(ctx);
  const existing = await ctx.readFile(configPath);
  return { installed, candidate, binaryVersion, existingConfig: existing === null ? null : existing.toString('utf8'), service: await readService(ctx, unit) };
}

async function readBinaryVersion(ctx: HostContext): Promise<string | null> {
  return ctx.probe(containerdVersion);
}

async function readService(ctx: HostContext, unit: string): Promise<ContainerdFacts['service']> {
  const s = await ctx.probe(unitProperties, { unit, properties: ['LoadState', 'ActiveState', 'UnitFileState'] });
  if (!s.LoadState || isNotFound(s)) return null;
  return { running: isRunning(s), enabled: isEnabled(s) };
}

/**
 * Waits until containerd answers on its socket (`ctr version` talks to the
 * daemon), polling every half second for at most `timeoutSec`. On a timeout
 * the error carries ctr's last answer and the unit's last journal lines.
 */
export async function waitForSocket(ctx: ApplyContext, socket: string, unit: string, timeoutSec: number): Promise<void> {
  const deadline = Date.now() + timeoutSec * 1000;
  let last: string;
  for (;;) {
    const r = await ctx.run(sh`ctr --address ${socket} --timeout 2s version`, { timeoutMs: 10_000 });
    if (r.exitCode === 0 && /Server:/.test(r.stdout)) return;
    last = (r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`).split('\n').slice(-2).join(' ');
    if (Date.now() >= deadline) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new ContainerdProbeError(`containerd does not answer on ${socket} after ${timeoutSec}s (ctr: ${last})${await journalTail(ctx, unit)}`);
}

/**
 * `systemctl start|restart`; a failure names systemd's Result for the unit
 * (`start-limit-hit`, `exit-code`, ...) and the unit's last log lines.
 */
export async function startService(ctx: ApplyContext, action: 'start' | 'restart', unit: string): Promise<void> {
  const r = await ctx.run(sh`systemctl ${action} ${unit}`);
  if (r.exitCode === 0) return;
  const result = await ctx.probe(unitResult, unit);
  const why = (r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`).split('\n')[0];
  throw new ContainerdProbeError(`systemctl ${action} ${unit} failed${result ? ` (Result=${result})` : ''}: ${why}${await journalTail(ctx, unit)}`);
}

async function journalTail(ctx: HostContext, unit: string): Promise<string> {
  const journal = await ctx.probe(unitJournal, unit);
  return journal.trim() ? `\nlast ${unit} log lines:\n${journal}` : '';
}
