/** The `local` connection: commands run on the control machine with `sh -c`. */
import { spawn } from 'node:child_process';
import { chmod, chown, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import type { Connection, ExecOptions, ExecResult, PutOptions, BecomeOptions } from './transport.js';
import { wrapBecome } from './become.js';
import { shellGet, shellPut } from './shell-files.js';

export class LocalConnection implements Connection {
  readonly kind = 'local';
  constructor(readonly host: string) {}

  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    let cmd = command;
    let stdin: string | Buffer | undefined = opts.stdin;
    if (opts.become && !isAlreadyUser(opts.become)) {
      const w = wrapBecome(command, opts.become, stdin);
      cmd = w.command;
      stdin = w.stdin;
    }
    return new Promise((resolve, reject) => {
      // its own process group, so that a timeout or Ctrl-C ends the command and everything it started
      const child = spawn('/bin/sh', ['-c', cmd], {
        cwd: opts.cwd,
        env: opts.env ? { ...process.env, ...opts.env } : process.env,
        stdio: ['pipe', 'pipe', 'pipe'],
        detached: true,
      });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      const killGroup = (sig: NodeJS.Signals): void => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, sig);
        } catch {
          /* already gone */
        }
      };
      let timer: NodeJS.Timeout | undefined;
      if (opts.timeoutMs) {
        timer = setTimeout(() => killGroup('SIGKILL'), opts.timeoutMs);
        timer.unref();
      }
      let graceTimer: NodeJS.Timeout | undefined;
      const onAbort = (): void => {
        killGroup('SIGTERM');
        graceTimer = setTimeout(() => killGroup('SIGKILL'), 2000);
        graceTimer.unref();
      };
      if (opts.signal?.aborted) onAbort();
      else opts.signal?.addEventListener('abort', onAbort, { once: true });
      const settle = (): void => {
        if (timer) clearTimeout(timer);
        if (graceTimer) clearTimeout(graceTimer);
        opts.signal?.removeEventListener('abort', onAbort);
      };
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', (e) => {
        settle();
        reject(e);
      });
      child.on('close', (code, signal) => {
        settle();
        resolve({
          exitCode: code ?? 128,
          stdout: Buffer.concat(out).toString('utf8'),
          stderr: Buffer.concat(err).toString('utf8'),
          ...(signal ? { signal } : {}),
        });
      });
      child.stdin.on('error', () => {
        /* the command may exit before reading stdin */
      });
      child.stdin.end(stdin ?? '');
    });
  }

  async put(path: string, content: Buffer, opts: PutOptions = {}): Promise<void> {
    if (opts.become && !isAlreadyUser(opts.become)) return shellPut((c, o) => this.exec(c, o), path, content, opts);
    const tmp = join(dirname(path), `.${basename(path)}.tsplay-${randomBytes(4).toString('hex')}.tmp`);
    const existing = await stat(path).catch(() => null);
    try {
      await writeFile(tmp, content, { mode: 0o600 });
      const mode = opts.mode !== undefined ? parseInt(opts.mode, 8) : existing ? existing.mode & 0o7777 : 0o644;
      await chmod(tmp, mode);
      if (opts.owner !== undefined || opts.group !== undefined) {
        await chown(tmp, opts.owner !== undefined ? lookupId('u', opts.owner) : (existing?.uid ?? -1), opts.group !== undefined ? lookupId('g', opts.group) : (existing?.gid ?? -1));
      } else if (existing && process.getuid?.() === 0) {
        await chown(tmp, existing.uid, existing.gid);
      }
      await rename(tmp, path);
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }

  async get(path: string, opts: { become?: BecomeOptions } = {}): Promise<Buffer | null> {
    if (opts.become && !isAlreadyUser(opts.become)) return shellGet((c, o) => this.exec(c, o), path, opts.become);
    try {
      return await readFile(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async close(): Promise<void> {}
}

function isAlreadyUser(b: BecomeOptions): boolean {
  const want = b.user ?? 'root';
  const uid = process.getuid?.();
  return (want === 'root' && uid === 0) || want === (process.env.USER ?? '');
}

function lookupId(kind: 'u' | 'g', name: string): number {
  if (/^\d+$/.test(name)) return Number(name);
  const entry = execFileSync('getent', [kind === 'u' ? 'passwd' : 'group', name], { encoding: 'utf8' });
  return Number(entry.split(':')[2]);
}
