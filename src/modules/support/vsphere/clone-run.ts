/**
 * Carrying a govc_clone plan out. `prepareClones` resolves, with reads only
 * (so --check finds a missing pool, datastore, network, snapshot or
 * customization spec too), everything the clones need; `runVm` does one VM's
 * tasks in govc's order: clone (powered off), reconfigure CPUs/memory/
 * annotation, customize, power on.
 */
import type { MoRef, VimClient } from './client.js';
import { customizationSpecXml } from './customization.js';
import { clusterPool, defaultPool, findHost, findIn, hostPool, type Datacenter } from './inventory.js';
import { networkBackingXml, nicChangeXml } from './network.js';
import { cloneVm, customizeVm, powerOnVm, reconfigureVm } from './operations.js';
import type { VmPlan } from './clone-plan.js';
import { pickSnapshot, sourceDetails, type SourceDetails, type VmInfo } from './vms.js';

export interface PlacementParams {
  readonly resourcePool?: string;
  readonly cluster?: string;
  readonly linkedClone: boolean;
  readonly snapshot?: string;
}

export interface ClonePrep {
  readonly source: VmInfo;
  readonly details: SourceDetails;
  readonly folder: MoRef;
  /** the pool for VMs without their own host (undefined: the source's pool, allowed for VMs only) */
  readonly pool?: MoRef;
  readonly hosts: ReadonlyMap<string, { host: MoRef; pool: MoRef }>;
  readonly datastores: ReadonlyMap<string, MoRef>;
  readonly backings: ReadonlyMap<string, string>;
  readonly specs: ReadonlyMap<string, string>;
  readonly linkedSnapshot?: MoRef;
}

const distinct = <T>(xs: readonly (T | undefined)[]): T[] => [...new Set(xs.filter((x): x is T => x !== undefined))];

export async function prepareClones(vim: VimClient, dc: Datacenter, p: PlacementParams, source: VmInfo, folder: MoRef, clones: readonly VmPlan[]): Promise<ClonePrep> {
  const wanted = clones.map((c) => c.wanted);
  const [details, pool] = await Promise.all([
    sourceDetails(vim, source.ref),
    p.resourcePool !== undefined
      ? findIn(vim, dc, 'host', p.resourcePool, 'resource pool', ['ResourcePool', 'VirtualApp'])
      : p.cluster !== undefined
        ? findIn(vim, dc, 'host', p.cluster, 'cluster', ['ClusterComputeResource', 'ComputeResource']).then((c) => clusterPool(vim, c, p.cluster!))
        : wanted.every((w) => w.host !== undefined) || !source.template
          ? Promise.resolve(undefined)
          : defaultPool(vim, dc),
  ]);
  const hosts = new Map<string, { host: MoRef; pool: MoRef }>();
  for (const name of distinct(wanted.map((w) => w.host))) {
    const host = await findHost(vim, dc, name, p.cluster);
    hosts.set(name, { host, pool: pool ?? (await hostPool(vim, host)) });
  }
  const datastores = new Map<string, MoRef>();
  for (const name of distinct(wanted.map((w) => w.datastore))) datastores.set(name, await findIn(vim, dc, 'datastore', name, 'datastore', ['Datastore']));
  const backings = new Map<string, string>();
  for (const name of distinct(wanted.map((w) => w.network))) backings.set(name, await networkBackingXml(vim, dc, name));
  const specs = new Map<string, string>();
  for (const name of distinct(wanted.map((w) => w.customization))) specs.set(name, await customizationSpecXml(vim, name));
  const linked = p.linkedClone || p.snapshot !== undefined;
  const linkedSnapshot = linked ? pickSnapshot(details, source.name, p.snapshot) : undefined;
  return { source, details, folder, ...(pool ? { pool } : {}), hosts, datastores, backings, specs, ...(linkedSnapshot ? { linkedSnapshot } : {}) };
}

export interface VmOutcome {
  readonly name: string;
  readonly action: VmPlan['action']['kind'];
  readonly changed: boolean;
  /** the steps that finished: cloned, reconfigured, customized, powered on */
  readonly done?: readonly string[];
  readonly ref?: string;
  readonly error?: string;
}

/** One VM's tasks, in order; each waited for, and named in `done` once finished. Throws the first fault. */
export async function runVm(vim: VimClient, prep: ClonePrep | undefined, plan: VmPlan, timeoutMs: number, done: string[] = []): Promise<MoRef | undefined> {
  const w = plan.wanted;
  const o = { timeoutMs };
  const a = plan.action;
  if (a.kind === 'update') {
    if (Object.keys(a.reconfigure).length > 0) {
      await reconfigureVm(vim, a.vm.ref, w.name, a.reconfigure, o);
      done.push('reconfigured');
    }
    if (a.powerOn) {
      await powerOnVm(vim, a.vm.ref, w.name, o);
      done.push('powered on');
    }
    return a.vm.ref;
  }
  if (a.kind !== 'clone') return undefined;
  if (!prep) throw new Error('internal: a clone without its preparation');
  const placed = w.host !== undefined ? prep.hosts.get(w.host) : undefined;
  const pool = placed?.pool ?? prep.pool;
  const datastore = w.datastore !== undefined ? prep.datastores.get(w.datastore) : undefined;
  const backing = w.network !== undefined ? prep.backings.get(w.network) : undefined;
  const vm = await cloneVm(
    vim,
    prep.source.ref,
    w.name,
    {
      folder: prep.folder,
      ...(pool ? { pool } : {}),
      ...(placed ? { host: placed.host } : {}),
      ...(datastore ? { datastore } : {}),
      ...(prep.linkedSnapshot ? { linkedSnapshot: prep.linkedSnapshot } : {}),
      ...(backing ? { nicChangeXml: nicChangeXml(prep.details.nic, backing) } : {}),
    },
    o,
  );
  done.push('cloned');
  const hw = {
    ...(w.cpus !== undefined && w.cpus !== prep.source.cpus ? { cpus: w.cpus } : {}),
    ...(w.memoryMb !== undefined && w.memoryMb !== prep.source.memoryMb ? { memoryMb: w.memoryMb } : {}),
    ...(w.annotation !== undefined ? { annotation: w.annotation } : {}),
  };
  if (Object.keys(hw).length > 0) {
    await reconfigureVm(vim, vm, w.name, hw, o);
    done.push('reconfigured');
  }
  const spec = w.customization !== undefined ? prep.specs.get(w.customization) : undefined;
  if (spec !== undefined) {
    await customizeVm(vim, vm, w.name, spec, o);
    done.push('customized');
  }
  if (w.powerOn) {
    await powerOnVm(vim, vm, w.name, o);
    done.push('powered on');
  }
  return vm;
}
