import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import systemd from '../../src/modules/systemd.js';
import { parseShow, planUnit, UnitPlanError, type UnitWanted } from '../../src/modules/support/systemd-unit.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';

const show = (active: string, file: string, load = 'loaded', extra = ''): string =>
  `Id=web.service\nLoadState=${load}\nActiveState=${active}\nSubState=x\nUnitFileState=${file}\nCanReload=no\nNeedDaemonReload=no\n${extra}`;

describe('planUnit', () => {
  const cases: { name: string; status: string; want: UnitWanted; actions: string[]; before?: object; after?: object }[] = [
    { name: 'start a stopped unit', status: show('inactive', 'disabled'), want: { name: 'web', state: 'started' }, actions: ['start'], before: { state: 'stopped' }, after: { state: 'started' } },
    { name: 'started stays', status: show('active', 'enabled'), want: { name: 'web', state: 'started' }, actions: [] },
    { name: 'activating counts as running', status: show('activating', 'enabled'), want: { name: 'web', state: 'started' }, actions: [] },
    { name: 'stop a running unit', status: show('active', 'enabled'), want: { name: 'web', state: 'stopped' }, actions: ['stop'] },
    { name: 'failed unit is stopped', status: show('failed', 'enabled'), want: { name: 'web', state: 'stopped' }, actions: [] },
    { name: 'restart always acts', status: show('active', 'enabled'), want: { name: 'web', state: 'restarted' }, actions: ['restart'] },
    { name: 'reload a running unit', status: show('active', 'enabled'), want: { name: 'web', state: 'reloaded' }, actions: ['reload'] },
    { name: 'reload starts a stopped unit', status: show('inactive', 'enabled'), want: { name: 'web', state: 'reloaded' }, actions: ['start'] },
    { name: 'enable and start', status: show('inactive', 'disabled'), want: { name: 'web', state: 'started', enabled: true }, actions: ['enable', 'start'], before: { enabled: false, state: 'stopped' }, after: { enabled: true, state: 'started' } },
    { name: 'static counts as enabled', status: show('inactive', 'static'), want: { name: 'web', enabled: true }, actions: [] },
    { name: 'disable', status: show('active', 'enabled'), want: { name: 'web', enabled: false }, actions: ['disable'] },
    { name: 'mask', status: show('inactive', 'disabled'), want: { name: 'web', masked: true }, actions: ['mask'] },
    { name: 'unmask then start', status: show('inactive', 'masked', 'masked'), want: { name: 'web', masked: false, state: 'started' }, actions: ['unmask', 'start'] },
    { name: 'mask a unit that does not exist', status: show('inactive', '', 'not-found'), want: { name: 'web', masked: true }, actions: ['mask'] },
    { name: 'daemon-reload when files changed', status: show('active', 'enabled', 'loaded', 'NeedDaemonReload=yes'), want: { name: 'web', daemon_reload: true, state: 'started' }, actions: ['daemon-reload'] },
    { name: 'daemon-reload skipped when not needed', status: show('active', 'enabled'), want: { name: 'web', daemon_reload: true, state: 'started' }, actions: [] },
    { name: 'daemon-reload alone', status: '', want: { daemon_reload: true }, actions: ['daemon-reload'] },
  ];
  it.each(cases)('$name', ({ status, want, actions, before, after }) => {
    const plan = planUnit(parseShow(status), want);
    expect(plan.actions).toEqual(actions);
    if (before) expect(plan.before).toEqual(before);
    if (after) expect(plan.after).toEqual(after);
  });

  it.each([
    ['unknown unit', show('inactive', '', 'not-found'), { name: 'web', state: 'started' }, /Could not find the requested service web/],
    ['start a masked unit', show('inactive', 'masked', 'masked'), { name: 'web', state: 'started' }, /masked and cannot be started/],
    ['mask over a unit file in /etc', show('inactive', 'disabled', 'loaded', 'FragmentPath=/etc/systemd/system/web.service'), { name: 'web', masked: true }, /cannot be masked: its unit file is \/etc\/systemd\/system\/web.service/],
    ['disable a static unit', show('inactive', 'static'), { name: 'web', enabled: false }, /static and cannot be disabled/],
  ] as const)('refuses: %s', (_n, status, want, msg) => {
    expect(() => planUnit(parseShow(status), want)).toThrow(UnitPlanError);
    expect(() => planUnit(parseShow(status), want)).toThrow(msg);
  });

  it('parseShow keeps values holding =', () => expect(parseShow('Description=a=b\nX=\n')).toEqual({ Description: 'a=b', X: '' }));
});

