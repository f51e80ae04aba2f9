/**
 * A whole `tsplay PLAYBOOK...` invocation: load and validate every input
 * before any host is contacted, then run the plays and report. This is the
 * engine's front door; the CLI only parses flags into a PlaybookRunRequest.
 */
import { setMaxListeners } from 'node:events';
import { ExitCode, InterruptedError, OptionsError, TsplayError } from './errors.js';
import { Redactor } from './secret.js';
import { prepareRun, type PreparedRun } from './run/prepare.js';
import { runPlay } from './run/play-runner.js';
import { createRunContext } from './run/create-run-context.js';
import { printListing } from './run/listings.js';
import { redactError } from './run/redact-error.js';
import { warningLine } from './output/warning-line.js';
import type { EventSink } from './run/events.js';
import type { RunIO } from './run/run-io.js';
import type { PlaybookRunRequest } from './run/run-request.js';
import type { ConnectionFactory } from './transport/transport.js';

export type { RunIO } from './run/run-io.js';
export { DEFAULT_FORKS, type PlaybookRunRequest } from './run/run-request.js';

/** What a run may be given instead of the real thing (tests inject recording connection factories). */
export interface RunDependencies {
  /** transports by `tsplay_connection` name; default: the built-in ones */
  readonly connectionFactories?: Readonly<Record<string, ConnectionFactory>>;
}

export async function runPlaybooks(req: PlaybookRunRequest, io: RunIO, deps: RunDependencies = {}): Promise<number> {
  if (req.playbooks.length === 0) throw new OptionsError('no playbook given', { hint: 'tsplay PLAYBOOK.yml -i INVENTORY' });
  // Ctrl-C is ours from the start: while loading it ends the run at once, while running it stops
  // starting work, ends running commands and still prints the recap.
  const controller = new AbortController();
  // every command and request in flight listens to it (hundreds at forks=50): not a leak
  setMaxListeners(0, controller.signal);
  const onSigint = (): void => {
    if (!controller.signal.aborted) return controller.abort();
    process.removeListener('SIGINT', onSigint); // a second Ctrl-C: the default, immediate exit
    process.kill(process.pid, 'SIGINT');
  };
  process.on('SIGINT', onSigint);
  const redactor = new Redactor();
  // found while loading (the inventory's, --limit's): events of the run, or stderr lines when nothing runs
  const warnings: string[] = [];
  try {
    const prepared = await untilAborted(prepareRun(req, io, redactor, (w) => warnings.push(w)), controller.signal);
    if (req.mode !== 'run') {
      writeWarnings(io, warnings.splice(0), redactor);
      return printListing(req, prepared, io);
    }
    return await run(req, prepared, warnings.splice(0), io, redactor, controller.signal, deps);
  } catch (e) {
    writeWarnings(io, warnings.splice(0), redactor);
    // the one way out for errors (the interruption too, exit 99): the caller reports them, redacted like the run's output
    throw redactError(e, redactor);
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
}

async function run(
  req: PlaybookRunRequest,
  prepared: PreparedRun,
  warnings: readonly string[],
  io: RunIO,
  redactor: Redactor,
  signal: AbortSignal,
  deps: RunDependencies,
): Promise<number> {
  // ora costs ~0.1 s to load: only a terminal that will show the spinner pays for it
  const spinner = io.stdout.isTTY && !io.env.CI && !req.json ? (await import('./output/ora-spinner.js')).oraSpinner : undefined;
  const rc = createRunContext(req, prepared, io, redactor, signal, deps.connectionFactories, spinner);
  const started = performance.now();
  try {
    for (const message of warnings) rc.sink.emit({ type: 'warning', message, origin: 'inventory' });
    for (const pb of prepared.playbooks) {
      rc.sink.emit({ type: 'playbook_start', file: pb.file, checkMode: req.check });
      for (const play of pb.plays) {
        if (signal.aborted) break;
        await runPlay(rc, play);
      }
    }
  } finally {
    try {
      rc.sink.emit({ type: 'recap', stats: rc.hosts.stats(), durationMs: performance.now() - started });
      await closeSink(rc.sink);
    } finally {
      await rc.connections.closeAll();
    }
  }
  if (signal.aborted) throw interrupted();
  const all = rc.hosts.all();
  if (all.some((h) => h.stats.failed > 0)) return ExitCode.hostFailed;
  if (all.some((h) => h.stats.unreachable > 0)) return ExitCode.hostUnreachable;
  return ExitCode.ok;
}

/** Warnings found while loading when there is no run to report them (a listing, or loading failed): as the human output prints them. */
function writeWarnings(io: RunIO, warnings: readonly string[], redactor: Redactor): void {
  for (const w of warnings) io.stderr.write(`${redactor.redact(warningLine(w))}\n`);
}

/** A report (--junit FILE) could not be written after the run. */
export class ReportWriteError extends TsplayError {
  readonly code = 'E_REPORT_WRITE';
}

async function closeSink(sink: EventSink): Promise<void> {
  try {
    await sink.close?.();
  } catch (e) {
    if (TsplayError.isInstance(e)) throw e;
    throw new ReportWriteError(`cannot write the report: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

const interrupted = (): InterruptedError => new InterruptedError('interrupted by the user');

/** Settles like `work`, or rejects with an InterruptedError as soon as `signal` aborts. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
