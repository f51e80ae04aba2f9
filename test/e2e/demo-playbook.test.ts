/**
 * The engine's acceptance test: playbooks/demo.yml, which uses every built-in
 * module, run through the real CLI against the control machine (local
 * connection, file modules) and a systemd lab host (docker connection, apt and
 * systemd):
 *  - --check on fresh hosts changes nothing and predicts the real run's changes;
 *  - the first real run changes exactly that much; the second changes nothing;
 *  - --diff shows the changes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHosts, type LabHost } from '../lab/index.js';
import { snapshotTree } from '../helpers/module-harness.js';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'bin/tsplay.js');

interface Recap {
  ok: number;
  changed: number;
  failed: number;
  skipped: number;
  unreachable: number;
}

function tsplay(args: string[]): { code: number; out: string; recap: Record<string, Recap> } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 300_000 });
  const out = `${r.stdout}${r.stderr}`;
  const recap: Record<string, Recap> = {};
  for (const m of out.matchAll(/^(\S+)\s+: ok=(\d+) changed=(\d+) unreachable=(\d+) failed=(\d+) skipped=(\d+)/gm)) {
    recap[m[1] as string] = { ok: +m[2]!, changed: +m[3]!, unreachable: +m[4]!, failed: +m[5]!, skipped: +m[6]! };
  }
  return { code: r.status ?? -1, out, recap };
}

/** What a lab host looks like where the demo touches it: package, unit file, unit state. */
async function labState(h: LabHost): Promise<string> {
  const r = await h.exec(
    "dpkg-query -W -f='${Status} ${Version}' sl 2>&1; echo; md5sum /etc/systemd/system/tsplay-demo.service 2>&1; systemctl is-active tsplay-demo; systemctl is-enabled tsplay-demo 2>&1; true",
  );
  return r.stdout;
}

describe('playbooks/demo.yml end to end', () => {
  let dir: string;
  let lab: LabHost[] = [];
  let inventory: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsplay-e2e-'));
    lab = await startHosts(1, { kind: 'systemd', namePrefix: 'lab' });
    inventory = join(dir, 'inventory.yml');
    const labHost = lab[0]!;
    writeFileSync(
      inventory,
      [
        'all:',
        '  hosts:',
        '    localhost:',
        '      tsplay_connection: local',
        '  children:',
        '    lab:',
        '      hosts:',
        `        ${labHost.name}:`,
        `          tsplay_host: ${labHost.container}`,
        '          tsplay_connection: docker',
        '',
      ].join('\n'),
    );
  }, 300_000);

  afterAll(async () => {
    await Promise.allSettled(lab.map((h) => h.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('check predicts, the first run changes that, the second changes nothing', async () => {
    const root = join(dir, 'root');
    const args = ['playbooks/demo.yml', '-i', inventory, '-e', `demo_root=${root}`];
    const labHost = lab[0]!;
    // make sure the package is really absent, so the first run has something to do
    await labHost.exec('apt-get remove -y sl >/dev/null 2>&1; true');

    const beforeLocal = await snapshotTree(dir);
    const beforeLab = await labState(labHost);
    const check = tsplay([...args, '--check', '--diff']);
    expect(check.code, check.out).toBe(0);
    expect(await snapshotTree(dir)).toEqual(beforeLocal);
    expect(await labState(labHost)).toBe(beforeLab);
    expect(check.out).toContain(`+++ after: ${root}/app.conf`);
    expect(check.out).toContain('+ports=6443,10250');

    const first = tsplay([...args, '--diff']);
    expect(first.code, first.out).toBe(0);
    for (const host of ['localhost', labHost.name]) {
      expect(first.recap[host]?.changed, `${host}\n${first.out}`).toBeGreaterThan(0);
      expect(first.recap[host]?.changed, `${host}: check predicted ${check.recap[host]?.changed}\n${first.out}`).toBe(check.recap[host]?.changed);
      expect(first.recap[host]?.failed).toBe(0);
    }
    expect(await labState(labHost)).toMatch(/install ok installed[\s\S]*active\s+enabled/);

    const second = tsplay(args);
    expect(second.code, second.out).toBe(0);
    for (const host of ['localhost', labHost.name]) expect(second.recap[host]?.changed, `${host}\n${second.out}`).toBe(0);

    const checkAgain = tsplay([...args, '--check']);
    for (const host of ['localhost', labHost.name]) expect(checkAgain.recap[host]?.changed).toBe(0);
  });
});