describe('systemd params', () => {
  it.each([[{}], [{ name: 'web' }], [{ name: 'web', state: 'running' }], [{ name: 'web', scope: 'user', state: 'started' }], [{ name: 'web', state: 'started', bogus: 1 }]])('rejects %j', (params) => {
    expect(() => validateParams(systemd, params)).toThrow(InvalidParams);
  });
  it.each([[{ name: 'web', state: 'started' }], [{ daemon_reload: true }], [{ name: 'web', enabled: 'true' }]])('accepts %j', (params) => {
    expect(() => validateParams(systemd, params)).not.toThrow();
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('systemd module on a systemd lab host', () => {
  let host: LabHost;
  let conn: DockerConnection;
  const unit = 'tsplay-sleep';
  const unitFile = `[Unit]\nDescription=tsplay test unit\n[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/true\n[Install]\nWantedBy=multi-user.target\n`;

  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'sd' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
    await conn.put(`/usr/lib/systemd/system/${unit}.service`, Buffer.from(unitFile));
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  const active = async (): Promise<string> => (await host.exec(`systemctl is-active ${unit}`)).stdout.trim();
  const enabled = async (): Promise<string> => (await host.exec(`systemctl is-enabled ${unit}`)).stdout.trim();

  it('check predicts start+enable and changes nothing; run does it; second run is a no-op', async () => {
    const params = { name: unit, state: 'started', enabled: true };
    const predicted = await runModuleOn(conn, systemd, params, { check: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff).toEqual([{ label: unit, before: { enabled: false, state: 'stopped' }, after: { enabled: true, state: 'started' } }]);
    expect(await active()).toBe('inactive');
    expect(await enabled()).toBe('disabled');

    const real = await runModuleOn(conn, systemd, params);
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(await active()).toBe('active');
    expect(await enabled()).toBe('enabled');
    expect((real.result.status as Record<string, string>).ActiveState).toBe('active');

    const again = await runModuleOn(conn, systemd, params);
    expect(again.changed).toBe(false);
    expect(again.commands).toHaveLength(1);
  });

  it('restarted always changes and gives the service a new PID', async () => {
    const pid = async (): Promise<string> => (await host.exec(`systemctl show -p MainPID --value ${unit}`)).stdout.trim();
    const before = await pid();
    for (let i = 0; i < 2; i++) expect((await runModuleOn(conn, systemd, { name: unit, state: 'restarted' })).changed).toBe(true);
    expect(await pid()).not.toBe(before);
  });

  it('daemon_reload picks up a changed unit file, then is a no-op', async () => {
    await conn.put(`/usr/lib/systemd/system/${unit}.service`, Buffer.from(unitFile.replace('tsplay test unit', 'tsplay test unit v2')));
    const r = await runModuleOn(conn, systemd, { name: unit, daemon_reload: true, state: 'started' });
    expect(r.changed).toBe(true);
    expect((r.result.status as Record<string, string>).Description).toBe('tsplay test unit v2');
    expect((await runModuleOn(conn, systemd, { name: unit, daemon_reload: true, state: 'started' })).changed).toBe(false);
  });

  it('stops, masks and unmasks', async () => {
    expect((await runModuleOn(conn, systemd, { name: unit, state: 'stopped', masked: true })).changed).toBe(true);
    expect(await active()).toBe('inactive');
    expect(await enabled()).toBe('masked');
    expect((await runModuleOn(conn, systemd, { name: unit, state: 'stopped', masked: true })).changed).toBe(false);
    expect((await runModuleOn(conn, systemd, { name: unit, masked: false })).changed).toBe(true);
    expect(await enabled()).not.toBe('masked');
  });

  it('fails clearly on an unknown unit', async () => {
    const err = await runModuleOn(conn, systemd, { name: 'no-such-unit-tsplay', state: 'started' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe('Could not find the requested service no-such-unit-tsplay: host');
  });
});
