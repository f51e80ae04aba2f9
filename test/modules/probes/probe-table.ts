/** The table form of a probe test: a command's result in, the value it means out (or the error it means). */
import { expect } from 'vitest';
import type { CommandResult, Probe } from '../../../src/engine/module.js';

export interface ProbeCase<A, T> {
  readonly name: string;
  readonly args: A;
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
  /** the parsed value; or `error`, a pattern the failure's message must match */
  readonly value?: T;
  readonly error?: RegExp;
}

export function result(c: { stdout?: string; stderr?: string; exitCode?: number }): CommandResult {
  return { stdout: c.stdout ?? '', stderr: c.stderr ?? '', exitCode: c.exitCode ?? 0 };
}

export function expectProbe<A, T>(probe: Probe<A, T>, c: ProbeCase<A, T>): void {
  if (c.error) {
    expect(() => probe.parse(result(c), c.args)).toThrow(c.error);
    return;
  }
  expect(probe.parse(result(c), c.args)).toEqual(c.value);
}
