import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sysctl from '../../src/modules/sysctl.js';
import { editSysctlFile, fileValues, normalizeValue, procPath, valueText } from '../../src/modules/support/sysctl-file.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';

describe('sysctl file editing', () => {
  const cases: { name: string; text: string; edits: Parameters<typeof editSysctlFile>[1]; after: string }[] = [
    { name: 'append to an empty file', text: '', edits: [{ key: 'net.ipv4.ip_forward', value: '1' }], after: 'net.ipv4.ip_forward = 1\n' },
    { name: 'a matching line stays byte for byte', text: '# k8s\nnet.ipv4.ip_forward=1\n', edits: [{ key: 'net.ipv4.ip_forward', value: '1' }], after: '# k8s\nnet.ipv4.ip_forward=1\n' },
    { name: 'a different value is rewritten in place', text: 'a.b = 0\nnet.ipv4.ip_forward = 0\nc.d = 2\n', edits: [{ key: 'net.ipv4.ip_forward', value: '1' }], after: 'a.b = 0\nnet.ipv4.ip_forward = 1\nc.d = 2\n' },
    { name: 'duplicates after the first go', text: 'x.y = 1\nx.y = 2\n', edits: [{ key: 'x.y', value: '3' }], after: 'x.y = 3\n' },
    { name: 'whitespace inside values does not matter', text: 'net.ipv4.tcp_rmem = 4096\t131072  6291456\n', edits: [{ key: 'net.ipv4.tcp_rmem', value: '4096 131072 6291456' }], after: 'net.ipv4.tcp_rmem = 4096\t131072  6291456\n' },
    { name: 'slash form and "-" prefix match the dotted key', text: '-net/ipv4/ip_forward = 0\n', edits: [{ key: 'net.ipv4.ip_forward', value: '1' }], after: 'net.ipv4.ip_forward = 1\n' },
    { name: 'absent removes every line of the key', text: 'x.y = 1\n# keep\nz.z = 1\nx.y=2\n', edits: [{ key: 'x.y', absent: true }], after: '# keep\nz.z = 1\n' },
    { name: 'absent of a missing key changes nothing', text: 'z.z = 1\n', edits: [{ key: 'x.y', absent: true }], after: 'z.z = 1\n' },
    { name: 'a last line without newline gets one before the append', text: 'z.z = 1', edits: [{ key: 'x.y', value: '2' }], after: 'z.z = 1\nx.y = 2\n' },
  ];
  it.each(cases)('$name', ({ text, edits, after }) => expect(editSysctlFile(text, edits)).toBe(after));

  it('reads the last value of a key', () => expect(fileValues('a.b = 1\n; c\na.b=\t2 3\n').get('a.b')).toBe('2 3'));
  it.each([
    ['net.ipv4.ip_forward', '/proc/sys/net/ipv4/ip_forward'],
    ['net.ipv4.conf.eth0/100.forwarding', '/proc/sys/net/ipv4/conf/eth0.100/forwarding'],
    ['net/ipv4/ip_forward', '/proc/sys/net/ipv4/ip_forward'],
  ])('procPath(%s)', (key, path) => expect(procPath(key)).toBe(path));
  it.each([[true, '1'], [false, '0'], ['yes', '1'], ['False', '0'], [65536, '65536'], ['4096\t131072 ', '4096 131072']] as const)('valueText(%j)', (v, t) => expect(valueText(v)).toBe(t));
  it('normalizes tabs', () => expect(normalizeValue('32768\t60999\n')).toBe('32768 60999'));
});

