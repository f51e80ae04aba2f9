/**
 * A host reached over `tsplay_connection: http` (NSX Manager, vCenter): its
 * only way in is the API in `http`. It has no shell, so exec/put/get fail
 * with a clear error, and fact gathering skips it (`shell: false`).
 */
import { TsplayError } from '../../errors.js';
import type { HttpClient } from '../http-api.js';
import type { Connection, ExecResult } from '../transport.js';
import type { AxiosHttpClient } from './client.js';

/** A shell module (command, copy, ...) was pointed at an HTTP API host. */
export class NoShellError extends TsplayError {
  readonly code = 'E_NO_SHELL';
  readonly host: string;
  constructor(host: string, what: string) {
    super(`host '${host}' is an HTTP API endpoint (tsplay_connection: http); shell modules can't run on it (${what})`, {
      hint: 'use an API module (uri, nsx_*, govc_*) for this host, or delegate_to a host with a shell',
    });
    this.host = host;
  }
}

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
