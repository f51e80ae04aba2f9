/**
 * Builds the contexts modules receive. `check` gets a HostContext (reads
 * only); `apply` gets an ApplyContext (reads and writes). Both are thin
 * layers over one Connection, with the task's become and environment applied.
 */
import { ModuleFailure } from '../errors.js';
import type { ApplyContext, CommandOptions, CommandResult, ControllerFiles, HostContext, HttpClient, HttpReader, HttpResponse } from '../module.js';
import type { Probe } from '../probe.js';
import type { ReadMethod } from '../transport/http-api.js';
import type { KubeClient, KubeReader } from '../transport/kube-api.js';
import type { BecomeOptions, Connection } from '../transport/transport.js';
import { Secret } from '../secret.js';
import { statOnHost } from './host-files.js';
import type { PredictedFiles } from './predicted-files.js';

export interface HostContextOptions {
  readonly host: string;
  /** opened on first use, so controller-only tasks never connect */
  readonly connection: () => Promise<Connection>;
  readonly vars: Readonly<Record<string, unknown>>;
  readonly checkMode: boolean;
  readonly diffMode: boolean;
  readonly become?: BecomeOptions;
  readonly environment?: Readonly<Record<string, string>>;
  readonly controller: ControllerFiles;
  readonly render: (template: string) => string;
  /** evaluates a condition with the task's variables (`ctx.holds`) */
  readonly holds: (condition: string | boolean) => boolean;
  readonly warn: (message: string) => void;
  readonly debug: (message: string) => void;
  /** check mode: answer stat/readFile from the changes earlier tasks would have made */
  readonly predicted?: PredictedFiles;
  /** check mode: an earlier task on this host predicted a change (see HostContext) */
  readonly earlierChangesPredicted?: boolean;
  /** the run's secrets (its Redactor): is this text one of them? */
  readonly secretText?: (text: string) => boolean;
}

/** Runs a command on the host with the task's environment and become; `quick` marks a read-only probe. */
function commandRunner(o: HostContextOptions): (command: string, opts: CommandOptions | undefined, quick: boolean) => Promise<CommandResult> {
  return async (command, opts = {}, quick) => {
    o.debug(`exec: ${command}`);
    const conn = await o.connection();
    const env = o.environment || opts.env ? { env: { ...o.environment, ...opts.env } } : {};
    return conn.exec(command, { ...opts, ...env, ...(o.become ? { become: o.become } : {}), ...(quick ? { quick } : {}) });
  };
}

/** The connection's HTTP API, or a clear error on a host that does not speak HTTP. */
async function httpClient(o: HostContextOptions): Promise<HttpClient> {
  const conn = await o.connection();
  if (!conn.http) {
    throw new ModuleFailure(
      `this module talks to an HTTP API, but host '${o.host}' uses connection '${conn.kind}'; set tsplay_connection: http and tsplay_http_url for it`,
    );
  }
  return logged(conn.http, o.debug);
}

/** The connection's Kubernetes API, or a clear error on a host that is not a cluster. */
async function kubeClient(o: HostContextOptions): Promise<KubeClient> {
  const conn = await o.connection();
  if (!conn.kube) {
    throw new ModuleFailure(
      `this module talks to a Kubernetes API server, but host '${o.host}' uses connection '${conn.kind}'; set tsplay_connection: kubernetes and tsplay_kubeconfig for it`,
    );
  }
  return conn.kube;
}

/** Only the reading half: gets, lists, discovery and dry runs, which the server never stores. */
function kubeReaderOf(client: KubeClient): KubeReader {
  return {
    cluster: client.cluster,
    resource: (apiVersion, kind) => client.resource(apiVersion, kind),
    get: (ref) => client.get(ref),
    list: (apiVersion, kind, opts) => client.list(apiVersion, kind, opts),
    dryRunApply: (obj, opts) => client.dryRunApply(obj, opts),
    version: () => client.version(),
  };
}

