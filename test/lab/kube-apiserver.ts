/**
 * The test Kubernetes API server (test/doubles/kube-apiserver, built by
 * scripts/lab/kube-apiserver.sh): one etcd and one server per call, on free
 * loopback ports, with a temporary data dir each, removed by close().
 *
 * etcd and kubectl come from the Debian sid build root and are dynamically
 * linked against sid's libc; they run on the host through that root's own
 * dynamic loader (`ROOT/lib64/ld-linux-x86-64.so.2 --library-path ROOT/...`),
 * with no chroot and no mounts. The server binary is static.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { access, constants, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/lab/kube-apiserver.sh', import.meta.url));

export interface KubePaths {
  /** the Debian sid root holding etcd and kubectl */
  readonly root: string;
  /** the server binary for the current Go sources */
  readonly bin: string;
}

/** One write request the server counted (see test/doubles/kube-apiserver/writes.go). */
export interface WriteRecord {
  readonly method: string;
  readonly path: string;
  readonly query?: string;
  readonly dryRun: boolean;
  readonly status: number;
  readonly fieldManager?: string;
}

export interface WriteCount {
  /** POST/PUT/PATCH/DELETE requests clients sent under /api and /apis, dry run excluded */
  readonly writes: number;
  /** the same with dryRun set */
  readonly dryRun: number;
  /** write requests of the test controller (test/doubles/kube-controller), not counted above */
  readonly controllerWrites?: number;
  readonly requests: readonly WriteRecord[];
}

export interface KubectlResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface KubectlOptions {
  /** kubeconfig context: 'tsplay' (admin client certificate, the default), 'tsplay-token' (admin bearer token), 'tsplay-denied' (every request forbidden) */
  readonly context?: string;
  /** written to kubectl's stdin (e.g. a manifest for `-f -`) */
  readonly input?: string;
  readonly timeoutMs?: number;
}

