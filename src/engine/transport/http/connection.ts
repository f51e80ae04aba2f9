/**
 * A host reached over `tsplay_connection: http` (NSX Manager, vCenter): its
 * only way in is the API in `http`. It has no shell, so exec/put/get fail
 * with a clear error, and fact gathering skips it (`shell: false`).
 */
import { NoShellError } from '../no-shell.js';
import type { HttpClient } from '../http-api.js';
import type { Connection, ExecResult } from '../transport.js';
import type { AxiosHttpClient } from './client.js';

export { NoShellError } from '../no-shell.js';

export class HttpConnection implements Connection {
  readonly kind = 'http';
  readonly shell = false;
  readonly http: HttpClient;

  constructor(
    readonly host: string,
    private readonly client: AxiosHttpClient,
  ) {
    this.http = client;
  }

  async exec(command: string): Promise<ExecResult> {
    throw new NoShellError(this.host, `tried to run: ${command.length > 60 ? `${command.slice(0, 60)}…` : command}`);
  }

  async put(path: string, _content?: Buffer): Promise<void> {
    throw new NoShellError(this.host, `tried to write ${path}`);
  }

  async get(path: string): Promise<Buffer | null> {
    throw new NoShellError(this.host, `tried to read ${path}`);
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
