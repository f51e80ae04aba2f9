/**
 * The stand-in helm (test/doubles/helm, built by scripts/lab/kube-apiserver.sh
 * next to the test API server): where its binary is, how to run it on this
 * machine, and how to put it on a lab host the way a playbook would, from the
 * lab's signed apt repository, with a kubeconfig for a test API server that
 * listens on the docker bridge.
 */
import { execFile, spawn } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startAptRepo, type AptRepoFixture } from './apt-repo.js';
import type { LabHost } from './hosts.js';
import type { KubeApiserver } from './kube-apiserver.js';

const SCRIPT = fileURLToPath(new URL('../../scripts/lab/kube-apiserver.sh', import.meta.url));

/** Where the stand-in logs every call (one JSON line each) and reads its settings, on a lab host. */
export const HELM_CALL_LOG = '/var/log/tsplay-helm-calls.log';
export const HELM_CONF_DIR = '/etc/tsplay-helm';

export interface HelmCall {
  readonly time: string;
  readonly argv: readonly string[];
  /** upgrade/install/uninstall/rollback that is not a dry run */
  readonly write: boolean;
}

/** The binary for the current sources (scripts/lab/kube-apiserver.sh --paths); TSPLAY_HELM_BIN overrides it. */
export async function helmStandinPath(): Promise<string> {
  if (process.env.TSPLAY_HELM_BIN) return process.env.TSPLAY_HELM_BIN;
  const { stdout } = await promisify(execFile)('bash', [SCRIPT, '--paths']);
  const line = stdout.split('\n').find((l) => l.startsWith('helm='));
  if (!line) throw new Error('kube-apiserver.sh --paths printed no helm=');
  return line.slice('helm='.length);
}

export async function helmStandinAvailable(): Promise<boolean> {
  try {
    await access(await helmStandinPath(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export interface HelmRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the stand-in on this machine; never rejects on a non-zero exit. */
export async function runHelm(args: readonly string[], opts: { env?: Record<string, string>; input?: string } = {}): Promise<HelmRun> {
  const bin = await helmStandinPath();
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
    child.stdin.end(opts.input ?? '');
  });
}

export function parseCalls(log: string): HelmCall[] {
  return log
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as HelmCall);
}

export async function readCalls(path: string): Promise<HelmCall[]> {
  return parseCalls(await readFile(path, 'utf8').catch(() => ''));
}

export interface HelmOnHost {
  readonly repo: AptRepoFixture;
  /** every call so far */
  calls(): Promise<HelmCall[]>;
  /** the writes among them */
  writes(): Promise<HelmCall[]>;
  /** makes upgrades of these releases fail (Helm's wait time-out), or none */
  failReleases(names: readonly string[]): Promise<void>;
  /** makes upgrades of these releases stop dead once the pending revision is stored */
  interruptReleases(names: readonly string[]): Promise<void>;
  /** the Helm version the stand-in reports and whose flags it takes */
  setVersion(version: string): Promise<void>;
}

/**
 * Serves a `helm` package (the stand-in as /usr/bin/helm) from the lab apt repository on the
 * host, installs it with apt-get, and writes the server's kubeconfig to /root/.kube/config.
 * The server must listen on the docker bridge (`startKubeApiserver({ listenHost: dockerBridgeGateway() })`).
 */
export async function installHelmOnHost(host: LabHost, api: KubeApiserver, opts: { version?: string; port?: number } = {}): Promise<HelmOnHost> {
  const bin = await helmStandinPath();
  const repo = await startAptRepo(host, { 'helm/stable/deb': [{ name: 'helm', version: '4.2.4-1', files: { '/usr/bin/helm': bin } }] }, { port: opts.port ?? 8082 });
  await must(host, `install -d -m 755 /etc/apt/keyrings && echo '${Buffer.from(repo.armoredKey).toString('base64')}' | base64 -d > /etc/apt/keyrings/tsplay-helm.asc`);
  await must(host, `echo 'deb [signed-by=/etc/apt/keyrings/tsplay-helm.asc] ${repo.url('helm/stable/deb')} /' > /etc/apt/sources.list.d/helm.list`);
  await must(host, 'apt-get update -qq -o Dir::Etc::sourcelist=sources.list.d/helm.list -o Dir::Etc::sourceparts=- && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq helm >/dev/null');
  await must(host, `install -d -m 700 /root/.kube && echo '${Buffer.from(api.kubeconfig).toString('base64')}' | base64 -d > /root/.kube/config && chmod 600 /root/.kube/config`);
  await must(host, `install -d -m 755 ${HELM_CONF_DIR}`);
  const calls = async (): Promise<HelmCall[]> => parseCalls((await host.readFile(HELM_CALL_LOG)) ?? '');
  const writeList = async (file: string, names: readonly string[]): Promise<void> => {
    await must(host, `printf '%s' '${Buffer.from(names.map((n) => `${n}\n`).join('')).toString('base64')}' | base64 -d > ${HELM_CONF_DIR}/${file}`);
  };
  const self: HelmOnHost = {
    repo,
    calls,
    writes: async () => (await calls()).filter((c) => c.write),
    failReleases: (names) => writeList('fail', names),
    interruptReleases: (names) => writeList('interrupt', names),
    setVersion: (version) => writeList('version', [version]),
  };
  if (opts.version) await self.setVersion(opts.version);
  return self;
}

async function must(host: LabHost, cmd: string): Promise<string> {
  const r = await host.exec(cmd);
  if (r.exitCode !== 0) throw new Error(`helm on ${host.name}: \`${cmd.slice(0, 120)}\` failed (${r.exitCode}): ${r.stderr.trim() || r.stdout.trim()}`);
  return r.stdout;
}