export interface KubeApiserver {
  /** https://127.0.0.1:PORT */
  readonly url: string;
  readonly kubeconfigPath: string;
  /** the kubeconfig's text: contexts tsplay (client certificate, current), tsplay-token and tsplay-denied; the CA verifies the server */
  readonly kubeconfig: string;
  /** PEM of the CA that signed the serving and the client certificates */
  readonly caPem: string;
  /** the admin bearer token (user tsplay-admin, group system:masters) */
  readonly token: string;
  /** the bearer token of tsplay-denied, whose every request is a 403 */
  readonly deniedToken: string;
  readonly etcdUrl: string;
  /** write requests counted so far (GET /debug/write-count) */
  writeCount(): Promise<WriteCount>;
  /** etcd's current revision: it changes only when something was stored */
  etcdRevision(): Promise<number>;
  /** the sid root's kubectl 1.36 against this server */
  kubectl(args: readonly string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** a raw HTTPS request (TLS verified with the CA), with the admin token unless `token` is given ('' for none) */
  request(method: string, path: string, body?: unknown, opts?: { token?: string; contentType?: string }): Promise<{ status: number; body: string }>;
  /** what the server wrote to stderr so far (klog, one "write: ..." line per counted request) */
  stderr(): string;
  etcdStderr(): string;
  /** stops the server and etcd and removes their data */
  close(): Promise<void>;
}

export interface StartKubeApiserverOptions {
  readonly timeoutMs?: number;
  /**
   * The address to listen on instead of 127.0.0.1: the docker bridge gateway
   * (`dockerBridgeGateway()`), so lab containers reach the server. The serving
   * certificate then names that IP too, and `url`/the kubeconfig use it.
   */
  readonly listenHost?: string;
}

/** The docker bridge's gateway on this machine (docker0's IPv4 address), which containers on the default bridge reach the host by. */
export function dockerBridgeGateway(): string {
  // node lists no address of a bridge with no container on it yet (NO-CARRIER): ask ip(8) then
  const ip =
    networkInterfaces().docker0?.find((a) => a.family === 'IPv4')?.address ??
    /inet (\d+\.\d+\.\d+\.\d+)/.exec(spawnSync('ip', ['-4', '-o', 'addr', 'show', 'docker0'], { encoding: 'utf8' }).stdout ?? '')?.[1];
  if (!ip) throw new Error('no docker0 interface with an IPv4 address: is the Docker engine running?');
  return ip;
}

/** Paths from scripts/lab/kube-apiserver.sh --paths (no side effects); TSPLAY_KAPI_BIN overrides the binary. */
export async function kubeApiserverPaths(): Promise<KubePaths> {
  const { stdout } = await run('bash', [SCRIPT, '--paths']);
  const get = (k: string): string => {
    const line = stdout.split('\n').find((l) => l.startsWith(`${k}=`));
    if (!line) throw new Error(`kube-apiserver.sh --paths printed no ${k}=`);
    return line.slice(k.length + 1);
  };
  return { root: get('root'), bin: process.env.TSPLAY_KAPI_BIN ?? get('bin') };
}

/** True when the set-up has built the server for the current sources and its sid root is there: `describe.skipIf(!(await kubeApiserverAvailable()))`. */
export async function kubeApiserverAvailable(): Promise<boolean> {
  try {
    const { root, bin } = await kubeApiserverPaths();
    await access(bin, constants.X_OK);
    await access(join(root, 'usr/bin/etcd'), constants.X_OK);
    await access(join(root, 'usr/bin/kubectl'), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** argv that runs a dynamically linked program of the sid root on the host, through the root's loader. */
export function sidCommand(root: string, program: string, args: readonly string[]): [string, string[]] {
  const libs = ['lib/x86_64-linux-gnu', 'usr/lib/x86_64-linux-gnu'].map((d) => join(root, d)).join(':');
  return [join(root, 'lib64/ld-linux-x86-64.so.2'), ['--library-path', libs, join(root, program), ...args]];
}

/** Runs the sid root's kubectl with a kubeconfig; never rejects on a non-zero exit. */
export function runKubectl(root: string, kubeconfigPath: string, args: readonly string[], opts: KubectlOptions = {}): Promise<KubectlResult> {
  const [cmd, argv] = sidCommand(root, 'usr/bin/kubectl', [
    '--kubeconfig',
    kubeconfigPath,
    ...(opts.context ? ['--context', opts.context] : []),
    ...args,
  ]);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() } });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8') + (signal ? `\nkubectl killed by ${signal}` : ''),
      });
    });
    child.stdin.end(opts.input ?? '');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

