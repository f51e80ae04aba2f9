import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import hostsEntries from '../../src/modules/hosts_entries.js';
import { editHosts } from '../../src/modules/support/hosts-file.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';

const base = '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n';

describe('hosts file editing', () => {
  const cp1 = { ip: '10.0.0.11', names: ['cp-1', 'cp-1.lab'] };
  const api = { ip: '10.0.0.10', names: ['k8s-api'] };
  const cases: { name: string; text: string; entries: (typeof cp1)[]; present?: boolean; after: string }[] = [
    { name: 'appends new lines', text: base, entries: [cp1, api], after: `${base}10.0.0.11\tcp-1 cp-1.lab\n10.0.0.10\tk8s-api\n` },
    { name: 'a line as wanted stays byte for byte', text: `${base}10.0.0.11   cp-1  cp-1.lab   # node\n`, entries: [cp1], after: `${base}10.0.0.11   cp-1  cp-1.lab   # node\n` },
    { name: 'the IP line is rewritten in place, keeping its comment', text: `10.0.0.11 old-name # node\n${base}`, entries: [cp1], after: `10.0.0.11\tcp-1 cp-1.lab # node\n${base}` },
    { name: 'a stale address for the name loses the name', text: `${base}10.0.0.99 k8s-api old-api\n`, entries: [api], after: `${base}10.0.0.99\told-api\n10.0.0.10\tk8s-api\n` },
    { name: 'a stale line left without names goes (Debian 127.0.1.1)', text: `127.0.1.1 cp-1\n${base}`, entries: [cp1], after: `${base}10.0.0.11\tcp-1 cp-1.lab\n` },
    { name: 'further lines of the IP go', text: `10.0.0.10 a\n10.0.0.10 b\n`, entries: [api], after: `10.0.0.10\tk8s-api\n` },
    { name: 'names compare case-insensitively', text: `10.0.0.9 K8S-API\n`, entries: [api], after: `10.0.0.10\tk8s-api\n` },
    { name: 'absent removes the names everywhere', text: `${base}10.0.0.10 k8s-api\n10.0.0.11 cp-1 cp-1.lab keep\n`, entries: [api, cp1], present: false, after: `${base}10.0.0.11\tkeep\n` },
    { name: 'a missing final newline is added before appending', text: '127.0.0.1 localhost', entries: [api], after: '127.0.0.1 localhost\n10.0.0.10\tk8s-api\n' },
  ];
  it.each(cases)('$name', ({ text, entries, present, after }) => expect(editHosts(text, entries, present ?? true)).toBe(after));
});

