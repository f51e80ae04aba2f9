import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import template from '../../src/modules/template.js';
import { UndefinedVariableError } from '../../src/engine/errors.js';
import { expectConverges, InvalidParams, runModule, snapshotTree, tempDir } from '../helpers/module-harness.js';

async function controller(files: Record<string, string>): Promise<string> {
  const ctl = await tempDir('tsplay-ctl-');
  await mkdir(join(ctl, 'templates'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(ctl, 'templates', name), text);
  return ctl;
}

describe('template', () => {
  it.each([
    { name: 'new file', existing: undefined, tpl: 'port={{port}}\n', vars: { port: 8080 }, before: '', after: 'port=8080\n' },
    { name: 'changed variable', existing: 'port=80\n', tpl: 'port={{port}}\n', vars: { port: 8080 }, before: 'port=80\n', after: 'port=8080\n' },
    { name: 'loop, no HTML escaping', existing: undefined, tpl: '{{#each hosts}}{{this}}\n{{/each}}', vars: { hosts: ['a&b', '<c>'] }, before: '', after: 'a&b\n<c>\n' },
  ])('$name: converges with an exact diff', async ({ existing, tpl, vars, before, after }) => {
    const ctl = await controller({ 'app.conf.hbs': tpl });
    const dir = await tempDir();
    const dest = join(dir, 'app.conf');
    if (existing !== undefined) await writeFile(dest, existing);
    const r = await expectConverges(template, { src: 'app.conf.hbs', dest, mode: '0640' }, dir, { controllerDir: ctl, vars, expectChanged: true });
    expect(r.plan.diff?.[0]).toEqual({ label: dest, before, after });
    expect(await readFile(dest, 'utf8')).toBe(after);
    expect(((await stat(dest)).mode & 0o777).toString(8)).toBe('640');
    expect(r.result).toMatchObject({ dest, src: 'app.conf.hbs', mode: '0640' });
  });

  it('an undefined variable fails and writes nothing', async () => {
    const ctl = await controller({ 't.hbs': 'x={{missing}}\n' });
    const dir = await tempDir();
    await expect(runModule(template, { src: 't.hbs', dest: join(dir, 'out') }, { controllerDir: ctl })).rejects.toBeInstanceOf(UndefinedVariableError);
    expect(await snapshotTree(dir)).toEqual({});
  });

  it('a failing validate leaves the old file whole', async () => {
    const ctl = await controller({ 't.hbs': '{{v}}\n' });
    const dir = await tempDir();
    const dest = join(dir, 'out');
    await writeFile(dest, 'ok\n');
    const before = await snapshotTree(dir);
    await expect(runModule(template, { src: 't.hbs', dest, validate: 'grep -q ok %s' }, { controllerDir: ctl, vars: { v: 'bad' } })).rejects.toThrow(/failed to validate/);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  it('backup keeps the previous rendering', async () => {
    const ctl = await controller({ 't.hbs': '{{v}}\n' });
    const dir = await tempDir();
    const dest = join(dir, 'out');
    await writeFile(dest, 'one\n');
    const r = await runModule(template, { src: 't.hbs', dest, backup: true }, { controllerDir: ctl, vars: { v: 'two' } });
    expect(await readFile(String(r.result.backup_file), 'utf8')).toBe('one\n');
  });

  it('a missing template fails clearly', async () => {
    const ctl = await controller({});
    await expect(runModule(template, { src: 'nope.hbs', dest: '/tmp/x' }, { controllerDir: ctl })).rejects.toThrow(/src 'nope.hbs' not found/);
  });

  it.each([{ params: { dest: '/tmp/x' } }, { params: { src: 't', dest: '/tmp/x', backup: 'perhaps' } }, { params: { src: 't' } }])(
    'rejects invalid params %#',
    async ({ params }) => {
      await expect(runModule(template, params)).rejects.toBeInstanceOf(InvalidParams);
    },
  );
});
