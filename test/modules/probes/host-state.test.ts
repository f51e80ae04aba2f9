/** The probes that live with their module or support file: swap, sysctl, kernel modules, containerd, ports, ping. */
import { describe, it } from 'vitest';
import { dontFragmentPing } from '../../../modules/path_mtu.js';
import { containerdVersion } from '../../../src/modules/probes/containerd.js';
import { portState } from '../../../src/modules/support/cmd-wait-probe.js';
import { kernelModuleStatus } from '../../../src/modules/support/kernel-module-probe.js';
import { swapState } from '../../../src/modules/swap.js';
import { sysctlLive } from '../../../src/modules/sysctl.js';
import { expectProbe } from './probe-table.js';

describe('probes of host state: output → value', () => {
  it.each([
    {
      name: 'an active area and systemd units',
      args: undefined,
      stdout: 'Filename\tType\tSize\tUsed\tPriority\n/swap.img file 1024 0 -2\n--systemd--\nyes\n--units--\nswap.img.swap loaded active active /swap.img\n--files--\ndev-sda2.swap generated -\n',
      value: { active: ['/swap.img'], systemd: true, units: ['swap.img.swap', 'dev-sda2.swap'] },
    },
    { name: 'no swap, no systemd', args: undefined, stdout: 'Filename\tType\tSize\tUsed\tPriority\n--systemd--\n', value: { active: [], systemd: false, units: [] } },
    { name: 'the script fails', args: undefined, exitCode: 1, stderr: 'cat: /proc/swaps: denied', error: /^reading the swap state failed: cat: \/proc\/swaps: denied$/ },
  ])('swapState: $name', (c) => expectProbe(swapState, c));

  it.each([
    {
      name: 'writable, read-only and missing keys',
      args: ['net.ipv4.ip_forward', 'kernel.pid_max', 'net.bridge.bridge-nf-call-iptables'],
      stdout: 'w:1 \nr:4194304 \n-\n',
      value: [
        { key: 'net.ipv4.ip_forward', path: '/proc/sys/net/ipv4/ip_forward', current: '1', writable: true },
        { key: 'kernel.pid_max', path: '/proc/sys/kernel/pid_max', current: '4194304', writable: false },
        { key: 'net.bridge.bridge-nf-call-iptables', path: '/proc/sys/net/bridge/bridge-nf-call-iptables', current: null, writable: false },
      ],
    },
    { name: 'whitespace in a value collapses', args: ['net.ipv4.ip_local_port_range'], stdout: 'w:32768\t60999 \n', value: [{ key: 'net.ipv4.ip_local_port_range', path: '/proc/sys/net/ipv4/ip_local_port_range', current: '32768 60999', writable: true }] },
    { name: 'fewer lines than keys', args: ['a.b', 'c.d'], stdout: '', error: /^reading \/proc\/sys failed: exit 0$/ },
  ])('sysctlLive: $name', (c) => expectProbe(sysctlLive, c));

  it.each([
    {
      name: 'each status',
      args: ['overlay', 'br_netfilter', 'vxlan', 'nope'],
      stdout: 'overlay builtin\nbr_netfilter loaded\nvxlan loadable\nnope missing modprobe: FATAL: Module nope not found\n',
      value: new Map([
        ['overlay', { status: 'builtin', message: '' }],
        ['br_netfilter', { status: 'loaded', message: '' }],
        ['vxlan', { status: 'loadable', message: '' }],
        ['nope', { status: 'missing', message: 'modprobe: FATAL: Module nope not found' }],
      ]),
    },
    { name: 'a module the script said nothing about', args: ['overlay'], stdout: '', stderr: 'sh: 1: uname: not found', exitCode: 127, error: /^cannot tell whether kernel module overlay is loaded: sh: 1: uname: not found$/ },
  ])('kernelModuleStatus: $name', (c) => expectProbe(kernelModuleStatus, c));

  it.each([
    { name: 'containerd 1.6 (Debian)', args: undefined, stdout: 'containerd github.com/containerd/containerd 1.6.20~ds1 1.6.20~ds1-1+b1\n', value: '1.6.20~ds1' },
    { name: 'containerd 2.1', args: undefined, stdout: 'containerd github.com/containerd/containerd/v2 v2.1.4 75cb2b7\n', value: '2.1.4' },
    { name: 'not installed', args: undefined, exitCode: 127, value: null },
    { name: 'unreadable', args: undefined, stdout: 'something else\n', error: /^cannot read a version from `containerd --version`: something else$/ },
  ])('containerdVersion: $name', (c) => expectProbe(containerdVersion, c));

  it.each([
    { name: 'open, read from /proc', args: { host: '127.0.0.1', port: 22 }, stdout: 'open proc\n', value: { state: 'open', method: 'proc' } },
    { name: 'closed, by nc', args: { host: 'db', port: 5432 }, stdout: 'closed nc\n', value: { state: 'closed', method: 'nc' } },
    { name: 'no way to tell', args: { host: 'db', port: 5432 }, stdout: 'none\n', value: { state: 'none' } },
  ] as const)('portState: $name', (c) => expectProbe(portState, c));

  it.each([
    { name: 'passed', args: { target: '10.0.0.2', mtu: 1500 }, value: 'passed' },
    { name: 'dropped (too big)', args: { target: '10.0.0.2', mtu: 9000 }, exitCode: 1, value: 'dropped' },
    { name: 'no ping', args: { target: '10.0.0.2', mtu: 1500 }, exitCode: 127, value: 'no-ping' },
    { name: 'unknown host', args: { target: 'nohost', mtu: 1500 }, exitCode: 2, stderr: 'ping: nohost: Name or service not known', error: /^path_mtu: cannot resolve nohost: ping: nohost: Name or service not known$/ },
  ] as const)('dontFragmentPing: $name', (c) => expectProbe(dontFragmentPing, c));
});
