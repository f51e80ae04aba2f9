/** --junit FILE: collects the run and writes one JUnit XML file at close(). */
import { writeFile } from 'node:fs/promises';
import type { EventSink, RunEvent } from '../run/events.js';
import { JunitCollector } from './junit-report.js';
import { renderJunit } from './junit-xml.js';
import { TaskRuns } from './task-runs.js';

export interface JunitSinkOptions {
  /** where the XML goes */
  readonly file: string;
  /** writes the file; default fs.promises.writeFile (tests pass a recorder) */
  readonly writeFile?: (file: string, content: string) => Promise<void>;
  /** the `<testsuites name>`; default "tsplay" */
  readonly name?: string;
}

export class JunitSink implements EventSink {
  readonly #opts: JunitSinkOptions;
  readonly #collector = new JunitCollector();
  readonly #runs = new TaskRuns();

  constructor(opts: JunitSinkOptions) {
    this.#opts = opts;
  }

  emit(event: RunEvent): void {
    if (event.type === 'play_start') this.#collector.startPlay(event.name);
    else if (event.type === 'task_start') this.#runs.start(event.task);
    else if (event.type === 'host_result') this.#collector.add(this.#runs.current(event.task), event);
  }

  /** The XML as it would be written now. */
  xml(): string {
    return renderJunit(this.#collector.suites(), this.#opts.name);
  }

  async close(): Promise<void> {
    const write = this.#opts.writeFile ?? ((file: string, content: string) => writeFile(file, content, 'utf8'));
    await write(this.#opts.file, this.xml());
  }
}
