/**
 * The error catalogue (src/engine/error-codes.ts) is the one list of codes:
 * every code written anywhere in src/ is in it (TsplayError's `code` is typed
 * as ErrorCode, so a typo there does not compile; this also covers the code
 * fields of the module-internal errors that are not TsplayErrors), every code
 * in it is used, and a TsplayError's exit status is its code's.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCodes, isErrorCode, type ErrorCode } from '../../src/engine/error-codes.js';
import {
  errorReport,
  ExitCode,
  InterruptedError,
  ModuleFailure,
  NoHostsError,
  OptionsError,
  ParseError,
  TemplateError,
  UndefinedVariableError,
  UnreachableError,
  ValidationErrors,
  VaultError,
  type TsplayError,
} from '../../src/engine/errors.js';
import { HostPatternError, ConnectionVarError } from '../../src/engine/inventory/errors.js';
import { NoShellError } from '../../src/engine/transport/http/connection.js';
import { HttpError } from '../../src/engine/transport/http/errors.js';
import { ReportWriteError } from '../../src/engine/run-playbooks.js';

const SRC = join(import.meta.dirname, '../../src');
const CATALOGUE = join(SRC, 'engine/error-codes.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? sourceFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Every `'E_...'` string literal in src/ (outside the catalogue) with where it is. */
function codeLiterals(): { code: string; where: string }[] {
  return sourceFiles(SRC)
    .filter((f) => f !== CATALOGUE)
    .flatMap((f) =>
      readFileSync(f, 'utf8')
        .split('\n')
        .flatMap((line, i) => [...line.matchAll(/'(E_[A-Z0-9_]+)'/g)].map((m) => ({ code: m[1]!, where: `${relative(SRC, f)}:${i + 1}` }))),
    );
}

describe('the error catalogue', () => {
  it('holds every code written in src/', () => {
    const literals = codeLiterals();
    expect(literals.length).toBeGreaterThan(60);
    expect(literals.filter((l) => !isErrorCode(l.code))).toEqual([]);
  });

  it('has no code that nothing in src/ uses', () => {
    const used = new Set(codeLiterals().map((l) => l.code));
    expect(Object.keys(ErrorCodes).filter((c) => !used.has(c))).toEqual([]);
  });

  it.each(Object.entries(ErrorCodes))('%s has a summary, a fix and a valid exit status', (_code, info) => {
    expect(Object.values(ExitCode)).toContain(info.exit);
    expect(info.exit).not.toBe(ExitCode.ok);
    expect(info.summary.length).toBeGreaterThan(10);
    expect(info.fix.length).toBeGreaterThan(5);
    if ('via' in info) {
      // a code reported as another one ends the run with that one's exit status
      expect(isErrorCode(info.via)).toBe(true);
      expect(ErrorCodes[info.via as ErrorCode].exit).toBe(info.exit);
      expect('via' in ErrorCodes[info.via as ErrorCode]).toBe(false);
    }
  });

  const where = { file: 'site.yml', line: 3, column: 7, field: 'tasks[0].when' };
  const errors: readonly [TsplayError, number][] = [
    [new ParseError('E_TYPE', 'x', { location: where }), 4],
    [new ValidationErrors([new ParseError('E_TYPE', 'x')]), 4],
    [new OptionsError('x'), 5],
    [new UndefinedVariableError('a', '{{ a }}'), 4],
    [new TemplateError('x'), 4],
    [new ModuleFailure('x'), 2],
    [new NoHostsError('x'), 1],
    [new UnreachableError('h', 'x'), 3],
    [new VaultError('x'), 1],
    [new InterruptedError('x'), 99],
    [new HostPatternError('a:&', 'x'), 4],
    [new ConnectionVarError('h', 'x'), 4],
    [new NoShellError('h', 'x'), 2],
    [new HttpError({ host: 'h', method: 'GET', url: '/', status: 500 }), 2],
    [new ReportWriteError('x'), 1],
  ];
  it.each(errors.map(([e, exit]) => ({ name: e.constructor.name, e, exit })))('$name exits with its code\'s status ($exit)', ({ e, exit }) => {
    expect(e.exitCode).toBe(exit);
    expect(e.exitCode).toBe(ErrorCodes[e.code].exit);
  });

  it('errorReport puts each error\'s code after its message, hints on their own lines', () => {
    const one = new ParseError('E_TYPE', 'expected a list', { location: where, hint: 'write [a, b]' });
    const two = new ParseError('E_UNKNOWN_KEY', "unknown key 'becom'", { location: { file: 'site.yml', line: 5, column: 3 } });
    expect(errorReport(one)).toBe('site.yml:3:7 (tasks[0].when): expected a list [E_TYPE]\n  hint: write [a, b]');
    expect(errorReport(new ValidationErrors([one, two]))).toBe(
      "site.yml:3:7 (tasks[0].when): expected a list [E_TYPE]\n  hint: write [a, b]\nsite.yml:5:3: unknown key 'becom' [E_UNKNOWN_KEY]",
    );
  });
});