describe('hosts_entries params', () => {
  it.each([
    [{}, /is missing required parameter 'entries'/],
    [{ entries: [] }, /\(entries\): must NOT have fewer than 1 items/],
    [{ entries: [{ ip: '10.0.0.300x', names: ['a'] }] }, /\(entries\[0\]\.ip\): expected a string that must match pattern/],
    [{ entries: [{ ip: '10.0.0.1', names: [] }] }, /\(entries\[0\]\.names\): must NOT have fewer than 1 items/],
    [{ entries: [{ ip: '10.0.0.1', names: ['bad name'] }] }, /\(entries\[0\]\.names\[0\]\): expected a string that must match pattern/],
    [{ entries: [{ names: ['a'] }] }, /\(entries\[0\]\): missing required key 'ip'/],
    [{ entries: [{ ip: '10.0.0.1', names: ['a'], alias: 'b' }] }, /unknown parameter/],
  ])('rejects %j', (params, msg) => {
    expect(() => validateParams(hostsEntries, params)).toThrow(InvalidParams);
    expect(() => validateParams(hostsEntries, params)).toThrow(msg);
  });
  it.each([[{ entries: [{ ip: 'fd00::10', names: ['k8s-api'] }] }], [{ entries: [{ names: ['a'] }], state: 'absent' }]])('accepts %j', (params) => {
    expect(() => validateParams(hostsEntries, params)).not.toThrow();
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('hosts_entries on a systemd lab host (Docker bind-mounts /etc/hosts)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  let original: string;
  const entries = [
    { ip: '10.10.0.11', names: ['cp-1', 'cp-1.lab'] },
    { ip: '10.10.0.10', names: ['k8s-api'] },
  ];
  const inode = async (path: string): Promise<string> => (await host.exec(`stat -c %i ${path}`)).stdout.trim();

  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'hosts' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
    original = (await host.readFile('/etc/hosts')) ?? '';
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  it('/etc/hosts is a mount point here: a rename over it fails (what an atomic write would do)', async () => {
    const r = await host.exec('echo x > /etc/.probe && mv -f /etc/.probe /etc/hosts; rc=$?; rm -f /etc/.probe; exit $rc');
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('Device or resource busy');
  });

  it('check predicts and changes nothing; the run writes in place (same inode); other lines stay; a second run is a no-op', async () => {
    const stale = `${original}10.10.0.99\tk8s-api old-api\n`;
    await host.exec(`printf '%s' '${stale}' > /etc/hosts`);
    const before = await inode('/etc/hosts');
    const want = `${original}10.10.0.99\told-api\n10.10.0.11\tcp-1 cp-1.lab\n10.10.0.10\tk8s-api\n`;

    const predicted = await runModuleOn(conn, hostsEntries, { entries }, { check: true, diff: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.plan.diff).toEqual([{ label: '/etc/hosts', before: stale, after: want }]);
    expect(await host.readFile('/etc/hosts')).toBe(stale);

    const real = await runModuleOn(conn, hostsEntries, { entries }, { diff: true });
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(real.result.written_in_place).toBe(true);
    expect(await host.readFile('/etc/hosts')).toBe(want);
    expect(await inode('/etc/hosts')).toBe(before);
    expect((await host.exec('getent hosts k8s-api')).stdout.trim()).toBe('10.10.0.10      k8s-api');
    expect((await host.exec('ls -a /etc | grep -c tsplay; true')).stdout.trim()).toBe('0');

    expect((await runModuleOn(conn, hostsEntries, { entries })).changed).toBe(false);
    expect((await runModuleOn(conn, hostsEntries, { entries }, { check: true })).changed).toBe(false);

    const gone = await runModuleOn(conn, hostsEntries, { entries, state: 'absent' }, { diff: true });
    expect(gone.changed).toBe(true);
    expect(await host.readFile('/etc/hosts')).toBe(`${original}10.10.0.99\told-api\n`);
    expect((await runModuleOn(conn, hostsEntries, { entries, state: 'absent' })).changed).toBe(false);
  });

  it('a file that is not a mount point is written atomically (new inode)', async () => {
    await host.exec(`printf '%s' '${base}' > /etc/hosts.cluster`);
    const before = await inode('/etc/hosts.cluster');
    const r = await runModuleOn(conn, hostsEntries, { entries, path: '/etc/hosts.cluster' });
    expect(r.changed).toBe(true);
    expect(r.result.written_in_place).toBe(false);
    expect(await host.readFile('/etc/hosts.cluster')).toBe(`${base}10.10.0.11\tcp-1 cp-1.lab\n10.10.0.10\tk8s-api\n`);
    expect(await inode('/etc/hosts.cluster')).not.toBe(before);
  });

  it.each([
    ['atomic write on a read-only file system', 'mount -t tmpfs tmpfs /mnt/ro && printf "%s" "$T" > /mnt/ro/hosts && mount -o remount,ro /mnt/ro', '/mnt/ro/hosts'],
    ['in-place write to a read-only bind-mounted file', 'printf "%s" "$T" > /mnt/src-hosts && touch /mnt/bound-hosts && mount --bind /mnt/src-hosts /mnt/bound-hosts && mount -o remount,ro,bind /mnt/bound-hosts', '/mnt/bound-hosts'],
  ])('a write that fails in the middle (%s) leaves the file whole', async (_name, setup, path) => {
    const made = await host.exec(`mkdir -p /mnt/ro; T='${base}'; ${setup}`);
    expect(made.exitCode, made.stderr).toBe(0);
    const predicted = await runModuleOn(conn, hostsEntries, { entries, path }, { check: true });
    expect(predicted.changed).toBe(true);
    const err = await runModuleOn(conn, hostsEntries, { entries, path }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/Read-only file system/);
    expect(await host.readFile(path)).toBe(base);
    expect((await host.exec('ls -a /mnt /mnt/ro | grep -c tsplay; true')).stdout.trim()).toBe('0');
  });

  it('a path that is a directory is refused before anything runs', async () => {
    const err = await runModuleOn(conn, hostsEntries, { entries, path: '/etc' }, { check: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe('/etc is not a regular file');
  });
});
