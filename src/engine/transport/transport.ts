/**
 * The transport contract: the only way the engine touches a host. Local, SSH,
 * docker and HTTP connections implement it; modules never see it directly
 * (they get a ModuleContext built on top of it).
 */
import type { HttpClient } from './http-api.js';
import type { KubeClient } from './kube-api.js';

export interface BecomeOptions {
  /** the user to become (default root) */
  readonly user?: string;
  /** sudo password; sent to sudo on stdin, never on a command line */
  readonly password?: string;
}

export interface ExecOptions {
  readonly stdin?: string | Buffer;
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  readonly timeoutMs?: number;
  readonly become?: BecomeOptions;
  /** when it aborts (Ctrl-C), the command is ended; transports that cannot end it may ignore it */
  /**
   * A short read-only probe (stat, dpkg-query, facts): a transport need not make it
   * endable from outside on Ctrl-C, which saves work per command (SSH wraps endable
   * commands in a process group of their own).
   */
  readonly quick?: boolean;
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** the signal that ended the command, if any */
  readonly signal?: string;
}

export interface PutOptions {
  /** octal string ("0644") */
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
  readonly become?: BecomeOptions;
}

export interface Connection {
  /** inventory name of the host this connection reaches */
  readonly host: string;
  /** connection kind: 'local', 'ssh', 'docker', ... */
  readonly kind: string;
  /** Runs a shell command (`sh -c`). Never throws for a non-zero exit; throws UnreachableError when the host cannot be reached. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Writes a file atomically: a temporary file in the same directory, then rename. */
  put(path: string, content: Buffer, opts?: PutOptions): Promise<void>;
  /** Reads a file; null when it does not exist. */
  get(path: string, opts?: { become?: BecomeOptions }): Promise<Buffer | null>;
  close(): Promise<void>;
  /** the host's HTTP API, on connections that speak HTTP (kind 'http') */
  readonly http?: HttpClient;
  /** the cluster's API, on connections to a Kubernetes API server (kind 'kubernetes') */
  readonly kube?: KubeClient;
  /** false on connections that cannot run commands (kinds 'http', 'kubernetes'): exec/put/get fail there and facts are not gathered */
  readonly shell?: boolean;
}

/** Settings a connection is opened with, taken from the host's variables. */
export interface ConnectionSettings {
  readonly host: string;
  readonly connection: string;
  readonly address: string;
  readonly port?: number;
  readonly user?: string;
  readonly vars: Readonly<Record<string, unknown>>;
}

export type ConnectionFactory = (settings: ConnectionSettings) => Promise<Connection>;
