/** Run output: the event sinks the CLI combines (--json, --junit, --profile, --diff, -v). */
export { HumanSink, type HumanSinkOptions } from './human-sink.js';
export { JsonSink, jsonRecord, type JsonSinkOptions, type JsonRecord } from './json-sink.js';
export { JunitSink, type JunitSinkOptions } from './junit-sink.js';
export { renderJunit } from './junit-xml.js';
export { ProfileSink, type ProfileSinkOptions } from './profile-sink.js';
export { MultiSink } from './multi-sink.js';
export { type Spinner, type SpinnerFactory } from './spinner.js';
export { renderDiff } from './render-diff.js';
export { recapLines } from './recap.js';
export { resolveTerminal, type Terminal, type TerminalOptions, type Env } from './terminal.js';
export type { OutputStream, OutputTarget, WriteFn } from './writer.js';
export type { ResultFormat } from './result-dump.js';