/** Each call shown at -vv as `http: METHOD path → status` (paths only: no bodies, headers or query values). */
function logged(client: HttpClient, debug: (message: string) => void): HttpClient {
  const call = async <T>(method: string, path: string, send: () => Promise<HttpResponse<T>>): Promise<HttpResponse<T>> => {
    const shown = path.split('?')[0];
    try {
      const res = await send();
      debug(`http: ${method} ${shown} → ${res.status}`);
      return res;
    } catch (e) {
      debug(`http: ${method} ${shown} failed`);
      throw e;
    }
  };
  return {
    get: (path, opts) => call('GET', path, () => client.get(path, opts)),
    read: (req) => call(req.method, req.path, () => client.read(req)),
    request: (req) => call(req.method, req.path, () => client.request(req)),
  };
}

const READ_METHODS: ReadonlySet<string> = new Set<ReadMethod>(['GET', 'POST']);

/**
 * Only the reading half of the client: check never gets `request`, and `read` refuses
 * PUT, PATCH and DELETE at run time too (a project module compiled without types).
 */
function readerOf(client: HttpClient): HttpReader {
  return {
    get: (path, opts) => client.get(path, opts),
    read: async (req) => {
      if (!READ_METHODS.has(req.method)) throw new ModuleFailure(`check may only read: ${req.method} ${req.path} is a write (send it from apply)`);
      return client.read(req);
    },
  };
}

/** `ctx.probe`: runs the probe's command as a quick read-only command and parses what it printed. */
function prober(o: HostContextOptions, exec: ReturnType<typeof commandRunner>): HostContext['probe'] {
  return async <A, T>(probe: Probe<A, T>, args?: A): Promise<T> => {
    const a = args as A;
    const stdin = probe.stdin?.(a);
    o.debug(`probe ${probe.name}`);
    const result = await exec(probe.command(a), stdin === undefined ? undefined : { stdin }, true);
    return probe.parse(result, a);
  };
}

export function createHostContext(o: HostContextOptions): HostContext {
  const exec = commandRunner(o);
  return {
    host: o.host,
    vars: o.vars,
    diffMode: o.diffMode,
    earlierChangesPredicted: o.checkMode && (o.earlierChangesPredicted ?? false),
    probe: prober(o, exec),
    readFile: async (path) => {
      const predicted = o.predicted?.read(path);
      if (predicted !== undefined) return predicted;
      return (await o.connection()).get(path, o.become ? { become: o.become } : {});
    },
    stat: async (path, opts = {}) => {
      const effect = o.predicted?.lookup(path);
      if (effect?.state === 'absent') return null;
      const base = await statOnHost(await o.connection(), path, { ...opts, ...(o.become ? { become: o.become } : {}) });
      return effect && o.predicted ? o.predicted.stat(path, base, opts) : base;
    },
    controller: o.controller,
    render: o.render,
    holds: o.holds,
    isSecret: (v) => Secret.isSecret(v) || (typeof v === 'string' ? (o.secretText?.(v) ?? false) : typeof v === 'number' && (o.secretText?.(v.toString()) ?? false)),
    warn: o.warn,
    debug: o.debug,
    http: async () => readerOf(await httpClient(o)),
    kube: async () => kubeReaderOf(await kubeClient(o)),
  };
}

export function createApplyContext(o: HostContextOptions): ApplyContext {
  const base = createHostContext(o);
  const exec = commandRunner(o);
  return {
    ...base,
    run: (command, opts) => exec(command, opts, false),
    writeFile: async (path, content, opts = {}) => {
      o.debug(`write: ${path}`);
      const conn = await o.connection();
      await conn.put(path, Buffer.isBuffer(content) ? content : Buffer.from(content), {
        ...opts,
        ...(o.become ? { become: o.become } : {}),
      });
    },
    http: () => httpClient(o),
    kube: () => kubeClient(o),
  };
}