describe('sysctl params', () => {
  it.each([
    [{}, /needs one of 'name', 'key', 'keys'/],
    [{ name: 'net.ipv4.ip_forward' }, /is missing required parameter 'value'/],
    [{ name: 'net ipv4', value: 1 }, /\(name\): expected a string that must match pattern/],
    [{ name: 'a.b', key: 'a.b', value: 1 }, /has a combination of keys that is not allowed/],
    [{ keys: { 'a.b': 1 }, sysctl_file: 'relative.conf' }, /\(sysctl_file\): expected a string that must match pattern/],
    [{ keys: { 'a.b': [1] } }, /\(keys\.a\.b\): expected a string or a number or a boolean, got a list/],
    [{ keys: { 'bad key': 1 } }, /\(keys\.[^)]*\): unknown parameter/],
    [{ keys: {} }, /\(keys\): must NOT have fewer than 1 properties/],
    [{ keys: { 'a.b': 1 }, state: 'gone' }, /\(state\): expected 'present' or 'absent'/],
    [{ keys: { 'a.b': 1 }, bogus: 1 }, /unknown parameter/],
  ])('rejects %j', (params, msg) => {
    expect(() => validateParams(sysctl, params)).toThrow(InvalidParams);
    expect(() => validateParams(sysctl, params)).toThrow(msg);
  });
  it.each([[{ name: 'a.b', value: 1 }], [{ key: 'a.b', value: 'x y' }], [{ keys: { 'a.b': true } }], [{ name: 'a.b', state: 'absent' }]])('accepts %j', (params) => {
    expect(() => validateParams(sysctl, params)).not.toThrow();
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('sysctl on a systemd lab host (net.* keys applied; others in check mode only)', () => {
  let host: LabHost;
  let conn: DockerConnection;
  const file = '/etc/sysctl.d/90-tsplay-test.conf';
  const live = async (key: string): Promise<string> => (await host.exec(`sysctl -n ${key}`)).stdout.trim().replace(/\s+/g, ' ');
  const defaults = 'echo 32768 60999 > /proc/sys/net/ipv4/ip_local_port_range; echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 1 > /proc/sys/net/ipv4/ip_forward';
  const reset = async (): Promise<void> => {
    expect((await host.exec(`rm -f ${file}; ${defaults}`)).exitCode).toBe(0);
  };
  const params = { keys: { 'net.ipv4.ip_local_port_range': '20000 60999', 'net.ipv4.conf.all.rp_filter': 1, 'net.ipv4.ip_forward': true }, sysctl_file: file };

  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'sysctl' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });

  it('check predicts the file and live changes and changes nothing; the run does exactly that; a second run is a no-op', async () => {
    await reset();
    const predicted = await runModuleOn(conn, sysctl, params, { check: true, diff: true });
    expect(predicted.changed).toBe(true);
    expect(await host.readFile(file)).toBeNull();
    expect(await live('net.ipv4.ip_local_port_range')).toBe('32768 60999');
    const content = 'net.ipv4.ip_local_port_range = 20000 60999\nnet.ipv4.conf.all.rp_filter = 1\nnet.ipv4.ip_forward = 1\n';
    // ip_forward is already 1 live: only the file changes for it
    expect(predicted.plan.diff).toEqual([
      { label: file, before: '', after: content },
      { label: 'sysctl (live)', before: { 'net.ipv4.ip_local_port_range': '32768 60999', 'net.ipv4.conf.all.rp_filter': '0' }, after: { 'net.ipv4.ip_local_port_range': '20000 60999', 'net.ipv4.conf.all.rp_filter': '1' } },
    ]);

    const real = await runModuleOn(conn, sysctl, params, { diff: true });
    expect(real.changed).toBe(true);
    expect(real.plan.diff).toEqual(predicted.plan.diff);
    expect(await host.readFile(file)).toBe(content);
    expect(await live('net.ipv4.ip_local_port_range')).toBe('20000 60999');
    expect(await live('net.ipv4.conf.all.rp_filter')).toBe('1');

    // the kernel prints the multi-value key with a tab: still no change
    const again = await runModuleOn(conn, sysctl, params, { diff: true });
    expect(again.changed).toBe(false);
    expect(again.plan.diff).toBeUndefined();
    expect((await runModuleOn(conn, sysctl, params, { check: true })).changed).toBe(false);
  });

  it('a live value changed behind its back is a change of the live value only', async () => {
    await reset();
    await runModuleOn(conn, sysctl, params);
    await host.exec('echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter');
    const r = await runModuleOn(conn, sysctl, params, { diff: true });
    expect(r.changed).toBe(true);
    expect(r.plan.diff).toEqual([{ label: 'sysctl (live)', before: { 'net.ipv4.conf.all.rp_filter': '0' }, after: { 'net.ipv4.conf.all.rp_filter': '1' } }]);
    expect(await live('net.ipv4.conf.all.rp_filter')).toBe('1');
  });

  it('name/value, reload: false writes the file only; state=absent removes one key and keeps the rest', async () => {
    await reset();
    await host.exec(`printf '# by hand\\nnet.ipv4.conf.all.rp_filter = 0\\nnet.core.somaxconn = 1024\\n' > ${file}`);
    const one = { name: 'net.ipv4.conf.all.rp_filter', value: '2', sysctl_file: file, reload: false };
    const r = await runModuleOn(conn, sysctl, one, { diff: true });
    expect(r.changed).toBe(true);
    expect(await host.readFile(file)).toBe('# by hand\nnet.ipv4.conf.all.rp_filter = 2\nnet.core.somaxconn = 1024\n');
    expect(await live('net.ipv4.conf.all.rp_filter')).toBe('0');
    expect((await runModuleOn(conn, sysctl, one)).changed).toBe(false);

    const absent = { name: 'net.ipv4.conf.all.rp_filter', state: 'absent', sysctl_file: file };
    const gone = await runModuleOn(conn, sysctl, absent, { diff: true });
    expect(gone.changed).toBe(true);
    expect(gone.plan.diff).toEqual([{ label: file, before: '# by hand\nnet.ipv4.conf.all.rp_filter = 2\nnet.core.somaxconn = 1024\n', after: '# by hand\nnet.core.somaxconn = 1024\n' }]);
    expect(await host.readFile(file)).toBe('# by hand\nnet.core.somaxconn = 1024\n');
    expect((await runModuleOn(conn, sysctl, absent)).changed).toBe(false);
  });

  it('an unknown key fails naming it, before anything is written', async () => {
    await reset();
    const err = await runModuleOn(conn, sysctl, { keys: { 'net.ipv4.conf.all.rp_filter': 1, 'net.ipv4.no_such_key': 1 }, sysctl_file: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe('sysctl key net.ipv4.no_such_key is unknown on this host: /proc/sys/net/ipv4/no_such_key does not exist (is its kernel module loaded?)');
    expect(await host.readFile(file)).toBeNull();
    expect(await live('net.ipv4.conf.all.rp_filter')).toBe('0');

    // under --check with nothing predicted before it, nothing can load the key's module: it fails as the real run would
    const alone = await runModuleOn(conn, sysctl, { keys: { 'net.ipv4.no_such_key': 1 }, sysctl_file: file }, { check: true }).catch((e: unknown) => e);
    expect(alone).toBeInstanceOf(ModuleFailure);
    // after an earlier, only predicted change (kernel_modules loading the key's module): predicted, with a warning
    const checked = await runModuleOn(conn, sysctl, { keys: { 'net.ipv4.no_such_key': 1 }, sysctl_file: file }, { check: true, diff: true, earlierChangesPredicted: true });
    expect(checked.warnings.join('\n')).toMatch(/the real run fails unless an earlier task loads its module/);
    expect(checked.changed).toBe(true);
    expect(checked.plan.diff?.[1]).toEqual({ label: 'sysctl (live)', before: { 'net.ipv4.no_such_key': '(missing)' }, after: { 'net.ipv4.no_such_key': '1' } });
  });

  it('a value the kernel refuses fails naming the key and leaves the file unwritten', async () => {
    await reset();
    const err = await runModuleOn(conn, sysctl, { keys: { 'net.ipv4.conf.all.rp_filter': 1, 'net.ipv4.ip_forward': 'maybe' }, sysctl_file: file }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe('sysctl key net.ipv4.ip_forward: the kernel refused maybe: I/O error');
    expect(await host.readFile(file)).toBeNull();
  });

  it('check mode with a non-namespaced key: a matching live value predicts a file-only change; a different one is refused (read-only here)', async () => {
    await reset();
    const swappiness = await live('vm.swappiness');
    const same = await runModuleOn(conn, sysctl, { name: 'vm.swappiness', value: swappiness, sysctl_file: file }, { check: true, diff: true });
    expect(same.changed).toBe(true);
    expect(same.plan.diff).toEqual([{ label: file, before: '', after: `vm.swappiness = ${swappiness}\n` }]);
    expect(await host.readFile(file)).toBeNull();

    const other = String(Number(swappiness) === 10 ? 11 : 10);
    const err = await runModuleOn(conn, sysctl, { name: 'vm.swappiness', value: other, sysctl_file: file }, { check: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModuleFailure);
    expect((err as Error).message).toBe(`sysctl key vm.swappiness cannot be set: /proc/sys/vm/swappiness is read-only here (live value ${swappiness}, wanted ${other})`);
    expect(await live('vm.swappiness')).toBe(swappiness);
  });
});
