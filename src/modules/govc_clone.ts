/**
 * govc_clone: clones VMs from a template the way `govc vm.clone` does, over
 * the vSphere Web Services API (vim25 SOAP at /sdk) of a host on
 * `tsplay_connection: http` with `tsplay_http_auth: vsphere_soap`.
 *
 * One task can clone one VM (`name`) or several (`vms:`, cloned in parallel,
 * at most `parallel` at once). Idempotent: a VM that exists in the target
 * folder is left alone, except that CPUs/memory that differ are reconfigured
 * when it is powered off (a powered-on VM is reported, never powered off),
 * the annotation is set, and `power_on: true` powers it on. Nothing is ever
 * deleted, moved or renamed. Unlike govc (`-on=true`), VMs stay powered off
 * unless `power_on: true`, so customization and reconfiguration come first.
 * See docs/vsphere.md.
 */
import pLimit from 'p-limit';
import { defineModule, ModuleFailure, Type, type Diff, type Plan, type Static } from '../engine/module.js';
import { VimClient, DEFAULT_SDK_PATH } from './support/vsphere/client.js';
import { ClonePlanError, describeAction, planVm, settingsAfter, settingsBefore, type VmPlan, type WantedVm } from './support/vsphere/clone-plan.js';
import { prepareClones, runVm, type ClonePrep, type VmOutcome } from './support/vsphere/clone-run.js';
import { VimFault } from './support/vsphere/fault.js';
import { findDatacenter, findFolder, findIn, type Datacenter } from './support/vsphere/inventory.js';
import { folderPath, listVms, readVm, type VmInfo } from './support/vsphere/vms.js';

const POWER_ON = 'Power the VM on after cloning and customization (also powers on an existing powered-off VM). Default false, unlike govc\'s `-on=true`; powered-on VMs are never powered off.';

const perVm = {
  cpus: Type.Optional(Type.Integer({ minimum: 1, maximum: 768, description: 'Number of virtual CPUs (govc `-c`). Unset: as the template.' })),
  memory_mb: Type.Optional(Type.Integer({ minimum: 4, description: 'Memory in MB (govc `-m`). Unset: as the template.' })),
  annotation: Type.Optional(Type.String({ description: 'The VM\'s notes (govc `-annotation`).' })),
  customization: Type.Optional(Type.String({ minLength: 1, description: 'Name of a saved guest customization spec applied to a new clone before its first power-on (govc `-customization`). Not reapplied to existing VMs.' })),
  network: Type.Optional(Type.String({ minLength: 1, description: 'Network of the first NIC, by name or path below the datacenter\'s network folder (govc `-net`): a port group, distributed port group or NSX segment. A source without a NIC gets a vmxnet3 one. Applied to new clones only.' })),
  host: Type.Optional(Type.String({ minLength: 1, description: 'ESXi host to place the clone on, by name (looked up in `cluster`, then as a standalone host) or path below host/ (govc `-host`).' })),
  datastore: Type.Optional(Type.String({ minLength: 1, description: 'Datastore for the clone\'s files, by name (govc `-ds`). Unset: the source\'s.' })),
  power_on: Type.Optional(Type.Boolean({ description: POWER_ON })),
};

