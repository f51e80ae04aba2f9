/**
 * Lab hosts: Debian 12 containers started with testcontainers from the images
 * scripts/lab/setup.sh builds. Ryuk is disabled (its image cannot be pulled),
 * so every caller stops its hosts itself, in afterAll.
 */
import { randomBytes } from 'node:crypto';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { labImage, SETUP_SCRIPT, type LabKind } from './images.js';
import { labAvailable } from './available.js';
import { applyLabEnv } from './env.js';

export interface LabExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface LabHost {
  /** inventory name (host1, host2, ...; unique within one startHosts call) */
  readonly name: string;
  /** container id: the address of a `tsplay_connection: docker` host */
  readonly container: string;
  readonly kind: LabKind;
  /** systemd hosts: what `systemctl is-system-running --wait` answered */
  readonly systemState?: 'running' | 'degraded';
  /** runs `/bin/sh -c cmd` as root */
  exec(cmd: string): Promise<LabExecResult>;
  /** file content as UTF-8, null when it does not exist */
  readFile(path: string): Promise<string | null>;
  /** kills and removes the container */
  stop(): Promise<void>;
}

export interface StartHostsOptions {
  readonly kind?: LabKind;
  /** name of an existing docker network to attach to; the host name becomes its alias there */
  readonly network?: string;
  /** prefix of the inventory names (default "host") */
  readonly namePrefix?: string;
}

const BOOT_TIMEOUT_MS = 60_000;

/** Starts n lab hosts in parallel. If any fails to start, the others are stopped again. */
export async function startHosts(n: number, opts: StartHostsOptions = {}): Promise<LabHost[]> {
  applyLabEnv();
  const kind = opts.kind ?? 'systemd';
  if (!(await labAvailable([kind]))) {
    throw new Error(`the test lab is not ready (no Docker engine or no ${kind} image): run bash ${SETUP_SCRIPT}`);
  }
  const image = await labImage(kind);
  const run = randomBytes(3).toString('hex');
  const prefix = opts.namePrefix ?? 'host';
  const started = await Promise.allSettled(
    Array.from({ length: n }, (_, i) => startOne(image, kind, `${prefix}${i + 1}`, run, opts.network)),
  );
  const hosts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    throw failed.reason;
  }
  return hosts;
}

async function startOne(image: string, kind: LabKind, name: string, run: string, network?: string): Promise<LabHost> {
  let c = new GenericContainer(image)
    .withName(`tsplay-lab-${run}-${name}`)
    .withHostname(name)
    .withLabels({ 'tsplay.lab': 'true', 'tsplay.lab.run': run });
  if (kind === 'systemd') {
    c = c
      .withAddedCapabilities('SYS_ADMIN', 'NET_ADMIN')
      .withTmpFs({ '/run': 'rw', '/run/lock': 'rw' })
      .withBindMounts([{ source: '/sys/fs/cgroup', target: '/sys/fs/cgroup', mode: 'ro' }])
      .withCommand(['/sbin/init']);
  }
  if (network) c = c.withNetworkMode(network).withNetworkAliases(name);
  const container = await c.start();
  try {
    const systemState = kind === 'systemd' ? await waitForSystemd(container, name) : undefined;
    return makeHost(container, name, kind, systemState);
  } catch (e) {
    await container.stop({ remove: true, timeout: 0 }).catch(() => undefined);
    throw e;
  }
}

/**
 * `systemctl is-system-running --wait` fails while systemd's bus is not up yet
 * (the first tens of milliseconds), so it is retried until it names a final state.
 */
async function waitForSystemd(c: StartedTestContainer, name: string): Promise<'running' | 'degraded'> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const r = await c.exec(['systemctl', 'is-system-running', '--wait']);
    last = `${r.stdout}${r.stderr}`.trim();
    if (last === 'running' || last === 'degraded') return last;
    if (last === 'maintenance' || last === 'stopping') break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const failed = await c.exec(['systemctl', '--failed', '--no-legend']).catch(() => null);
  throw new Error(`lab host ${name}: systemd did not boot (${last || 'no answer'})${failed ? `\n${failed.stdout}` : ''}`);
}

function makeHost(c: StartedTestContainer, name: string, kind: LabKind, systemState?: 'running' | 'degraded'): LabHost {
  const exec = async (cmd: string): Promise<LabExecResult> => {
    const r = await c.exec(['/bin/sh', '-c', cmd]);
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  };
  return {
    name,
    container: c.getId(),
    kind,
    ...(systemState ? { systemState } : {}),
    exec,
    async readFile(path: string): Promise<string | null> {
      const q = `'${path.replace(/'/g, `'\\''`)}'`;
      const r = await exec(`if [ -e ${q} ]; then cat ${q}; else exit 3; fi`);
      if (r.exitCode === 3) return null;
      if (r.exitCode !== 0) throw new Error(`${name}: cannot read ${path}: ${r.stderr.trim()}`);
      return r.stdout;
    },
    async stop(): Promise<void> {
      await c.stop({ remove: true, timeout: 0 });
    },
  };
}
