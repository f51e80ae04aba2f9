/**
 * The broken-playbook corpus (test/fixtures/broken/cases.ts) at the command
 * line: every case, run and --syntax-check, exits 4 with a message naming the
 * file, line and column, prints no stack trace and starts no play; in process,
 * runPlaybooks contacts no host.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TsplayError } from '../../src/engine/errors.js';
import { brokenCases, type BrokenCase } from '../fixtures/broken/cases.js';
import { cli, ROOT, runInProcess, runRequest, STACK_FRAME, tempDir, TWO_HOST_INVENTORY } from './cli-harness.js';

const BROKEN = join(ROOT, 'test/fixtures/broken');
let inventory: string;

beforeAll(() => {
  inventory = join(tempDir(), 'inventory.yml');
  writeFileSync(inventory, TWO_HOST_INVENTORY);
});

function where(c: BrokenCase): string {
  const file = join(BROKEN, c.name, c.file ?? 'playbook.yml');
  return c.column === undefined ? `${file}:${c.line}` : `${file}:${c.line}:${c.column}`;
}

describe('the broken-playbook corpus through the CLI', () => {
  it('covers every case directory', () => {
    expect(brokenCases.length).toBe(39);
  });

  describe.each([
    { mode: 'run', flags: [] as string[] },
    { mode: 'syntax-check', flags: ['--syntax-check'] },
  ])('$mode', ({ flags }) => {
    it.concurrent.each(brokenCases)('$name exits 4 naming the place', async (c) => {
      const r = await cli([join(BROKEN, c.name, 'playbook.yml'), '-i', inventory, ...flags]);
      expect(r.code, r.stderr).toBe(4);
      expect(r.stderr).toMatch(/^ERROR! /);
      expect(r.stderr).toContain(where(c));
      expect(r.stderr).toContain(`[${c.code}]`); // the code docs/errors.md explains
      for (const part of c.messageIncludes) expect(r.stderr).toContain(part);
      expect(r.stderr).not.toMatch(STACK_FRAME);
      expect(r.stdout).not.toContain('PLAY'); // nothing started
    });
  });
});

describe('the broken-playbook corpus in process', () => {
  it.each(brokenCases)('$name: error of code $code, no host contacted', async (c) => {
    const r = await runInProcess(runRequest({ playbooks: [join(BROKEN, c.name, 'playbook.yml')], inventories: [inventory] }));
    expect(r.code).toBeUndefined();
    expect(TsplayError.isInstance(r.error)).toBe(true);
    const e = r.error as TsplayError;
    expect(e.exitCode).toBe(4);
    expect(e.format()).toContain(where(c));
    expect(r.opened).toEqual([]);
    expect(r.stdout).toBe('');
  });
});