const params = Type.Object(
  {
    template: Type.String({ minLength: 1, description: 'Source VM or template, by name (searched in all VM folders of the datacenter) or path below vm/ (govc `-vm`).' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: 'Name of the VM to clone (govc\'s NAME argument). Give `name` or `vms`.' })),
    vms: Type.Optional(
      Type.Array(
        Type.Union([
          Type.String({ minLength: 1, maxLength: 80 }),
          Type.Object({ name: Type.String({ minLength: 1, maxLength: 80, description: 'Name of the VM.' }), ...perVm }, { additionalProperties: false }),
        ]),
        {
          minItems: 1,
          description:
            'Several VMs cloned from the same template, in parallel: names (`vms: "{{ groups.workers }}"`) or entries `{name, ...}` that override cpus, memory_mb, annotation, customization, network, host, datastore and power_on for one VM.',
        },
      ),
    ),
    datacenter: Type.Optional(Type.String({ minLength: 1, description: 'Datacenter name or path (govc `-dc`, GOVC_DATACENTER). Unset: the only datacenter.' })),
    folder: Type.Optional(Type.String({ description: 'VM folder for the clones, as a path below the datacenter\'s vm/ folder (`k8s` or `k8s/nodes`) or absolute (`/DC0/vm/k8s`) (govc `-folder`). Unset: vm/.' })),
    resource_pool: Type.Optional(Type.String({ minLength: 1, description: 'Resource pool, as a path below host/ (`Cluster1/Resources/k8s`) (govc `-pool`).' })),
    cluster: Type.Optional(Type.String({ minLength: 1, description: 'Cluster whose root resource pool receives the clones (govc `-cluster`). Unset with no pool or host: the source\'s pool for a VM, the datacenter\'s only cluster for a template.' })),
    linked_clone: Type.Boolean({ default: false, description: 'Create a linked clone on a snapshot of the source (govc `-link`): the current snapshot unless `snapshot` names one.' }),
    snapshot: Type.Optional(Type.String({ minLength: 1, description: 'Snapshot of the source for a linked clone (govc `-snapshot`); implies linked_clone.' })),
    ...perVm,
    power_on: Type.Boolean({ default: false, description: POWER_ON }),
    powered_on_drift: Type.Union([Type.Literal('warn'), Type.Literal('fail')], {
      default: 'warn',
      description: 'A powered-on VM whose CPUs or memory differ is not touched: `warn` reports it (warning, ok), `fail` fails the task.',
    }),
    parallel: Type.Integer({ minimum: 1, maximum: 32, default: 4, description: 'How many VMs of `vms` are cloned at once.' }),
    task_timeout: Type.Integer({ minimum: 1, default: 1800, description: 'Seconds to wait for each vCenter task (clone, reconfigure, power on).' }),
    sdk_path: Type.String({ default: DEFAULT_SDK_PATH, description: 'Path of the SOAP endpoint below tsplay_http_url.' }),
  },
  { additionalProperties: false, oneOf: [{ required: ['name'] }, { required: ['vms'] }] },
);

type Params = typeof params.static;

interface State {
  readonly dc: Datacenter;
  readonly plans: readonly VmPlan[];
  readonly prep?: ClonePrep;
}

