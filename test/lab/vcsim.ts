/**
 * vcsim, govmomi's vCenter simulator, as the suite's vCenter: the binary
 * scripts/lab/setup.sh builds from test/doubles/vcsim/main.go (inventory in
 * that file and docs/vsphere.md), one process per call, on a free loopback
 * port, with its own credentials.
 */
import { execFile, spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { SETUP_SCRIPT } from './images.js';

const run = promisify(execFile);

export interface Vcsim {
  /** the SDK endpoint, e.g. http://127.0.0.1:40123/sdk */
  readonly url: string;
  /** base URL for `tsplay_http_url` (the SDK path is /sdk below it) */
  readonly baseUrl: string;
  readonly user: string;
  readonly password: string;
  /** what the simulator wrote to stderr so far (its log, panics) */
  stderr(): string;
  /** ends the simulator and waits for it to exit */
  close(): Promise<void>;
}

export interface StartVcsimOptions {
  readonly user?: string;
  readonly password?: string;
  readonly timeoutMs?: number;
  /** milliseconds each call of a method takes (spent before it runs), e.g. { CloneVM_Task: 300 } */
  readonly methodDelays?: Readonly<Record<string, number>>;
}

/** Path of the vcsim binary for the current source: TSPLAY_VCSIM_BIN, or asked from setup.sh (`--vcsim`, no side effects). */
export async function vcsimBinary(): Promise<string> {
  const fromEnv = process.env.TSPLAY_VCSIM_BIN;
  if (fromEnv) return fromEnv;
  const { stdout } = await run('bash', [SETUP_SCRIPT, '--vcsim']);
  return stdout.trim();
}

/** True when setup.sh has built vcsim for the current source; use it to skip: `describe.skipIf(!(await vcsimAvailable()))`. */
export async function vcsimAvailable(): Promise<boolean> {
  try {
    await access(await vcsimBinary(), constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function startVcsim(opts: StartVcsimOptions = {}): Promise<Vcsim> {
  const user = opts.user ?? 'tsplay';
  const password = opts.password ?? `vcsim-${Math.random().toString(36).slice(2, 10)}`;
  const bin = await vcsimBinary();
  // stdin stays open: the simulator ends when it closes (also if this process dies)
  const delays = Object.entries(opts.methodDelays ?? {}).map(([m, ms]) => `${m}=${ms}`);
  const args = ['-l', '127.0.0.1:0', '-username', user, '-password', password, ...(delays.length ? ['-method-delay', delays.join(',')] : [])];
  const child = spawn(bin, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (d: string) => stderr.push(d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`vcsim did not print its URL within ${opts.timeoutMs ?? 20_000} ms`)), opts.timeoutMs ?? 20_000);
    const lines = createInterface({ input: child.stdout });
    const fail = (e: Error): void => {
      clearTimeout(timer);
      lines.close();
      child.kill();
      reject(new Error(`${e.message}${stderr.length ? `: ${stderr.join('').trim()}` : ''}`));
    };
    const early = (code: number | null): void => fail(new Error(`vcsim exited (${code}) before printing its URL`));
    child.once('error', fail);
    child.once('exit', early);
    lines.once('line', (line) => {
      clearTimeout(timer);
      child.off('exit', early);
      resolve(line.trim());
    });
  });
  return {
    url,
    baseUrl: url.replace(/\/sdk$/, ''),
    user,
    password,
    stderr: () => stderr.join(''),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}
