/**
 * Shared set-up of the SSH end-to-end tests (test/e2e/ssh-*.test.ts): lab
 * hosts reached over SSH on 127.0.0.1 with a generated key and verified host
 * keys, an isolated home directory for the CLI (no ~/.ssh of the machine, no
 * agent), inventories, and the built CLI run as a child process.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { createSshKey, labImage, type SshKeyPair, type SshLabHost } from '../lab/index.js';
import { dockerExec, startAllOrNone, waitForBanner } from '../lab/ssh-hosts.js';

export { dockerExec };

const run = promisify(execFile);
import { parseRecap, type Recap } from '../cli/cli-harness.js';

export { parseRecap, type Recap };
export const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/tsplay.js');


export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout and stderr */
  readonly out: string;
  readonly recap: Record<string, Recap>;
}

/** A home directory of its own for the CLI, with the lab key. */
export interface SshHome {
  readonly dir: string;
  readonly key: SshKeyPair;
  /** known_hosts the inventory names (tsplay_ssh_known_hosts_file) */
  readonly knownHosts: string;
  trust(hosts: readonly SshLabHost[]): Promise<void>;
  cleanup(): Promise<void>;
}

export async function sshHome(): Promise<SshHome> {
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-e2e-ssh-'));
  const key = await createSshKey({ dir });
  const knownHosts = join(dir, 'known_hosts');
  await writeFile(knownHosts, '');
  return {
    dir,
    key,
    knownHosts,
    trust: (hosts) => writeFile(knownHosts, hosts.map((h) => `[127.0.0.1]:${h.port} ${h.hostKey}\n`).join('')),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Inventory lines for one SSH host (indented for `hosts:` of a group). */
export function sshHostLines(h: { name: string; port: number | undefined }, home: SshHome, extra: Record<string, string | number | boolean> = {}): string[] {
  const vars: Record<string, string | number | boolean> = {
    tsplay_connection: 'ssh',
    tsplay_host: '127.0.0.1',
    tsplay_port: h.port ?? 22,
    tsplay_user: 'root',
    tsplay_ssh_private_key_file: home.key.privateKeyFile,
    tsplay_ssh_known_hosts_file: home.knownHosts,
    tsplay_ssh_config_file: join(home.dir, 'no-ssh-config'),
    tsplay_ssh_connect_timeout: 5,
    ...extra,
  };
  return [`        ${h.name}:`, ...Object.entries(vars).map(([k, v]) => `          ${k}: ${typeof v === 'string' ? JSON.stringify(v) : v}`)];
}

/** `all: {hosts: {localhost}?, children: {GROUP: {hosts: ...}}}` */
export function sshInventory(groups: Record<string, string[]>, opts: { localhost?: boolean } = {}): string {
  const lines = ['all:'];
  if (opts.localhost) lines.push('  hosts:', '    localhost:', '      tsplay_connection: local');
  lines.push('  children:');
  for (const [g, hostLines] of Object.entries(groups)) lines.push(`    ${g}:`, '      hosts:', ...hostLines);
  return `${lines.join('\n')}\n`;
}


/** The built CLI as a child process, in an isolated home (HOME, no SSH_AUTH_SOCK, NO_COLOR). */
export function startCli(args: readonly string[], home: SshHome, opts: { timeoutMs?: number } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home.dir, NO_COLOR: '1' };
  delete env.SSH_AUTH_SOCK;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000);
  const done = new Promise<CliResult>((resolveDone) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const all = `${stdout}${stderr}`;
      resolveDone({ code: code ?? (signal ? -1 : -2), stdout, stderr, out: all, recap: parseRecap(all) });
    });
  });
  return { child, done };
}

export function tsplay(args: readonly string[], home: SshHome, opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  return startCli(args, home, opts).done;
}

/** One `--json` event line. */
export interface JsonEvent {
  readonly event: string;
  /** ISO time the event was written */
  readonly time: string;
  readonly host?: string;
  readonly status?: string;
  readonly task?: string;
  readonly duration_ms?: number;
  readonly [k: string]: unknown;
}

/** When a host_result's work ran: [end - duration_ms, end] in ms since the epoch. */
export function interval(e: JsonEvent): [number, number] {
  const end = Date.parse(e.time);
  return [end - (e.duration_ms ?? 0), end];
}

/** The largest number of intervals that overlap at one instant. */
export function maxOverlap(spans: readonly [number, number][]): number {
  const points = spans.flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of points) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}

export function jsonEvents(stdout: string): JsonEvent[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as JsonEvent);
}

/**
 * systemd lab hosts (systemd as PID 1, sshd enabled) with port 22 published on
 * 127.0.0.1 only, started with the docker CLI (testcontainers cannot publish
 * on loopback only). `authorizedKeys` go into root's authorized_keys.
 */
export async function startSystemdSshHosts(n: number, opts: { namePrefix?: string; authorizedKeys: readonly string[] }): Promise<SshLabHost[]> {
  const image = await labImage('systemd');
  const runId = randomBytes(3).toString('hex');
  return startAllOrNone(n, (i) => startSystemdOne(image, `${opts.namePrefix ?? 'lab'}${i + 1}`, runId, opts.authorizedKeys));
}

async function startSystemdOne(image: string, name: string, runId: string, keys: readonly string[]): Promise<SshLabHost> {
  const { stdout } = await run('docker', [
    'run', '-d', '--name', `tsplay-lab-${runId}-${name}`, '--hostname', name,
    '--label', 'tsplay.lab=true', '--label', `tsplay.lab.run=${runId}`,
    '--cap-add', 'SYS_ADMIN', '--cap-add', 'NET_ADMIN', '--tmpfs', '/run', '--tmpfs', '/run/lock',
    '-v', '/sys/fs/cgroup:/sys/fs/cgroup:ro', '--stop-signal', 'SIGRTMIN+3',
    '-p', '127.0.0.1::22', image,
  ]);
  const container = stdout.trim();
  const exec = dockerExec(container);
  const stop = async (): Promise<void> => {
    await run('docker', ['rm', '-f', container]).catch(() => undefined);
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const r = await exec('systemctl is-system-running --wait 2>/dev/null');
      if (/^(running|degraded)/.test(r.stdout.trim())) break;
      if (Date.now() > deadline) throw new Error(`lab host ${name}: systemd did not boot (${r.stdout.trim()})`);
      await new Promise((res) => setTimeout(res, 100));
    }
    const keyLines = keys.map((k) => `'${k}'`).join(' ');
    const k = await exec(`printf '%s\\n' ${keyLines} >> /root/.ssh/authorized_keys`);
    if (k.exitCode !== 0) throw new Error(k.stderr);
    const p = await run('docker', ['port', container, '22/tcp']);
    const m = /127\.0\.0\.1:(\d+)/.exec(p.stdout);
    if (!m) throw new Error(`lab host ${name}: port 22 not published on 127.0.0.1`);
    const port = Number(m[1]);
    await waitForBanner(port);
    const hostKey = (await exec('cut -d" " -f1,2 /etc/ssh/ssh_host_ed25519_key.pub')).stdout.trim();
    return { name, container, address: '127.0.0.1', port, hostKey, exec, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}


/** A TCP port on 127.0.0.1 that nothing listens on (taken, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}
