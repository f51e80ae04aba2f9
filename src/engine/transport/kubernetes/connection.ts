/**
 * A host reached over `tsplay_connection: kubernetes`: a cluster's API
 * server. Its only way in is `kube`; it has no shell, so exec/put/get fail
 * with a clear error and facts are not gathered (`shell: false`).
 */
import type { KubeClient } from '../kube-api.js';
import type { Connection, ExecResult } from '../transport.js';
import { NoShellError } from '../no-shell.js';
import type { KubeRestClient } from './client.js';

export class KubeConnection implements Connection {
  readonly kind = 'kubernetes';
  readonly shell = false;
  readonly kube: KubeClient;

  constructor(
    readonly host: string,
    private readonly client: KubeRestClient,
  ) {
    this.kube = client;
  }

  async exec(command: string): Promise<ExecResult> {
    throw new NoShellError(this.host, `tried to run: ${command.length > 60 ? `${command.slice(0, 60)}…` : command}`, 'kubernetes');
  }

  async put(path: string): Promise<void> {
    throw new NoShellError(this.host, `tried to write ${path}`, 'kubernetes');
  }

  async get(path: string): Promise<Buffer | null> {
    throw new NoShellError(this.host, `tried to read ${path}`, 'kubernetes');
  }

  async close(): Promise<void> {
    this.client.close();
  }
}
