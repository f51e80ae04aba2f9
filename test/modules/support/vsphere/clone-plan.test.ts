import { describe, expect, it } from 'vitest';
import { ClonePlanError, describeAction, planVm, type WantedVm } from '../../../../src/modules/support/vsphere/clone-plan.js';
import type { VmInfo } from '../../../../src/modules/support/vsphere/vms.js';

const K8S = { type: 'Folder', value: 'group-k8s' };
const OTHER = { type: 'Folder', value: 'group-old' };
const names: Record<string, string> = { 'group-k8s': '/DC0/vm/k8s', 'group-old': '/DC0/vm/old' };
const folderName = (ref: { value: string } | undefined): string => (ref ? (names[ref.value] ?? ref.value) : '?');

const vm = (o: Partial<VmInfo> = {}): VmInfo => ({ ref: { type: 'VirtualMachine', value: 'vm-1' }, name: 'cp-1', folder: K8S, template: false, cpus: 2, memoryMb: 4096, powerState: 'poweredOff', ...o });
const want = (o: Partial<WantedVm> = {}): WantedVm => ({ name: 'cp-1', cpus: 2, memoryMb: 4096, powerOn: false, ...o });

const cases: { name: string; wanted: WantedVm; found: VmInfo[]; kind: string; says: string }[] = [
  { name: 'missing: clone', wanted: want(), found: [], kind: 'clone', says: 'clone cp-1' },
  { name: 'missing, power_on: clone and power on', wanted: want({ powerOn: true }), found: [], kind: 'clone', says: 'clone cp-1 and power on' },
  { name: 'as wanted: ok', wanted: want(), found: [vm()], kind: 'ok', says: 'cp-1 as wanted' },
  { name: 'sizes unset: ok whatever the VM has', wanted: { name: 'cp-1', powerOn: false }, found: [vm({ cpus: 8 })], kind: 'ok', says: 'cp-1 as wanted' },
  { name: 'powered off, CPUs differ: reconfigure', wanted: want({ cpus: 4 }), found: [vm()], kind: 'update', says: 'cp-1: cpus 2 → 4' },
  { name: 'powered off, memory differs, power_on: reconfigure then power on', wanted: want({ memoryMb: 8192, powerOn: true }), found: [vm()], kind: 'update', says: 'cp-1: memory_mb 4096 → 8192, power on' },
  { name: 'powered on, CPUs differ: drift', wanted: want({ cpus: 4 }), found: [vm({ powerState: 'poweredOn' })], kind: 'drift', says: 'cp-1 is powered on with cpus 2 (wanted 4): power it off to let govc_clone reconfigure it' },
  { name: 'powered on, annotation differs: set it', wanted: want({ annotation: 'node' }), found: [vm({ powerState: 'poweredOn', annotation: 'old' })], kind: 'update', says: 'cp-1: annotation' },
  { name: 'powered on, power_on: false: never powered off', wanted: want(), found: [vm({ powerState: 'poweredOn' })], kind: 'ok', says: 'cp-1 as wanted' },
  { name: 'powered off, power_on: power on', wanted: want({ powerOn: true }), found: [vm()], kind: 'update', says: 'cp-1: power on' },
  { name: 'suspended counts as not running: reconfigure', wanted: want({ cpus: 4 }), found: [vm({ powerState: 'suspended' })], kind: 'update', says: 'cp-1: cpus 2 → 4' },
];

const refused: { name: string; found: VmInfo[]; message: string }[] = [
  { name: 'only in another folder', found: [vm({ folder: OTHER })], message: "a VM named 'cp-1' already exists in /DC0/vm/old, not in the target folder /DC0/vm/k8s; govc_clone never moves or renames VMs" },
  { name: 'a template', found: [vm({ template: true })], message: "'cp-1' in /DC0/vm/k8s is a template, not a VM" },
  { name: 'twice in the folder', found: [vm(), vm({ ref: { type: 'VirtualMachine', value: 'vm-2' } })], message: "2 VMs are named 'cp-1' in /DC0/vm/k8s" },
];

describe('govc_clone planning', () => {
  it.each(cases)('$name', ({ wanted, found, kind, says }) => {
    const action = planVm(wanted, found, K8S, folderName);
    expect(action.kind).toBe(kind);
    expect(describeAction({ wanted, action })).toBe(says);
  });

  it.each(refused)('refuses a name that is $name', ({ found, message }) => {
    expect(() => planVm(want(), found, K8S, folderName)).toThrow(new ClonePlanError(message));
  });
});
