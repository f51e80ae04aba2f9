/**
 * The writes of a clone, each a vCenter task that is waited for:
 * CloneVM_Task (placement, first NIC, linked clone), ReconfigVM_Task (CPUs,
 * memory, annotation), CustomizeVM_Task (a saved spec, runs at next power-on)
 * and PowerOnVM_Task. Element order follows the vim25 WSDL.
 */
import { moRefXml, type MoRef, type VimClient } from './client.js';
import { VimFault } from './fault.js';
import { runTask } from './tasks.js';
import { el, raw } from './xml.js';

export interface ClonePlacement {
  readonly folder: MoRef;
  readonly pool?: MoRef;
  readonly host?: MoRef;
  readonly datastore?: MoRef;
  /** a linked clone: child disks on this snapshot of the source */
  readonly linkedSnapshot?: MoRef;
  /** `<deviceChange>` XML for the first NIC */
  readonly nicChangeXml?: string;
}

export function cloneSpecXml(p: ClonePlacement): string {
  const location =
    (p.datastore ? moRefXml('datastore', p.datastore) : '') +
    (p.linkedSnapshot ? el('diskMoveType', 'createNewChildDiskBacking') : '') +
    (p.pool ? moRefXml('pool', p.pool) : '') +
    (p.host ? moRefXml('host', p.host) : '');
  return (
    `<spec>${raw('location', location)}<template>false</template>` +
    (p.nicChangeXml ? raw('config', p.nicChangeXml) : '') +
    '<powerOn>false</powerOn>' +
    (p.linkedSnapshot ? moRefXml('snapshot', p.linkedSnapshot) : '') +
    '</spec>'
  );
}

export interface TaskOptions {
  readonly timeoutMs?: number;
}

export async function cloneVm(vim: VimClient, source: MoRef, name: string, p: ClonePlacement, o: TaskOptions = {}): Promise<MoRef> {
  const out = await runTask(vim, 'CloneVM_Task', source, moRefXml('folder', p.folder) + el('name', name) + cloneSpecXml(p), { ...o, what: `clone ${name}` });
  if (!out.result) throw new VimFault('InvalidResponse', `clone ${name}: the task gave no VM`);
  return out.result;
}

export interface HardwareChange {
  readonly cpus?: number;
  readonly memoryMb?: number;
  readonly annotation?: string;
}

export function configSpecXml(c: HardwareChange): string {
  return `<spec>${el('annotation', c.annotation)}${el('numCPUs', c.cpus)}${el('memoryMB', c.memoryMb)}</spec>`;
}

export async function reconfigureVm(vim: VimClient, vm: MoRef, name: string, c: HardwareChange, o: TaskOptions = {}): Promise<void> {
  await runTask(vim, 'ReconfigVM_Task', vm, configSpecXml(c), { ...o, what: `reconfigure ${name}` });
}

/** Applies a saved customization spec (its XML from customizationSpecXml) to a powered-off VM. */
export async function customizeVm(vim: VimClient, vm: MoRef, name: string, specXml: string, o: TaskOptions = {}): Promise<void> {
  await runTask(vim, 'CustomizeVM_Task', vm, `<spec>${specXml}</spec>`, { ...o, what: `customize ${name}` });
}

export async function powerOnVm(vim: VimClient, vm: MoRef, name: string, o: TaskOptions = {}): Promise<void> {
  await runTask(vim, 'PowerOnVM_Task', vm, '', { ...o, what: `power on ${name}` });
}
