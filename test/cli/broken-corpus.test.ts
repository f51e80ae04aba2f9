/**
 * The broken-playbook corpus (test/fixtures/broken/cases.ts) at the command
 * line: every case, run and --syntax-check, exits 4 with a message naming the
 * file, line, column and field and the error's code, prints no stack trace and
 * starts no play; in process, runPlaybooks opens no connection.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { TsplayError, ValidationErrors } from '../../src/engine/errors.js';
import { brokenCases, type BrokenCase } from '../fixtures/broken/cases.js';
import { cli, ROOT, runInProcess, runRequest, STACK_FRAME, tempDir, TWO_HOST_INVENTORY } from './cli-harness.js';

const BROKEN = join(ROOT, 'test/fixtures/broken');
let inventory: string;

beforeAll(() => {
  inventory = join(tempDir(), 'inventory.yml');
  writeFileSync(inventory, TWO_HOST_INVENTORY);
});

/** `file:line:column (field): ` as the error line starts */
function where(c: BrokenCase): string {
  const file = join(BROKEN, c.name, c.file ?? 'playbook.yml');
  return `${file}:${c.line}:${c.column}${c.field === null ? '' : ` (${c.field})`}: `;
}

describe('the broken-playbook corpus through the CLI', () => {
  it('has one case per case directory', () => {
    const dirs = readdirSync(BROKEN, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect(brokenCases.map((c) => c.name).sort()).toEqual(dirs.sort());
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
    const all = e instanceof ValidationErrors ? e.errors : [e];
    const match = all.find((x) => x.code === c.code && x.location?.line === c.line && x.location.column === c.column);
    expect(match, e.format()).toBeDefined();
    expect(match!.location?.field ?? null).toBe(c.field);
    expect(r.opened).toEqual([]);
    expect(r.stdout).toBe('');
  });
});
