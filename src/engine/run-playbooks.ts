/**
 * A whole `tsplay PLAYBOOK...` invocation: load and validate every input
 * before any host is contacted, then run the plays and report. This is the
 * engine's front door; the CLI only parses flags into a PlaybookRunRequest.
 */
import { ExitCode, InterruptedError, OptionsError } from './errors.js';
import { Redactor } from './secret.js';
import { prepareRun, type PreparedRun } from './run/prepare.js';
import { runPlay } from './run/play-runner.js';
import { createRunContext } from './run/create-run-context.js';
import { printListing } from './run/listings.js';
import type { RunIO } from './run/run-io.js';

export type { RunIO } from './run/run-io.js';

export interface PlaybookRunRequest {
  readonly playbooks: readonly string[];
  readonly inventories: readonly string[];
  readonly extraVars: readonly string[];
  readonly check: boolean;
  readonly diff: boolean;
  readonly tags: readonly string[];
  readonly skipTags: readonly string[];
  readonly limit?: string;
  readonly startAtTask?: string;
  readonly mode: 'run' | 'syntax-check' | 'list-hosts' | 'list-tasks' | 'list-tags';
  readonly forks?: number;
  readonly verbosity: number;
  readonly json: boolean;
  readonly junit?: string;
  readonly profile: boolean;
  readonly vaultPasswordFiles: readonly string[];
  readonly vaultIds: readonly string[];
  readonly askVaultPass: boolean;
  readonly become?: boolean;
  readonly becomeUser?: string;
  readonly askBecomePass: boolean;
  readonly user?: string;
  readonly connection?: string;
  readonly acceptNewHostKeys: boolean;
}

/** Default number of hosts worked on at once. Ansible's 5 is a common complaint; connections here are cheap. */
export const DEFAULT_FORKS = 50;

export async function runPlaybooks(req: PlaybookRunRequest, io: RunIO): Promise<number> {
  if (req.playbooks.length === 0) throw new OptionsError('no playbook given', { hint: 'tsplay PLAYBOOK.yml -i INVENTORY' });
  const redactor = new Redactor();
  const prepared: PreparedRun = await prepareRun(req, io, redactor);
  if (req.mode !== 'run') return printListing(req, prepared, io);

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  process.once('SIGINT', onSigint);
  const rc = createRunContext(req, prepared, io, redactor, controller.signal);
  const started = performance.now();
  try {
    for (const pb of prepared.playbooks) {
      rc.sink.emit({ type: 'playbook_start', file: pb.file, checkMode: req.check });
      for (const play of pb.plays) {
        if (controller.signal.aborted) break;
        await runPlay(rc, play);
      }
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    rc.sink.emit({ type: 'recap', stats: rc.hosts.stats(), durationMs: performance.now() - started });
    await rc.sink.close?.();
    await rc.connections.closeAll();
  }
  if (controller.signal.aborted) {
    io.stderr.write(`${new InterruptedError('interrupted by the user').format()}\n`);
    return ExitCode.interrupted;
  }
  const all = rc.hosts.all();
  if (all.some((h) => h.stats.failed > 0)) return ExitCode.hostFailed;
  if (all.some((h) => h.stats.unreachable > 0)) return ExitCode.hostUnreachable;
  return ExitCode.ok;
}