function httpJson(url: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: body === undefined ? 'GET' : 'POST', timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.once('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.once('error', reject);
    req.end(body);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited(child);
  clearTimeout(timer);
}

async function startEtcd(root: string, dir: string, deadline: number): Promise<{ child: ChildProcess; url: string; stderr: () => string }> {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const [client, peer] = [await freePort(), await freePort()];
    const url = `http://127.0.0.1:${client}`;
    const [cmd, argv] = sidCommand(root, 'usr/bin/etcd', [
      '--name', 'default',
      '--data-dir', join(dir, `etcd-${attempt}`),
      '--listen-client-urls', url,
      '--advertise-client-urls', url,
      '--listen-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-advertise-peer-urls', `http://127.0.0.1:${peer}`,
      '--initial-cluster', `default=http://127.0.0.1:${peer}`,
      '--unsafe-no-fsync',
      '--log-level', 'warn',
    ]);
    const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    const err: string[] = [];
    child.stderr.setEncoding('utf8').on('data', (d: string) => err.push(d));
    while (Date.now() < deadline && child.exitCode === null) {
      try {
        const r = await httpJson(`${url}/health`);
        if (r.status === 200 && (JSON.parse(r.body) as { health?: string }).health === 'true') return { child, url, stderr: () => err.join('') };
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    lastError = err.join('').trim().split('\n').slice(-5).join('\n');
    await stop(child);
    if (Date.now() >= deadline) break;
  }
  throw new Error(`etcd did not become healthy${lastError ? `: ${lastError}` : ''}`);
}

export async function startKubeApiserver(opts: StartKubeApiserverOptions = {}): Promise<KubeApiserver> {
  const { root, bin } = await kubeApiserverPaths();
  const deadline = Date.now() + (opts.timeoutMs ?? 60_000);
  const dir = await mkdtemp(join(tmpdir(), 'tsplay-kapi-'));
  let etcd: Awaited<ReturnType<typeof startEtcd>> | undefined;
  let server: ChildProcess | undefined;
  const serverErr: string[] = [];
  const cleanup = async (): Promise<void> => {
    await stop(server);
    await stop(etcd?.child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    etcd = await startEtcd(root, dir, deadline);
    const dataDir = join(dir, 'data');
    server = spawn(bin, ['-listen', `${opts.listenHost ?? '127.0.0.1'}:0`, '-etcd', etcd.url, '-data-dir', dataDir, '-stdin-close'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    server.stderr!.setEncoding('utf8').on('data', (d: string) => serverErr.push(d));
    const child = server;
    const first = await new Promise<{ url: string; kubeconfig: string }>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => reject(new Error('the server printed no URL in time')), Math.max(1, deadline - Date.now()));
      const early = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`kube-apiserver exited (${code}) before printing its URL`));
      };
      child.once('exit', early);
      lines.once('line', (line) => {
        clearTimeout(timer);
        child.off('exit', early);
        try {
          resolve(JSON.parse(line) as { url: string; kubeconfig: string });
        } catch {
          reject(new Error(`unexpected first line: ${line}`));
        }
      });
    });
    const caPem = await readFile(join(dataDir, 'ca.crt'), 'utf8');
    const [token, deniedToken] = (await readFile(join(dataDir, 'tokens'), 'utf8')).split('\n');
    const kubeconfig = await readFile(first.kubeconfig, 'utf8');

    const https = (method: string, path: string, body?: unknown, o: { token?: string; contentType?: string } = {}): Promise<{ status: number; body: string }> =>
      new Promise((resolve, reject) => {
        const auth = o.token ?? token!;
        const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
        const req = request(
          `${first.url}${path}`,
          {
            method,
            ca: caPem,
            timeout: 30_000,
            headers: {
              accept: 'application/json',
              ...(auth ? { authorization: `Bearer ${auth}` } : {}),
              ...(payload !== undefined ? { 'content-type': o.contentType ?? 'application/json' } : {}),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (d: Buffer) => chunks.push(d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.once('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
        req.once('error', reject);
        req.end(payload);
      });

    // ready: /readyz (anonymous on the health paths) says ok
    let last = '';
    for (;;) {
      if (child.exitCode !== null) throw new Error(`kube-apiserver exited (${child.exitCode})`);
      try {
        const r = await https('GET', '/readyz', undefined, { token: '' });
        if (r.status === 200) break;
        last = r.body;
      } catch (e) {
        last = (e as Error).message;
      }
      if (Date.now() > deadline) throw new Error(`kube-apiserver not ready in time: ${last}`);
      await sleep(100);
    }
    const etcdUrl = etcd.url;
    const etcdStderr = etcd.stderr;
    return {
      url: first.url,
      kubeconfigPath: first.kubeconfig,
      kubeconfig,
      caPem,
      token: token!,
      deniedToken: deniedToken!,
      etcdUrl,
      writeCount: async () => {
        const r = await https('GET', '/debug/write-count', undefined, { token: '' });
        if (r.status !== 200) throw new Error(`/debug/write-count: ${r.status} ${r.body}`);
        return JSON.parse(r.body) as WriteCount;
      },
      etcdRevision: async () => {
        // etcd's JSON gateway: a range over the empty key answers with the header's revision
        const r = await httpJson(`${etcdUrl}/v3/kv/range`, JSON.stringify({ key: 'AA==' }));
        return Number((JSON.parse(r.body) as { header: { revision: string } }).header.revision);
      },
      kubectl: (args, o) => runKubectl(root, first.kubeconfig, args, o),
      request: https,
      stderr: () => serverErr.join(''),
      etcdStderr,
      close: cleanup,
    };
  } catch (e) {
    const tail = serverErr.join('').trim().split('\n').slice(-10).join('\n');
    await cleanup();
    throw new Error(`${(e as Error).message}${tail ? `\n${tail}` : ''}`, { cause: e });
  }
}
