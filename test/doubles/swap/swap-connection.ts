/**
 * A stand-in for the one thing about swap a lab container cannot have: an
 * active swap area (containers have none of their own, and /proc/swaps shows
 * the machine's). Wraps a real Connection; while "swap is on", commands that
 * read /proc/swaps read the given text instead, and `swapoff -a` turns it off
 * (and runs as `true`: nothing on the machine is touched). Everything else
 * (fstab, systemctl) goes to the real host.
 */
import type { Connection, ExecOptions, ExecResult } from '../../../src/engine/transport/transport.js';
import { quote } from '../../../src/engine/transport/shell-quote.js';

export const PROC_SWAPS_HEADER = 'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n';

export class SwapOnConnection implements Connection {
  readonly kind: string;
  readonly host: string;
  /** the swapoff commands the wrapped connection was asked to run */
  readonly swapoffs: string[] = [];
  private on = true;

  constructor(
    private readonly inner: Connection,
    private readonly procSwaps: string,
  ) {
    this.kind = inner.kind;
    this.host = inner.host;
  }

  get swapOn(): boolean {
    return this.on;
  }

  exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    let cmd = command;
    if (/\bswapoff -a\b/.test(cmd)) {
      this.swapoffs.push(cmd);
      this.on = false;
      cmd = cmd.replace(/\bswapoff -a\b/g, 'true');
    }
    const text = this.on ? this.procSwaps : PROC_SWAPS_HEADER;
    cmd = cmd.replace(/\bcat \/proc\/swaps\b/g, `printf %s ${quote(text)}`);
    return this.inner.exec(cmd, opts);
  }
  put: Connection['put'] = (path, content, opts) => this.inner.put(path, content, opts);
  get: Connection['get'] = (path, opts) => this.inner.get(path, opts);
  close(): Promise<void> {
    return this.inner.close();
  }
}
