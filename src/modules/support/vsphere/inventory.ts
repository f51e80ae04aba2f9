/**
 * Finding the objects a clone needs, the way govc's flags name them: a
 * datacenter by name (or the only one), and below it folders, resource pools,
 * clusters, hosts, datastores and networks by inventory path relative to the
 * datacenter's vm/, host/, datastore/ and network/ folders (a leading `/`
 * makes a path absolute). All reads.
 */
import type { MoRef, VimClient } from './client.js';
import { VimFault } from './fault.js';
import { findAllBelow, findByInventoryPath, readOne, val } from './properties.js';

export interface Datacenter {
  readonly ref: MoRef;
  /** inventory path, e.g. `DC0` or `Region1/DC0` */
  readonly path: string;
  readonly vmFolder: MoRef;
  readonly hostFolder: MoRef;
}

export type Area = 'vm' | 'host' | 'datastore' | 'network';

const trimSlashes = (p: string): string => p.replace(/^\/+|\/+$/g, '');

/** `k8s/cp` → `DC0/vm/k8s/cp`; `/DC0/vm/x` stays absolute. */
export function inventoryPath(dc: Datacenter, area: Area, p: string): string {
  return p.startsWith('/') ? trimSlashes(p) : `${dc.path}/${area}/${trimSlashes(p)}`;
}

export class InventoryNotFound extends VimFault {
  constructor(what: string, where: string, hint = '') {
    super('NotFound', `${what} not found: ${where}${hint ? ` (${hint})` : ''}`, { what, where });
  }
}

export async function findDatacenter(vim: VimClient, name: string | undefined): Promise<Datacenter> {
  let ref: MoRef | undefined;
  let dcPath: string;
  if (name !== undefined) {
    dcPath = trimSlashes(name);
    ref = await findByInventoryPath(vim, dcPath);
    if (!ref || ref.type !== 'Datacenter') throw new InventoryNotFound('datacenter', dcPath);
  } else {
    const { rootFolder } = await vim.content();
    const all = await findAllBelow(vim, rootFolder, 'Datacenter', ['name']);
    if (all.length !== 1) {
      throw new VimFault('NotFound', `datacenter not given and vCenter has ${all.length} (${all.map((d) => val.text(d.props.get('name'))).join(', ')}): set datacenter`);
    }
    ref = all[0]!.ref;
    dcPath = val.text(all[0]!.props.get('name')) ?? '';
  }
  const props = await readOne(vim, ref, ['vmFolder', 'hostFolder']);
  const vmFolder = val.ref(props.get('vmFolder'));
  const hostFolder = val.ref(props.get('hostFolder'));
  if (!vmFolder || !hostFolder) throw new VimFault('InvalidResponse', `datacenter ${dcPath} has no vmFolder/hostFolder`);
  return { ref, path: dcPath, vmFolder, hostFolder };
}

/** An object at a path below the datacenter, of one of the expected types. */
export async function findIn(vim: VimClient, dc: Datacenter, area: Area, p: string, what: string, types: readonly string[]): Promise<MoRef> {
  const full = inventoryPath(dc, area, p);
  const ref = await findByInventoryPath(vim, full);
  if (!ref) throw new InventoryNotFound(what, `/${full}`);
  if (!types.includes(ref.type)) throw new VimFault('NotFound', `/${full} is a ${ref.type}, not a ${what}`);
  return ref;
}

export async function findFolder(vim: VimClient, dc: Datacenter, folder: string | undefined): Promise<MoRef> {
  return folder === undefined || trimSlashes(folder) === '' ? dc.vmFolder : findIn(vim, dc, 'vm', folder, 'VM folder', ['Folder']);
}

/** The root resource pool of a cluster (or standalone compute resource). */
export async function clusterPool(vim: VimClient, cluster: MoRef, name: string): Promise<MoRef> {
  const pool = val.ref((await readOne(vim, cluster, ['resourcePool'])).get('resourcePool'));
  if (!pool) throw new VimFault('NotFound', `cluster ${name} has no resource pool`);
  return pool;
}

/**
 * A host by path or name: `esx1` is looked up in the given cluster, then as a
 * standalone host (`host/esx1/esx1`); a path with `/` is taken as it is.
 */
export async function findHost(vim: VimClient, dc: Datacenter, host: string, cluster: string | undefined): Promise<MoRef> {
  const candidates = host.includes('/') ? [host] : [...(cluster ? [`${trimSlashes(cluster)}/${host}`] : []), `${host}/${host}`];
  for (const c of candidates) {
    const ref = await findByInventoryPath(vim, inventoryPath(dc, 'host', c));
    if (ref?.type === 'HostSystem') return ref;
  }
  throw new InventoryNotFound('host', candidates.map((c) => `/${inventoryPath(dc, 'host', c)}`).join(' or '));
}

/** The resource pool of the compute resource a host belongs to. */
export async function hostPool(vim: VimClient, host: MoRef): Promise<MoRef> {
  const parent = val.ref((await readOne(vim, host, ['parent'])).get('parent'));
  if (!parent) throw new VimFault('NotFound', `host ${host.value} has no parent compute resource`);
  return clusterPool(vim, parent, parent.value);
}

/** The resource pool of the only cluster or standalone host of the datacenter (govc's default pool). */
export async function defaultPool(vim: VimClient, dc: Datacenter): Promise<MoRef> {
  const crs = await findAllBelow(vim, dc.hostFolder, 'ComputeResource', ['name', 'resourcePool'], ['ComputeResource', 'ClusterComputeResource']);
  if (crs.length !== 1) {
    throw new VimFault('NotFound', `the datacenter ${dc.path} has ${crs.length} clusters or hosts: set cluster, resource_pool or host to place the clone`);
  }
  const pool = val.ref(crs[0]!.props.get('resourcePool'));
  if (!pool) throw new VimFault('NotFound', `${val.text(crs[0]!.props.get('name'))} has no resource pool`);
  return pool;
}
