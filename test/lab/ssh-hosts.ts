/**
 * SSH lab hosts: `sshd` lab containers whose port 22 is published on
 * 127.0.0.1 (never on other interfaces), with a generated client key in
 * root's authorized_keys. Started with the docker CLI, because testcontainers
 * cannot bind a published port to loopback only. Every caller stops its
 * hosts (and networks) itself, in afterAll.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { labImage, SETUP_SCRIPT } from './images.js';
import { labAvailable } from './available.js';

const run = promisify(execFile);

export interface SshKeyPair {
  readonly privateKeyFile: string;
  /** `ssh-ed25519 AAAA... comment` */
  readonly publicKey: string;
}

export interface SshLabHost {
  readonly name: string;
  readonly container: string;
  /** 127.0.0.1, or undefined when the port is not published (reachable through a jump host only) */
  readonly address: string | undefined;
  readonly port: number | undefined;
  /** the host's ed25519 key as `ssh-ed25519 BASE64` */
  readonly hostKey: string;
  /** runs `/bin/sh -c cmd` as root, through docker exec */
  exec(cmd: string): Promise<{ exitCode: number; stdout: string; stderr: string }>;
  stop(): Promise<void>;
}

export interface StartSshHostsOptions {
  /** an existing docker network (see createLabNetwork); the host's name is its alias there */
  readonly network?: string;
  /** publish port 22 on 127.0.0.1 (default true) */
  readonly publish?: boolean;
  readonly namePrefix?: string;
  /** public keys to put into root's authorized_keys */
  readonly authorizedKeys?: readonly string[];
}

/** A new ed25519 key pair in a fresh temporary directory (`passphrase` encrypts it). */
export async function createSshKey(opts: { passphrase?: string; dir?: string } = {}): Promise<SshKeyPair> {
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'tsplay-key-')));
  const file = join(dir, `id_ed25519_${randomBytes(3).toString('hex')}`);
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', opts.passphrase ?? '', '-C', 'tsplay-lab', '-f', file]);
  return { privateKeyFile: file, publicKey: (await readFile(`${file}.pub`, 'utf8')).trim() };
}

/** A labelled docker network; returns its name and a function removing it. */
export async function createLabNetwork(): Promise<{ name: string; remove: () => Promise<void> }> {
  const name = `tsplay-lab-net-${randomBytes(3).toString('hex')}`;
  await run('docker', ['network', 'create', '--label', 'tsplay.lab=true', name]);
  return {
    name,
    remove: async () => {
      await run('docker', ['network', 'rm', name]).catch(() => undefined);
    },
  };
}

export async function startSshHosts(n: number, opts: StartSshHostsOptions = {}): Promise<SshLabHost[]> {
  if (!(await labAvailable(['sshd']))) throw new Error(`the test lab is not ready: run bash ${SETUP_SCRIPT}`);
  const image = await labImage('sshd');
  const runId = randomBytes(3).toString('hex');
  return startAllOrNone(n, (i) => startOne(image, `${opts.namePrefix ?? 'ssh'}${i + 1}`, runId, opts));
}

/** Starts n hosts at once; when one fails, stops those that started and throws its error. */
export async function startAllOrNone(n: number, start: (i: number) => Promise<SshLabHost>): Promise<SshLabHost[]> {
  const started = await Promise.allSettled(Array.from({ length: n }, (_, i) => start(i)));
  const hosts = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    throw failed.reason;
  }
  return hosts;
}

/** Runs a command in a lab container through `docker exec` (not over SSH); never throws for a non-zero exit. */
export function dockerExec(container: string): SshLabHost['exec'] {
  return async (cmd) => {
    try {
      const r = await run('docker', ['exec', container, '/bin/sh', '-c', cmd], { maxBuffer: 64 * 1024 * 1024 });
      return { exitCode: 0, stdout: r.stdout, stderr: r.stderr };
    } catch (e) {
      const x = e as { code?: number; stdout?: string; stderr?: string };
      return { exitCode: typeof x.code === 'number' ? x.code : 1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
    }
  };
}

async function startOne(image: string, name: string, runId: string, opts: StartSshHostsOptions): Promise<SshLabHost> {
  const args = ['run', '-d', '--name', `tsplay-lab-${runId}-${name}`, '--hostname', name, '--label', 'tsplay.lab=true', '--label', `tsplay.lab.run=${runId}`];
  if (opts.publish !== false) args.push('-p', '127.0.0.1::22');
  if (opts.network) args.push('--network', opts.network, '--network-alias', name);
  const { stdout } = await run('docker', [...args, image]);
  const container = stdout.trim();
  const exec = dockerExec(container);
  const stop = async (): Promise<void> => {
    await run('docker', ['rm', '-f', container]).catch(() => undefined);
  };
  try {
    let port: number | undefined;
    if (opts.publish !== false) {
      const p = await run('docker', ['port', container, '22/tcp']);
      const m = /127\.0\.0\.1:(\d+)/.exec(p.stdout);
      if (!m) throw new Error(`lab host ${name}: port 22 not published on 127.0.0.1 (${p.stdout.trim()})`);
      port = Number(m[1]);
      await waitForBanner(port);
    } else {
      await waitInside(exec);
    }
    if (opts.authorizedKeys?.length) {
      const r = await exec(`printf '%s\\n' ${opts.authorizedKeys.map((k) => `'${k}'`).join(' ')} >> /root/.ssh/authorized_keys`);
      if (r.exitCode !== 0) throw new Error(r.stderr);
    }
    const hostKey = (await exec('cut -d" " -f1,2 /etc/ssh/ssh_host_ed25519_key.pub')).stdout.trim();
    return { name, container, address: port === undefined ? undefined : '127.0.0.1', port, hostKey, exec, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Waits until sshd answers with its banner on 127.0.0.1:port. */
export async function waitForBanner(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect({ host: '127.0.0.1', port });
      const done = (v: boolean): void => {
        s.destroy();
        resolve(v);
      };
      s.once('data', (b: Buffer) => done(b.toString('latin1').startsWith('SSH-')));
      s.once('error', () => done(false));
      // docker-proxy accepts before sshd listens, then closes without data: a closed socket never times out
      s.once('close', () => done(false));
      s.setTimeout(1_000, () => done(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd on 127.0.0.1:${port} did not answer within ${timeoutMs} ms`);
}

async function waitInside(exec: SshLabHost['exec'], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await exec('test -e /run/sshd.pid || pgrep -x sshd >/dev/null')).exitCode === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('sshd did not start');
}

/** Removes a temporary key directory made by createSshKey. */
export async function removeSshKey(k: SshKeyPair): Promise<void> {
  await rm(join(k.privateKeyFile, '..'), { recursive: true, force: true });
}
