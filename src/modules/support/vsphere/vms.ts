/**
 * What the clone needs to know about VMs: every VM of a datacenter with its
 * name, folder, template flag, CPUs, memory and power state (one read), and
 * of the source: its first NIC and its snapshots.
 */
import { moRefOf, type MoRef, type VimClient } from './client.js';
import { readOne, readOneRaw, findAllBelow, val } from './properties.js';
import type { Datacenter } from './inventory.js';
import { VimFault } from './fault.js';
import { child, children, innerXml, text, xsiType, type XmlNode } from './xml.js';

export interface VmInfo {
  readonly ref: MoRef;
  readonly name: string;
  readonly folder?: MoRef;
  readonly template: boolean;
  readonly cpus?: number;
  readonly memoryMb?: number;
  /** poweredOn | poweredOff | suspended */
  readonly powerState?: string;
  readonly annotation?: string;
}

const VM_PATHS = ['name', 'parent', 'config.template', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'runtime.powerState', 'config.annotation'];

function vmInfo(ref: MoRef, props: ReadonlyMap<string, XmlNode>): VmInfo {
  const folder = val.ref(props.get('parent'));
  const cpus = val.int(props.get('config.hardware.numCPU'));
  const memoryMb = val.int(props.get('config.hardware.memoryMB'));
  const powerState = val.text(props.get('runtime.powerState'));
  const annotation = val.text(props.get('config.annotation'));
  return {
    ref,
    name: val.text(props.get('name')) ?? ref.value,
    template: val.bool(props.get('config.template')) ?? false,
    ...(folder ? { folder } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(memoryMb !== undefined ? { memoryMb } : {}),
    ...(powerState ? { powerState } : {}),
    ...(annotation !== undefined ? { annotation } : {}),
  };
}

/** Every VM and template of the datacenter, in all its VM folders. */
export async function listVms(vim: VimClient, dc: Datacenter): Promise<VmInfo[]> {
  return (await findAllBelow(vim, dc.vmFolder, 'VirtualMachine', VM_PATHS)).map((o) => vmInfo(o.ref, o.props));
}

export async function readVm(vim: VimClient, ref: MoRef): Promise<VmInfo> {
  return vmInfo(ref, await readOne(vim, ref, VM_PATHS));
}

export interface SourceNic {
  readonly key: number;
  /** VirtualVmxnet3, VirtualE1000, ... */
  readonly type: string;
  /** the device's XML as the server sent it (inside the element), to edit it without dropping fields */
  readonly xml: string;
}

export interface SourceDetails {
  /** the first network card: its device key and type (VirtualVmxnet3, VirtualE1000, ...) */
  readonly nic?: SourceNic;
  readonly currentSnapshot?: MoRef;
  readonly snapshots: readonly { readonly name: string; readonly ref: MoRef }[];
}

const NIC_TYPES = new Set(['VirtualE1000', 'VirtualE1000e', 'VirtualPCNet32', 'VirtualVmxnet', 'VirtualVmxnet2', 'VirtualVmxnet3', 'VirtualVmxnet3Vrdma', 'VirtualSriovEthernetCard']);

function flattenSnapshots(nodes: XmlNode[]): { name: string; ref: MoRef }[] {
  return nodes.flatMap((n) => {
    const ref = moRefOf(child(n, 'snapshot'));
    const own = ref ? [{ name: text(child(n, 'name')) ?? '', ref }] : [];
    return [...own, ...flattenSnapshots(children(n, 'childSnapshotList'))];
  });
}

/** The inner XML of the device with this key in a RetrievePropertiesEx answer. */
function deviceXml(raw: string, key: number): string | undefined {
  const open = /<(?:\w+:)?VirtualDevice\b[^>]*>/g;
  for (let m = open.exec(raw); m; m = open.exec(raw)) {
    const inner = innerXml(raw, 'VirtualDevice', m.index);
    if (inner !== undefined && new RegExp(`^\\s*<(?:\\w+:)?key>${key}</`).test(inner)) return inner;
  }
  return undefined;
}

export async function sourceDetails(vim: VimClient, ref: MoRef): Promise<SourceDetails> {
  const { props, raw } = await readOneRaw(vim, ref, ['config.hardware.device', 'snapshot']);
  const nicNode = children(props.get('config.hardware.device'), 'VirtualDevice').find((d) => NIC_TYPES.has(xsiType(d) ?? ''));
  const nicKey = Number(text(child(nicNode, 'key')));
  const nicXml = nicNode ? deviceXml(raw, nicKey) : undefined;
  const snapshot = props.get('snapshot');
  const current = moRefOf(child(snapshot, 'currentSnapshot'));
  return {
    ...(nicNode && nicXml !== undefined ? { nic: { key: nicKey, type: xsiType(nicNode)!, xml: nicXml } } : {}),
    ...(current ? { currentSnapshot: current } : {}),
    snapshots: flattenSnapshots(children(snapshot, 'rootSnapshotList')),
  };
}

/** The snapshot a linked clone starts from: the named one, or the current one. */
export function pickSnapshot(source: SourceDetails, sourceName: string, name: string | undefined): MoRef {
  if (name === undefined) {
    if (!source.currentSnapshot) throw new VimFault('NotFound', `linked clone: source ${sourceName} has no snapshot`);
    return source.currentSnapshot;
  }
  const found = source.snapshots.find((s) => s.name === name);
  if (!found) {
    throw new VimFault('NotFound', `snapshot '${name}' not found on ${sourceName} (it has: ${source.snapshots.map((s) => s.name).join(', ') || 'none'})`);
  }
  return found.ref;
}

/** Where a VM sits, for messages: the names of its folders up to the datacenter. */
export async function folderPath(vim: VimClient, folder: MoRef | undefined): Promise<string> {
  const names: string[] = [];
  for (let cur = folder; cur && cur.type === 'Folder' && names.length < 32; ) {
    const props = await readOne(vim, cur, ['name', 'parent']);
    names.unshift(val.text(props.get('name')) ?? cur.value);
    cur = val.ref(props.get('parent'));
  }
  return names.join('/');
}