function wantedVms(p: Params): WantedVm[] {
  const entries = (p.vms ?? [p.name!]).map((e) => (typeof e === 'string' ? { name: e } : e));
  const names = entries.map((e) => e.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw new ModuleFailure(`vms: '${dup}' is listed twice`);
  return entries.map((e: Partial<Record<keyof typeof perVm, unknown>> & { name: string }) => {
    // an entry's own value wins over the task's
    const get = <K extends keyof typeof perVm>(k: K): Static<(typeof perVm)[K]> | undefined => (e[k] ?? p[k]) as Static<(typeof perVm)[K]> | undefined;
    const opt = <T>(key: string, v: T | undefined): Record<string, T> => (v === undefined ? {} : { [key]: v });
    return {
      name: e.name,
      powerOn: get('power_on') ?? false,
      ...opt('cpus', get('cpus')),
      ...opt('memoryMb', get('memory_mb')),
      ...opt('annotation', get('annotation')),
      ...opt('customization', get('customization')),
      ...opt('network', get('network')),
      ...opt('host', get('host')),
      ...opt('datastore', get('datastore')),
    };
  });
}

/** A vim25 fault or plan error as the task's failure; anything else (unreachable vCenter) passes through. */
function failure(e: unknown, result: Record<string, unknown> = {}): unknown {
  if (e instanceof VimFault || e instanceof ClonePlanError) return new ModuleFailure(e.message, { ...result, ...(e instanceof VimFault ? { fault: e.faultType } : {}) });
  return e;
}

async function findSource(vim: VimClient, dc: Datacenter, all: readonly VmInfo[], template: string): Promise<VmInfo> {
  if (template.includes('/')) return readVm(vim, await findIn(vim, dc, 'vm', template, 'source VM or template', ['VirtualMachine']));
  const found = all.filter((v) => v.name === template);
  if (found.length === 0) throw new VimFault('NotFound', `source VM or template '${template}' not found in datacenter ${dc.path}`);
  if (found.length > 1) throw new VimFault('NotFound', `${found.length} VMs are named '${template}' in ${dc.path}: give its path, e.g. folder/${template}`);
  return found[0]!;
}

export default defineModule({
  name: 'govc_clone',
  uses: 'http',
  description: 'Clones vSphere VMs from a template like `govc vm.clone` (vim25 SOAP), idempotently: missing VMs cloned in parallel, CPU/memory reconfigured when powered off.',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const vim = new VimClient(await ctx.http(), p.sdk_path);
    try {
      const wanted = wantedVms(p);
      const dc = await findDatacenter(vim, p.datacenter);
      const [all, folder] = await Promise.all([listVms(vim, dc), findFolder(vim, dc, p.folder)]);
      // paths of the folders messages and diffs name: the target's and those of same-named VMs only
      const wantedNames = new Set(wanted.map((w) => w.name));
      const names = new Map<string, string>();
      for (const ref of [folder, ...all.filter((v) => wantedNames.has(v.name)).map((v) => v.folder)]) {
        if (ref && !names.has(ref.value)) names.set(ref.value, `/${dc.path}/${await folderPath(vim, ref)}`);
      }
      const folderName = (ref: { value: string } | undefined): string => (ref ? (names.get(ref.value) ?? ref.value) : '?');
      const plans: VmPlan[] = wanted.map((w) => ({ wanted: w, action: planVm(w, all.filter((v) => v.name === w.name), folder, folderName) }));
      const clones = plans.filter((x) => x.action.kind === 'clone');
      const source = clones.length > 0 ? await findSource(vim, dc, all, p.template) : undefined;
      const prep = source ? await prepareClones(vim, dc, { ...p, ...(p.resource_pool !== undefined ? { resourcePool: p.resource_pool } : {}), linkedClone: p.linked_clone }, source, folder, clones) : undefined;
      const drifts = plans.filter((x) => x.action.kind === 'drift');
      for (const d of drifts) {
        if (p.powered_on_drift === 'fail') throw new ModuleFailure(describeAction(d), { vms: plans.map(resultOf) });
        ctx.warn(describeAction(d));
      }
      const changing = plans.filter((x) => x.action.kind === 'clone' || x.action.kind === 'update');
      const diff: Diff[] = changing.map((x) => ({
        label: `${folderName(folder)}/${x.wanted.name}`,
        ...(x.action.kind === 'clone' ? {} : { before: settingsBefore(x.action.vm) }),
        after: settingsAfter(x, source),
      }));
      const result = { vms: plans.map(resultOf) };
      if (!changing.length) return { changed: false, summary: `${plans.length} VM(s) as wanted${drifts.length ? ` (${drifts.length} with drift reported)` : ''}`, result };
      return {
        changed: true,
        summary: changing.map(describeAction).join('; '),
        diff,
        result,
        state: { dc, plans, ...(prep ? { prep } : {}) },
      };
    } catch (e) {
      throw failure(e);
    }
  },
  async apply(ctx, plan, p) {
    const vim = new VimClient(await ctx.http(), p.sdk_path);
    const { plans, prep } = plan.state;
    const limit = pLimit(p.parallel);
    // every VM's tasks run to their end before the task reports, so nothing is left running unobserved
    const settled = await Promise.allSettled(
      plans.map((x) =>
        limit(async (): Promise<VmOutcome> => {
          if (x.action.kind !== 'clone' && x.action.kind !== 'update') return { name: x.wanted.name, action: x.action.kind, changed: false, ref: x.action.vm.ref.value };
          const done: string[] = [];
          try {
            const ref = await runVm(vim, prep, x, p.task_timeout * 1000, done);
            return { name: x.wanted.name, action: x.action.kind, changed: true, done, ...(ref ? { ref: ref.value } : {}) };
          } catch (e) {
            if (!(e instanceof VimFault)) throw e;
            // steps that finished before the fault stay done (a clone is kept; a rerun completes it)
            return { name: x.wanted.name, action: x.action.kind, changed: done.length > 0, done, error: e.message };
          }
        }),
      ),
    );
    // not a vCenter fault (vCenter unreachable, interrupted): the first such error, as the connection gave it
    const broken = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (broken) throw broken.reason;
    const outcomes = settled.map((r) => (r as PromiseFulfilledResult<VmOutcome>).value);
    const failed = outcomes.filter((o) => o.error !== undefined);
    const changed = outcomes.some((o) => o.changed);
    if (failed.length > 0) {
      const msg = failed.map((o) => `${o.name}: ${o.error}`).join('; ');
      throw new ModuleFailure(failed.length === 1 && outcomes.length === 1 ? msg : `${failed.length} of ${outcomes.length} VMs failed: ${msg}`, { vms: outcomes, changed });
    }
    return { result: { vms: outcomes }, changed };
  },
});

function resultOf(x: VmPlan): Record<string, unknown> {
  const a = x.action;
  return {
    name: x.wanted.name,
    action: a.kind,
    ...(a.kind !== 'clone' ? { ref: a.vm.ref.value, cpus: a.vm.cpus, memory_mb: a.vm.memoryMb, power_state: a.vm.powerState } : {}),
    ...(a.kind === 'drift' ? { drift: a.drift } : {}),
  };
}

export type GovcCloneParams = Params;
