import { describe, expect, it } from 'vitest';
import { journalTail, maskedUnits, swapUnitNames, unitProperties, unitResult } from '../../../src/modules/probes/systemd.js';
import { expectProbe } from './probe-table.js';

describe('systemd probes', () => {
  it('ask systemctl for just the properties wanted', () => {
    expect(unitProperties.command({ unit: 'ssh.service', properties: ['LoadState', 'ActiveState'] })).toBe('systemctl show ssh.service --no-pager -p LoadState,ActiveState');
    expect(maskedUnits.command(['a.swap', 'b.swap'])).toBe('systemctl show --no-pager -p Id,LoadState -- a.swap b.swap');
  });

  it.each([
    { name: 'a property map', args: { unit: 'ssh', properties: ['LoadState', 'ActiveState'] }, stdout: 'LoadState=loaded\nActiveState=active\n', value: { LoadState: 'loaded', ActiveState: 'active' } },
    { name: 'systemctl fails', args: { unit: 'ssh', properties: ['LoadState'] }, exitCode: 1, stderr: 'Failed to connect to bus', error: /^systemctl show ssh failed: Failed to connect to bus$/ },
  ])('unitProperties: $name', (c) => expectProbe(unitProperties, c));

  it.each([
    { name: 'one masked of two', args: ['a.swap', 'b.swap'], stdout: 'Id=a.swap\nLoadState=masked\n\nId=b.swap\nLoadState=loaded\n', value: new Set(['a.swap']) },
    { name: 'none', args: ['a.swap'], stdout: 'Id=a.swap\nLoadState=not-found\n', value: new Set<string>() },
    { name: 'fails', args: ['a.swap'], exitCode: 1, stderr: 'x', error: /^systemctl show failed: x$/ },
  ])('maskedUnits: $name', (c) => expectProbe(maskedUnits, c));

  it.each([
    { name: 'a result', args: 'containerd', stdout: 'start-limit-hit\n', value: 'start-limit-hit' },
    { name: 'systemd cannot say', args: 'containerd', exitCode: 1, value: '' },
  ])('unitResult: $name', (c) => expectProbe(unitResult, c));

  it.each([
    { name: 'lines, trailing newline dropped', args: 'containerd', stdout: 'a\nb\n', value: 'a\nb' },
    { name: 'no journal', args: 'containerd', exitCode: 1, stdout: 'x', value: '' },
  ])('journalTail: $name', (c) => expectProbe(journalTail, c));

  it.each([
    { name: 'one unit name per path', args: ['/dev/sda2', '/swap.img'], stdout: 'dev-sda2.swap swap.img.swap\n', value: ['dev-sda2.swap', 'swap.img.swap'] },
    { name: 'fails', args: ['x'], exitCode: 1, stderr: 'bad', error: /^systemd-escape failed: bad$/ },
  ])('swapUnitNames: $name', (c) => expectProbe(swapUnitNames, c));
});
