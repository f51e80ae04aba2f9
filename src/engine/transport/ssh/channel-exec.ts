/**
 * Runs one command on an open exec channel: feeds stdin, collects stdout and
 * stderr as Buffers (decoded by the caller, once), and reports the exit
 * status or signal from the channel's `exit` event.
 */
import type { ClientChannel } from 'ssh2';

export interface RawResult {
  /** null when the command ended by a signal or no status arrived */
  readonly code: number | null;
  /** `SIGKILL`, ... from an exit-signal */
  readonly signal?: string;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** the channel closed without an exit status or signal (connection lost, or we closed it) */
  readonly noStatus: boolean;
  /** the client gave up waiting (timeout backstop or abort) and closed the channel */
  readonly abandoned: 'timeout' | 'abort' | undefined;
  readonly elapsedMs: number;
}

export interface ChannelRunOptions {
  readonly stdin?: Buffer;
  /** the client closes the channel after this long (the host's own `timeout` should have acted first) */
  readonly giveUpAfterMs?: number;
  readonly signal?: AbortSignal;
}

export function runOnChannel(ch: ClientChannel, o: ChannelRunOptions): Promise<RawResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | null = null;
    let sig: string | undefined;
    let sawExit = false;
    let abandoned: RawResult['abandoned'];
    let settled = false;
    const giveUp = (why: 'timeout' | 'abort'): void => {
      if (abandoned) return;
      abandoned = why;
      // only reaches the server while stdin is still open (an ssh2 limit); the host-side timeout covers the rest
      ch.signal('KILL');
      ch.close();
      // sshd answers our close only once the command has exited, which a command ignoring EOF never does:
      // do not wait for it (the caller ends the command through another channel)
      finish();
    };
    const timer = o.giveUpAfterMs !== undefined ? setTimeout(() => giveUp('timeout'), o.giveUpAfterMs) : undefined;
    timer?.unref();
    const onAbort = (): void => giveUp('abort');
    if (o.signal?.aborted) onAbort();
    else o.signal?.addEventListener('abort', onAbort, { once: true });

    ch.on('data', (b: Buffer) => out.push(b));
    ch.stderr.on('data', (b: Buffer) => err.push(b));
    ch.on('exit', (c: number | null, s?: string) => {
      sawExit = true;
      code = c;
      if (s) sig = s;
    });
    ch.on('error', () => undefined);
    // the exit status can arrive in the same packet batch as the channel itself, before the
    // 'exit' listener above exists; ssh2 repeats it as the arguments of 'close'
    ch.once('close', (c?: number | null, s?: string) => {
      if (!sawExit && (typeof c === 'number' || typeof s === 'string')) {
        sawExit = true;
        code = typeof c === 'number' ? c : null;
        if (s) sig = s;
      }
      finish();
    });
    ch.end(o.stdin ?? Buffer.alloc(0));

    function finish(): void {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      o.signal?.removeEventListener('abort', onAbort);
      resolve({
        code,
        ...(sig ? { signal: sig } : {}),
        stdout: Buffer.concat(out),
        stderr: Buffer.concat(err),
        noStatus: !sawExit,
        abandoned,
        elapsedMs: Date.now() - t0,
      });
    }
  });
}
