import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { TsplayError, ValidationErrors } from '../../../src/engine/errors.js';
import { loadPlaybook } from '../../../src/engine/playbook/load-playbook.js';
import { brokenCases } from '../../fixtures/broken/cases.js';
import { testModules } from './test-modules.js';

const root = resolve('test/fixtures/broken');

function loadErrors(file: string): readonly TsplayError[] {
  try {
    loadPlaybook(file, { modules: testModules() });
  } catch (e) {
    if (!TsplayError.isInstance(e)) throw e;
    return e instanceof ValidationErrors ? e.errors : [e];
  }
  return [];
}

describe('the broken-playbook corpus', () => {
  it('has at least 60 cases, each a directory with a playbook', () => {
    expect(brokenCases.length).toBeGreaterThanOrEqual(60);
    expect(new Set(brokenCases.map((c) => c.name)).size).toBe(brokenCases.length);
  });

  const atLoad = brokenCases.filter((c) => c.stage !== 'prepare');
  const atPrepare = brokenCases.filter((c) => c.stage === 'prepare');

  it.each(atLoad)('$name → $code at $line:$column ($field)', (c) => {
    const dir = join(root, c.name);
    const errors = loadErrors(join(dir, 'playbook.yml'));
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) expect(e.exitCode).toBe(c.exitCode);
    const match = errors.find((e) => e.code === c.code && e.location?.line === c.line);
    expect(match, errors.map((e) => `${e.code} ${e.format()}`).join('\n')).toBeDefined();
    expect(match!.location?.file).toBe(join(dir, c.file ?? 'playbook.yml'));
    expect(match!.location?.column).toBe(c.column);
    expect(match!.location?.field ?? null).toBe(c.field);
    const text = match!.format();
    for (const part of c.messageIncludes) expect(text).toContain(part);
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
  });

  // the inventory's group_vars or the play's variables decide these: the loader accepts the playbook,
  // and the run finds them before any host is contacted (test/cli/broken-corpus.test.ts)
  it.each(atPrepare)('$name loads (the error is in the variables)', (c) => {
    expect(loadErrors(join(root, c.name, 'playbook.yml'))).toEqual([]);
  });

  it('reports every error of a file at once, in file order', () => {
    const errors = loadErrors(join(root, 'many-errors/playbook.yml'));
    expect(errors.map((e) => [e.code, e.location?.line])).toEqual([
      ['E_UNKNOWN_KEY', 2],
      ['E_UNKNOWN_MODULE', 5],
      ['E_UNKNOWN_KEY', 8],
    ]);
    expect(errors.map((e) => e.message)).toEqual([
      "unknown key 'gather_fact'; did you mean 'gather_facts'?",
      "unknown module 'cpy'; did you mean 'copy'?",
      "unknown key 'tag'; did you mean 'tags'?",
    ]);
  });

  it('reports both problems of a role task file', () => {
    const errors = loadErrors(join(root, 'error-in-role-task/playbook.yml'));
    expect(errors.map((e) => e.code).sort()).toEqual(['E_MISSING_PARAM', 'E_UNKNOWN_PARAM']);
  });
});
