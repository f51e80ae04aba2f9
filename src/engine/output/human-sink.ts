/**
 * Ansible-shaped terminal output: PLAY/TASK banners, one status line per host
 * result, grouped diffs under --diff, warnings, verbose detail and the PLAY
 * RECAP. On a terminal (not CI) a spinner names the running task and the hosts
 * still working; it is hidden before every line so output never interleaves.
 */
import type { EventSink, RunEvent } from '../run/events.js';
import { banner } from './banner.js';
import { colourDiffLine } from './diff-colour.js';
import { DiffGroups } from './diff-groups.js';
import type { EventOf, HostResultEvent } from './event-kinds.js';
import { createPalette, type Palette } from './palette.js';
import { recapLines } from './recap.js';
import { resultDetail } from './result-detail.js';
import type { ResultFormat } from './result-dump.js';
import { spinnerText, type Spinner, type SpinnerFactory } from './spinner.js';
import { IGNORING, statusLine } from './status-line.js';
import { taskHeader, taskLabel } from './task-label.js';
import { resolveTerminal, type Terminal, type TerminalOptions } from './terminal.js';
import { warningLine } from './warning-line.js';
import { toWriteFn, type OutputTarget, type WriteFn } from './writer.js';

export interface HumanSinkOptions extends TerminalOptions {
  /** number of -v flags: 1 results of changed/failed, 2 all results and debug ≤ 2, 3 commands (debug 3) */
  readonly verbosity?: number;
  /** print the diffs carried by host results (--diff) */
  readonly diff?: boolean;
  /** how results are dumped at -v and for `debug`; default json */
  readonly resultFormat?: ResultFormat;
  /** makes the spinner (oraSpinner from ora-spinner.js for the real one); none when not given. Only called on a TTY outside CI. */
  readonly spinner?: SpinnerFactory;
  /** where warnings found while loading (origin 'inventory') go, uncoloured: the CLI gives stderr; default with the rest */
  readonly stderr?: OutputTarget;
}

interface RunningTask {
  readonly label: string;
  readonly pending: string[];
  readonly diffs: DiffGroups;
}

export class HumanSink implements EventSink {
  readonly #write: WriteFn;
  readonly #writeErr: WriteFn | undefined;
  readonly #terminal: Terminal;
  readonly #palette: Palette;
  readonly #verbosity: number;
  readonly #diff: boolean;
  readonly #format: ResultFormat;
  readonly #spinner: Spinner | undefined;
  #task: RunningTask | undefined;

  constructor(out: OutputTarget, opts: HumanSinkOptions = {}) {
    this.#write = toWriteFn(out);
    this.#writeErr = opts.stderr === undefined ? undefined : toWriteFn(opts.stderr);
    this.#terminal = resolveTerminal(out, opts);
    this.#palette = createPalette(this.#terminal.color);
    this.#verbosity = opts.verbosity ?? 0;
    this.#diff = opts.diff ?? false;
    this.#format = opts.resultFormat ?? 'json';
    const stream = typeof out === 'function' ? undefined : out;
    this.#spinner = this.#terminal.spinner && stream && opts.spinner ? opts.spinner(stream, { color: this.#terminal.color }) : undefined;
  }

  emit(event: RunEvent): void {
    switch (event.type) {
      case 'playbook_start':
        if (this.#verbosity >= 1) this.#print(`PLAYBOOK: ${event.file}${event.checkMode ? ' (check mode)' : ''}`);
        return;
      case 'play_start':
        return this.#banner(`PLAY [${event.name}]`);
      case 'task_start':
        return this.#taskStart(event);
      case 'host_result':
        return this.#hostResult(event);
      case 'task_end':
        return this.#taskEnd();
      case 'warning':
        if (event.origin === 'inventory' && this.#writeErr) return this.#printRaw(warningLine(event.message, event.host), this.#writeErr);
        return this.#print(warningLine(event.message, event.host), (s) => this.#palette.paint('magenta', s));
      case 'debug':
        if (this.#verbosity >= 2 && event.level <= this.#verbosity)
          this.#print(event.host ? `<${event.host}> ${event.message}` : event.message, (s) => this.#palette.paint('blue', s));
        return;
      case 'play_end':
        return;
      case 'recap':
        this.#task = undefined;
        this.#banner('PLAY RECAP');
        for (const line of recapLines(event.stats, this.#palette)) this.#printRaw(line);
        this.#printRaw('');
        return;
    }
  }

  async close(): Promise<void> {
    this.#task = undefined;
    this.#spinner?.hide();
  }

  #taskStart(event: EventOf<'task_start'>): void {
    this.#task = undefined;
    this.#banner(taskHeader(event.task));
    if (this.#verbosity >= 2 && event.task.where) this.#print(`task path: ${event.task.where}`);
    this.#task = { label: taskLabel(event.task), pending: [...event.hosts], diffs: new DiffGroups() };
    this.#showSpinner();
  }

  #hostResult(r: HostResultEvent): void {
    const task = this.#task;
    // An item result does not finish the host's work on a loop task.
    if (task && r.item === undefined) {
      const i = task.pending.indexOf(r.host);
      if (i >= 0) task.pending.splice(i, 1);
    }
    // a loop's summary: its items were printed one by one; only a failure gets a closing line
    if (r.loopSummary && r.status !== 'failed' && r.status !== 'unreachable') return;
    const colour = (s: string): string => this.#palette.status(r.status, s);
    this.#print(statusLine(r, resultDetail(r, this.#verbosity, this.#format)), colour);
    if (r.ignored) this.#print(IGNORING, (s) => this.#palette.paint('cyan', s));
    if (this.#diff && r.diff?.length && !r.loopSummary) {
      if (task) task.diffs.add(r.host, r.diff);
      else this.#printDiffs(groupsOf(r.host, r.diff));
    }
  }

  #taskEnd(): void {
    const task = this.#task;
    this.#task = undefined;
    if (task) this.#printDiffs(task.diffs.take());
    this.#spinner?.hide();
  }

  #printDiffs(groups: ReturnType<DiffGroups['take']>): void {
    for (const g of groups) {
      for (const line of g.lines) this.#print(line, (s) => colourDiffLine(s, this.#palette));
      this.#print(`hosts: ${g.hosts.join(', ')}`);
      this.#print('');
    }
  }

  #banner(title: string): void {
    this.#print('');
    this.#print(banner(title, this.#terminal.width));
  }

  /** Colours and writes one line, with the spinner out of the way. */
  #print(plain: string, colour: (s: string) => string = (s) => s): void {
    this.#printRaw(colour(plain));
  }

  #printRaw(line: string, write: WriteFn = this.#write): void {
    this.#spinner?.hide();
    write(line + '\n');
    this.#showSpinner();
  }

  #showSpinner(): void {
    const task = this.#task;
    if (!this.#spinner || !task || task.pending.length === 0) return;
    this.#spinner.show(spinnerText(task.label, task.pending));
  }
}

function groupsOf(host: string, diffs: NonNullable<HostResultEvent['diff']>): ReturnType<DiffGroups['take']> {
  const groups = new DiffGroups();
  groups.add(host, diffs);
  return groups.take();
}
