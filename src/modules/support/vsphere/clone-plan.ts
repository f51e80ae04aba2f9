/**
 * What govc_clone would do to each wanted VM, decided from one read of the
 * datacenter's VMs: clone a missing one; reconfigure CPUs/memory of a
 * powered-off one that differs (annotation at any power state); power one on
 * when asked; report CPU/memory drift on a powered-on VM (never powered off
 * here); refuse a name that is a template or sits in another folder (tsplay
 * never moves, renames or deletes VMs).
 */
import type { MoRef } from './client.js';
import type { VmInfo } from './vms.js';

/** One VM as the task wants it (the task's defaults merged with its `vms:` entry). */
export interface WantedVm {
  readonly name: string;
  readonly cpus?: number;
  readonly memoryMb?: number;
  readonly annotation?: string;
  readonly customization?: string;
  readonly network?: string;
  readonly host?: string;
  readonly datastore?: string;
  readonly powerOn: boolean;
}

export type VmAction =
  | { readonly kind: 'clone' }
  | { readonly kind: 'update'; readonly vm: VmInfo; readonly reconfigure: { cpus?: number; memoryMb?: number; annotation?: string }; readonly powerOn: boolean }
  | { readonly kind: 'drift'; readonly vm: VmInfo; readonly drift: readonly string[] }
  | { readonly kind: 'ok'; readonly vm: VmInfo };

export interface VmPlan {
  readonly wanted: WantedVm;
  readonly action: VmAction;
}

export class ClonePlanError extends Error {}

/** A VM's managed settings as they are, for --diff. */
export function settingsBefore(vm: VmInfo): Record<string, unknown> {
  return {
    ...(vm.cpus !== undefined ? { cpus: vm.cpus } : {}),
    ...(vm.memoryMb !== undefined ? { memory_mb: vm.memoryMb } : {}),
    ...(vm.annotation ? { annotation: vm.annotation } : {}),
    power_state: vm.powerState ?? 'unknown',
  };
}

/** The settings after the plan: the existing VM (or the source, for a clone) with the wanted values over it. */
export function settingsAfter(p: VmPlan, source: VmInfo | undefined): Record<string, unknown> {
  const w = p.wanted;
  const base = p.action.kind === 'clone' ? source : p.action.vm;
  const cpus = p.action.kind === 'drift' ? base?.cpus : (w.cpus ?? base?.cpus);
  const mem = p.action.kind === 'drift' ? base?.memoryMb : (w.memoryMb ?? base?.memoryMb);
  const note = w.annotation ?? (p.action.kind === 'clone' ? undefined : base?.annotation);
  const power = p.action.kind === 'clone' ? (w.powerOn ? 'poweredOn' : 'poweredOff') : w.powerOn ? 'poweredOn' : (base?.powerState ?? 'unknown');
  return {
    ...(cpus !== undefined ? { cpus } : {}),
    ...(mem !== undefined ? { memory_mb: mem } : {}),
    ...(note ? { annotation: note } : {}),
    power_state: power,
    ...(p.action.kind === 'clone' && source ? { cloned_from: source.name } : {}),
    ...(p.action.kind === 'clone' && w.network ? { network: w.network } : {}),
    ...(p.action.kind === 'clone' && w.customization ? { customization: w.customization } : {}),
  };
}

export function planVm(w: WantedVm, sameName: readonly VmInfo[], folder: MoRef, folderName: (ref: MoRef | undefined) => string): VmAction {
  if (sameName.length === 0) return { kind: 'clone' };
  const here = sameName.filter((v) => v.folder?.value === folder.value);
  if (here.length === 0) {
    throw new ClonePlanError(
      `a VM named '${w.name}' already exists in ${sameName.map((v) => folderName(v.folder)).join(', ')}, not in the target folder ${folderName(folder)}; govc_clone never moves or renames VMs`,
    );
  }
  if (here.length > 1) throw new ClonePlanError(`${here.length} VMs are named '${w.name}' in ${folderName(folder)}`);
  const vm = here[0]!;
  if (vm.template) throw new ClonePlanError(`'${w.name}' in ${folderName(folder)} is a template, not a VM`);
  const hw: { cpus?: number; memoryMb?: number } = {};
  if (w.cpus !== undefined && w.cpus !== vm.cpus) hw.cpus = w.cpus;
  if (w.memoryMb !== undefined && w.memoryMb !== vm.memoryMb) hw.memoryMb = w.memoryMb;
  const note = w.annotation !== undefined && w.annotation !== (vm.annotation ?? '') ? { annotation: w.annotation } : {};
  const off = vm.powerState !== 'poweredOn';
  if (!off && Object.keys(hw).length > 0) {
    const drift = [
      ...(hw.cpus !== undefined ? [`cpus ${vm.cpus} (wanted ${hw.cpus})`] : []),
      ...(hw.memoryMb !== undefined ? [`memory_mb ${vm.memoryMb} (wanted ${hw.memoryMb})`] : []),
    ];
    return { kind: 'drift', vm, drift };
  }
  const reconfigure = { ...(off ? hw : {}), ...note };
  const powerOn = w.powerOn && off;
  if (Object.keys(reconfigure).length === 0 && !powerOn) return { kind: 'ok', vm };
  return { kind: 'update', vm, reconfigure, powerOn };
}

export function describeAction(p: VmPlan): string {
  const a = p.action;
  switch (a.kind) {
    case 'clone':
      return `clone ${p.wanted.name}${p.wanted.powerOn ? ' and power on' : ''}`;
    case 'update': {
      const parts = [
        ...(a.reconfigure.cpus !== undefined ? [`cpus ${a.vm.cpus} → ${a.reconfigure.cpus}`] : []),
        ...(a.reconfigure.memoryMb !== undefined ? [`memory_mb ${a.vm.memoryMb} → ${a.reconfigure.memoryMb}`] : []),
        ...(a.reconfigure.annotation !== undefined ? ['annotation'] : []),
        ...(a.powerOn ? ['power on'] : []),
      ];
      return `${p.wanted.name}: ${parts.join(', ')}`;
    }
    case 'drift':
      return `${p.wanted.name} is powered on with ${a.drift.join(', ')}: power it off to let govc_clone reconfigure it`;
    case 'ok':
      return `${p.wanted.name} as wanted`;
  }
}
