/**
 * The test controller (test/doubles/kube-controller, built by
 * scripts/lab/kube-apiserver.sh beside the test API server): the
 * controllers, scheduler, kubelet and MetalLB stand-ins that make a
 * Deployment Available, a PVC Bound or a LoadBalancer Service addressed on
 * the test API server. One process per call, given the server's kubeconfig;
 * close() stops it (it also exits when the test process goes: -stdin-close).
 *
 *   const api = await startKubeApiserver();
 *   const ctl = await startKubeController(api);
 *   ...
 *   await ctl.close(); await api.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { kubeApiserverAvailable } from './kube-apiserver.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../../scripts/lab/kube-apiserver.sh', import.meta.url));

/** The controller's loops (README.md in test/doubles/kube-controller). */
export type KubeControllerLoop =
  | 'nodes'
  | 'scheduler'
  | 'pods'
  | 'deployments'
  | 'replicasets'
  | 'daemonsets'
  | 'statefulsets'
  | 'volumes'
  | 'loadbalancers'
  | 'disruption'
  | 'endpoints'
  | 'gc';

export interface StartKubeControllerOptions {
  /** how long a deleted pod's containers take to stop, at most its grace period (default 1000 ms; kubectl drain waits for it) */
  readonly terminationDelayMs?: number;
  /** how long a pod takes to start once bound to a Ready node (default 0) */
  readonly podStartDelayMs?: number;
  /** while no Node exists, run pods that have no node (default true) */
  readonly runUnscheduled?: boolean;
  /** give LoadBalancer addresses from pools that no L2/BGPAdvertisement covers, as MetalLB's controller does (default false) */
  readonly assignUnadvertised?: boolean;
  /** namespace of the MetalLB IPAddressPools and advertisements (default metallb-system) */
  readonly metallbNamespace?: string;
  /** pod IPs (default 10.244.0.0/16) */
  readonly podCidr?: string;
  /** node InternalIPs, unless a node is annotated tsplay.io/internal-ip (default 10.89.0.0/16) */
  readonly nodeCidr?: string;
  /** run only these loops (default: all) */
  readonly loops?: readonly KubeControllerLoop[];
  /** klog verbosity of its stderr (default 0) */
  readonly verbosity?: number;
  readonly timeoutMs?: number;
}

export interface KubeController {
  /** the loops it runs */
  readonly loops: readonly string[];
  /** its stderr so far (klog) */
  stderr(): string;
  /** stops it (SIGTERM, then SIGKILL after 10 s) */
  close(): Promise<void>;
}

/** The binary for the current Go sources (kube-apiserver.sh --paths, `controller=`); TSPLAY_KCTL_BIN overrides it. */
export async function kubeControllerPath(): Promise<string> {
  if (process.env.TSPLAY_KCTL_BIN) return process.env.TSPLAY_KCTL_BIN;
  const { stdout } = await run('bash', [SCRIPT, '--paths']);
  const line = stdout.split('\n').find((l) => l.startsWith('controller='));
  if (!line) throw new Error('kube-apiserver.sh --paths printed no controller=');
  return line.slice('controller='.length);
}

/** True when the test API server and the controller are built for the current sources. */
export async function kubeControllerAvailable(): Promise<boolean> {
  if (!(await kubeApiserverAvailable())) return false;
  try {
    await access(await kubeControllerPath(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** Starts the controller against a test API server; resolves once its caches have synced and its loops run. */
export async function startKubeController(
  api: { readonly kubeconfigPath: string },
  opts: StartKubeControllerOptions = {},
): Promise<KubeController> {
  const bin = await kubeControllerPath();
  const args = ['-kubeconfig', api.kubeconfigPath, '-stdin-close'];
  if (opts.terminationDelayMs !== undefined) args.push('-termination-delay', `${opts.terminationDelayMs}ms`);
  if (opts.podStartDelayMs !== undefined) args.push('-pod-start-delay', `${opts.podStartDelayMs}ms`);
  if (opts.runUnscheduled !== undefined) args.push(`-run-unscheduled=${opts.runUnscheduled}`);
  if (opts.assignUnadvertised !== undefined) args.push(`-assign-unadvertised=${opts.assignUnadvertised}`);
  if (opts.metallbNamespace) args.push('-metallb-namespace', opts.metallbNamespace);
  if (opts.podCidr) args.push('-pod-cidr', opts.podCidr);
  if (opts.nodeCidr) args.push('-node-cidr', opts.nodeCidr);
  if (opts.loops) args.push('-loops', opts.loops.join(','));
  if (opts.verbosity !== undefined) args.push('-v', String(opts.verbosity));

  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const err: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => err.push(d));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited(child);
    clearTimeout(timer);
  };
  try {
    const first = await new Promise<{ ready: boolean; loops: string[] }>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => reject(new Error('the controller did not become ready in time')), opts.timeoutMs ?? 30_000);
      const early = (code: number | null): void => {
        clearTimeout(timer);
        reject(new Error(`kube-controller exited (${code}) before it was ready`));
      };
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('exit', early);
      lines.once('line', (line) => {
        clearTimeout(timer);
        child.off('exit', early);
        try {
          resolve(JSON.parse(line) as { ready: boolean; loops: string[] });
        } catch {
          reject(new Error(`unexpected first line: ${line}`));
        }
      });
    });
    return { loops: first.loops, stderr: () => err.join(''), close: stop };
  } catch (e) {
    await stop();
    const tail = err.join('').trim().split('\n').slice(-10).join('\n');
    throw new Error(`${(e as Error).message}${tail ? `\n${tail}` : ''}`);
  }
}
