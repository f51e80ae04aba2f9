/** What the containerd module reads from a host, and the socket check after a (re)start. */
import { quote, sh, type ApplyContext, type HostContext } from '../../engine/module.js';
import { parseAptPolicy, parseDpkgQuery, DPKG_QUERY_FORMAT } from './apt-packages.js';
import { parseContainerdVersion } from './containerd-config.js';
import type { ContainerdFacts } from './containerd-plan.js';
import { isEnabled, isNotFound, isRunning, parseShow } from './systemd-unit.js';

export class ContainerdProbeError extends Error {
  readonly code = 'E_CONTAINERD_PROBE';
}

export async function readFacts(ctx: HostContext, packageName: string, configPath: string, unit: string): Promise<ContainerdFacts> {
  const q = await ctx.probe(`dpkg-query -W -f=${quote(DPKG_QUERY_FORMAT)} ${quote(packageName)}`);
  if (q.exitCode > 1) throw new ContainerdProbeError(`dpkg-query failed: ${q.stderr.trim() || `exit ${q.exitCode}`}`);
  const pkg = parseDpkgQuery(q.stdout).get(packageName);
  const installed = pkg?.status === 'installed' ? pkg.version : null;
  let candidate: string | null = null;
  if (installed === null) {
    const r = await ctx.probe(`LC_ALL=C apt-cache policy ${quote(packageName)}`);
    if (r.exitCode !== 0) throw new ContainerdProbeError(`apt-cache policy failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
    candidate = parseAptPolicy(r.stdout).get(packageName)?.candidate ?? null;
  }
  const binaryVersion = installed === null ? null : await readBinaryVersion(ctx);
  const existing = await ctx.readFile(configPath);
  return { installed, candidate, binaryVersion, existingConfig: existing === null ? null : existing.toString('utf8'), service: await readService(ctx, unit) };
}

async function readBinaryVersion(ctx: HostContext): Promise<string | null> {
  const r = await ctx.probe('containerd --version');
  if (r.exitCode !== 0) return null;
  const v = parseContainerdVersion(r.stdout);
  if (v === null) throw new ContainerdProbeError(`cannot read a version from \`containerd --version\`: ${r.stdout.trim() || r.stderr.trim()}`);
  return v;
}

async function readService(ctx: HostContext, unit: string): Promise<ContainerdFacts['service']> {
  const r = await ctx.probe(sh`systemctl show ${unit} --no-pager -p LoadState,ActiveState,UnitFileState`);
  if (r.exitCode !== 0) throw new ContainerdProbeError(`systemctl show ${unit} failed: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  const s = parseShow(r.stdout);
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
  let last = '';
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
  const result = (await ctx.probe(sh`systemctl show -p Result --value ${unit}`)).stdout.trim();
  const why = (r.stderr.trim() || r.stdout.trim() || `exit ${r.exitCode}`).split('\n')[0];
  throw new ContainerdProbeError(`systemctl ${action} ${unit} failed${result ? ` (Result=${result})` : ''}: ${why}${await journalTail(ctx, unit)}`);
}

async function journalTail(ctx: HostContext, unit: string): Promise<string> {
  const journal = await ctx.probe(sh`journalctl -u ${unit} -n 10 --no-pager -o cat`);
  return journal.exitCode === 0 && journal.stdout.trim() ? `\nlast ${unit} log lines:\n${journal.stdout.trimEnd()}` : '';
}
