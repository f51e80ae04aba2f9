/** Assembles the RunContext of a run: output sinks, connection factories, host state and the prepared inputs. */
import { type SpinnerFactory, HumanSink, JsonSink, JunitSink, MultiSink, ProfileSink } from '../output/index.js';
import type { Redactor } from '../secret.js';
import { dockerConnectionFactory } from '../transport/docker.js';
import { LocalConnection } from '../transport/local.js';
import { createSshConnectionFactory } from '../transport/ssh/factory.js';
import { createHttpConnectionFactory } from '../transport/http/factory.js';
import { createKubeConnectionFactory } from '../transport/kubernetes/factory.js';
import type { ConnectionFactory } from '../transport/transport.js';
import { gatherFacts, factsToVars } from '../facts/gather.js';
import { DEFAULT_FORKS, type PlaybookRunRequest } from './run-request.js';
import { ConnectionPool } from './connections.js';
import type { EventSink } from './events.js';
import { HostStates } from './host-state.js';
import type { PreparedRun } from './prepare.js';
import { RedactingSink } from './redacting-sink.js';
import type { RunContext } from './run-context.js';
import type { RunIO } from './run-io.js';
import { parseTagList } from './tags.js';
import { buildHostvars } from './task-vars.js';

/**
 * Every transport a host can name in `tsplay_connection`. `debug` receives
 * transport-level lines (http logins and retries); `signal` ends http
 * requests in flight on Ctrl-C (commands get it per exec, see abortable).
 */
export function connectionFactories(opts: { debug?: (host: string, message: string) => void; signal?: AbortSignal } = {}): Record<string, ConnectionFactory> {
  return {
    local: async (s) => new LocalConnection(s.host),
    docker: dockerConnectionFactory,
    ssh: createSshConnectionFactory(),
    http: createHttpConnectionFactory({ ...(opts.debug ? { log: opts.debug } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }),
    kubernetes: createKubeConnectionFactory({ ...(opts.debug ? { log: opts.debug } : {}), ...(opts.signal ? { signal: opts.signal } : {}) }),
  };
}

/** Connections whose commands end when the run is interrupted. */
function abortable(factories: Readonly<Record<string, ConnectionFactory>>, signal: AbortSignal): Record<string, ConnectionFactory> {
  const out: Record<string, ConnectionFactory> = {};
  for (const [name, factory] of Object.entries(factories)) {
    out[name] = async (settings) => {
      const c = await factory(settings);
      return {
        host: c.host,
        kind: c.kind,
        exec: (command, opts) => c.exec(command, { ...opts, signal }),
        put: (path, content, opts) => c.put(path, content, opts),
        get: (path, opts) => c.get(path, opts),
        close: () => c.close(),
        ...(c.http ? { http: c.http } : {}),
        ...(c.kube ? { kube: c.kube } : {}),
        ...(c.shell === false ? { shell: false } : {}),
      };
    };
  }
  return out;
}

/** The output sinks the request asks for, behind the one RedactingSink every event of the run passes through. */
export function createSink(req: PlaybookRunRequest, io: RunIO, redactor: Redactor, spinner?: SpinnerFactory): EventSink {
  const sinks: EventSink[] = [
    req.json
      ? new JsonSink(io.stdout)
      : new HumanSink(io.stdout, { verbosity: req.verbosity, diff: req.diff, env: io.env, stderr: io.stderr, ...(spinner ? { spinner } : {}) }),
  ];
  if (req.junit) sinks.push(new JunitSink({ file: req.junit }));
  if (req.profile && !req.json) sinks.push(new ProfileSink(io.stdout));
  return new RedactingSink(sinks.length === 1 ? (sinks[0] as EventSink) : new MultiSink(sinks), redactor);
}

export function createRunContext(
  req: PlaybookRunRequest,
  p: PreparedRun,
  io: RunIO,
  redactor: Redactor,
  signal: AbortSignal,
  factories?: Readonly<Record<string, ConnectionFactory>>,
  spinner?: SpinnerFactory,
): RunContext {
  const hosts = new HostStates();
  const sink = createSink(req, io, redactor, spinner);
  const debug = (host: string, message: string): void => {
    if (req.verbosity >= 3) sink.emit({ type: 'debug', level: 3, message, host });
  };
  return {
    options: {
      check: req.check,
      diff: req.diff,
      tags: { only: parseTagList(req.tags), skip: parseTagList(req.skipTags) },
      forks: req.forks ?? DEFAULT_FORKS,
      verbosity: req.verbosity,
      ...(req.limit !== undefined ? { limit: req.limit } : {}),
      ...(req.startAtTask !== undefined ? { startAtTask: req.startAtTask } : {}),
      ...(req.become ? { become: true } : {}),
      ...(req.becomeUser !== undefined ? { becomeUser: req.becomeUser } : {}),
      playbookDir: p.playbookDir,
    },
    inventory: p.inventory,
    modules: p.registry,
    params: p.params,
    templates: p.templates,
    conditions: p.conditions,
    files: p.files,
    facts: { gather: async (probe) => factsToVars(await gatherFacts(probe)) },
    redactor,
    sink,
    connections: new ConnectionPool(abortable(factories ?? connectionFactories({ debug, signal }), signal)),
    hosts,
    extraVars: p.extraVars,
    hostvars: buildHostvars(p.inventory, hosts),
    signal,
    startAtPending: req.startAtTask !== undefined,
  };
}
