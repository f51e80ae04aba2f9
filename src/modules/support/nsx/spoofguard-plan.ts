/**
 * Planning for nsx_spoofguard. Bindings mode: which segment ports are meant,
 * each port's MAC, and the address bindings to add (existing ones are kept:
 * NSX does not let realized bindings be removed anyway). Profile mode: the
 * SpoofGuard profile and the segment's binding map to create or update.
 */
import type { NsxObject } from './api.js';
import { nsxPath } from './api.js';
import { covers, differingFields, mergedForWrite, projectOnto } from './compare.js';

/** NSX's limit of address bindings on one segment port. */
export const MAX_BINDINGS = 512;

export class SpoofGuardPlanError extends Error {
  readonly code = 'E_NSX_SPOOFGUARD';
}

export interface Binding {
  readonly ip_address: string;
  readonly mac_address: string;
  readonly vlan_id?: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const normMac = (m: string): string => m.toLowerCase().replace(/-/g, ':');

/** Does segment port `port` answer to `name`: its id, its display name, or a VM name (`<vm>.vmx@...`, `<vm>/...`)? */
export function portMatches(port: NsxObject, name: string): boolean {
  const id = str(port['id']);
  const dn = str(port['display_name']);
  return id === name || dn === name || dn.startsWith(`${name}.vmx@`) || dn.startsWith(`${name}/`);
}

export interface SelectedPort {
  /** the name in `ports` that found it */
  readonly name: string;
  readonly port: NsxObject;
  /** the MAC of the VM NIC attached to it, when found through the VM inventory */
  readonly vifMac?: string;
}

/**
 * The ports meant by each name: ports whose id or display name answer to
 * it, else the ports of the VM of that name (`byVm`, through the Manager
 * API's inventory). Every name must find at least one port.
 */
export async function selectPorts(
  ports: readonly NsxObject[],
  names: readonly string[],
  segment: string,
  byVm: (name: string) => Promise<readonly { port: NsxObject; mac: string }[]>,
): Promise<SelectedPort[]> {
  const out: SelectedPort[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    const direct = ports.filter((p) => portMatches(p, name)).map((port) => ({ name, port }));
    const found: SelectedPort[] = direct.length ? direct : (await byVm(name)).map((x) => ({ name, port: x.port, vifMac: x.mac }));
    if (found.length === 0) {
      const known = ports.map((p) => str(p['display_name']) || str(p['id'])).join(', ') || 'none';
      throw new SpoofGuardPlanError(`no port of segment ${segment} matches "${name}" (by port id, display name, or the VM of that name); its ports: ${known}`);
    }
    for (const f of found) {
      if (seen.has(str(f.port['id']))) continue;
      seen.add(str(f.port['id']));
      out.push(f);
    }
  }
  return out;
}

/**
 * The port's MAC: given in `macs` (by the name used, the port id or its
 * display name), else the attached VM NIC's, else the one MAC its existing
 * bindings use.
 */
export function portMac(port: NsxObject, name: string, macs: Readonly<Record<string, string>>, vifMac?: string): string {
  const given = macs[name] ?? macs[str(port['id'])] ?? macs[str(port['display_name'])] ?? vifMac;
  if (given) return normMac(given);
  const known = [...new Set(bindingsOf(port).map((b) => normMac(b.mac_address)).filter(Boolean))];
  if (known.length === 1) return known[0]!;
  const why = known.length ? `its bindings use ${known.length} MACs (${known.join(', ')})` : 'it has no address bindings to take it from';
  throw new SpoofGuardPlanError(`cannot tell the MAC of port ${str(port['display_name']) || str(port['id'])}: ${why}; give it in macs: {${name}: "00:50:56:..."}`);
}

export function bindingsOf(port: NsxObject): Binding[] {
  const b = port['address_bindings'];
  return Array.isArray(b) ? (b as Binding[]) : [];
}

export interface PortBindingPlan {
  readonly port: string;
  readonly name: string;
  readonly mac: string;
  readonly add: readonly Binding[];
  /** the complete SegmentPort to send; null when nothing is missing */
  readonly write: NsxObject | null;
  readonly before: readonly Binding[];
  readonly after: readonly Binding[];
}

export function planPortBindings(port: NsxObject, name: string, mac: string, addresses: readonly string[]): PortBindingPlan {
  const before = bindingsOf(port);
  const has = (ip: string) => before.some((b) => b.ip_address === ip && normMac(str(b.mac_address)) === mac);
  const add = addresses.filter((ip) => !has(ip)).map((ip) => ({ ip_address: ip, mac_address: mac }));
  const after = [...before, ...add];
  const id = str(port['id']);
  if (after.length > MAX_BINDINGS) {
    throw new SpoofGuardPlanError(`port ${str(port['display_name']) || id} would hold ${after.length} address bindings, more than NSX's ${MAX_BINDINGS}; use range_as: subnets or fewer addresses`);
  }
  const write = add.length ? mergedForWrite({ resource_type: 'SegmentPort', id, address_bindings: after }, port) : null;
  return { port: id, name, mac, add, write, before, after };
}

export interface ProfilePlan {
  readonly profile: NsxObject;
  readonly map: NsxObject;
  readonly profileChange: { before?: NsxObject; after: NsxObject; fields?: string[] } | null;
  readonly mapChange: { before?: NsxObject; after: NsxObject; fields?: string[] } | null;
  /** the hierarchical PATCH body; null when nothing changes */
  readonly body: NsxObject | null;
}

function change(desired: NsxObject, current: NsxObject | null): ProfilePlan['profileChange'] {
  if (!current) return { after: desired };
  if (covers(desired, current)) return null;
  const fields = differingFields(desired, current);
  const pick = (o: NsxObject) => Object.fromEntries(fields.filter((f) => o[f] !== undefined).map((f) => [f, o[f]]));
  return { fields, before: pick(projectOnto(desired, current)), after: pick(desired) };
}

export interface ProfileWanted {
  readonly segment: string;
  readonly profileId: string;
  readonly allowlist: boolean;
  readonly mapId: string;
  readonly segmentSecurityProfile?: string;
}

/** The profile and the segment's binding map; `currentMap` is the segment's existing map with that id (or null). */
export function planProfile(w: ProfileWanted, currentProfile: NsxObject | null, currentMap: NsxObject | null): ProfilePlan {
  const profile: NsxObject = { resource_type: 'SpoofGuardProfile', id: w.profileId, display_name: w.profileId, address_binding_allowlist: w.allowlist };
  const map: NsxObject = {
    resource_type: 'SegmentSecurityProfileBindingMap',
    id: w.mapId,
    spoofguard_profile_path: nsxPath.spoofguardProfile(w.profileId),
    ...(w.segmentSecurityProfile ? { segment_security_profile_path: w.segmentSecurityProfile } : {}),
  };
  const profileChange = change(profile, currentProfile);
  const mapChange = change(map, currentMap);
  const children: NsxObject[] = [];
  if (profileChange) children.push({ resource_type: 'ChildSpoofGuardProfile', SpoofGuardProfile: mergedForWrite(profile, currentProfile) });
  if (mapChange) {
    children.push({
      resource_type: 'ChildResourceReference',
      id: w.segment,
      target_type: 'Segment',
      children: [{ resource_type: 'ChildSegmentSecurityProfileBindingMap', SegmentSecurityProfileBindingMap: mergedForWrite(map, currentMap) }],
    });
  }
  return { profile, map, profileChange, mapChange, body: children.length ? { resource_type: 'Infra', children } : null };
}
