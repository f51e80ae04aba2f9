/**
 * nsx_spoofguard: lets the kube-vip API VIP and the MetalLB addresses be
 * announced (ARP/GARP) from the Kubernetes nodes' segment ports when
 * SpoofGuard is on. Two ways, as the user chooses:
 *  - `mode: bindings`: add the addresses to each chosen port's
 *    `address_bindings`, with the port's MAC; existing bindings are kept and
 *    NSX's 512 limit is respected. NSX documents that bindings cannot be
 *    removed after realization, so adding them is warned about, in check
 *    mode too.
 *  - `mode: profile`: create or update a SpoofGuard profile (allow-list off
 *    by default) and bind it to the segment.
 * Writes go in one hierarchical PATCH, carrying the `_revision`s read; a
 * 412/409 re-reads and retries. See docs/nsx.md.
 */
import { defineModule, ModuleFailure, Type, type HttpReader, type Plan } from '../engine/module.js';
import { getObject, listAll, nsxPath, patchInfraUntilApplied, type NsxObject } from './support/nsx/api.js';
import { AddressError, bindingAddresses } from './support/nsx/addresses.js';
import { portsOfVm } from './support/nsx/vm-ports.js';
import { MAX_BINDINGS, planPortBindings, planProfile, portMac, selectPorts, SpoofGuardPlanError, type PortBindingPlan, type ProfilePlan } from './support/nsx/spoofguard-plan.js';

const params = Type.Object(
  {
    segment: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'Id of the segment the nodes are on.' }),
    mode: Type.Union([Type.Literal('bindings'), Type.Literal('profile')], { description: 'bindings: add the addresses to the ports\' address_bindings; profile: bind a SpoofGuard profile to the segment.' }),
    addresses: Type.Array(Type.String({ pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3}|-[0-9.]+)?$' }), { default: [], description: 'bindings: the addresses to allow (API VIP, MetalLB range `a-b`, CIDRs).' }),
    ports: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'bindings: the node ports, by port id or display name (`<vm>.vmx@...` and `<vm>/...` display names answer to `<vm>`), else by VM name through the Manager API inventory (the VM\'s NICs on this segment).',
    }),
    macs: Type.Record(Type.String(), Type.String({ pattern: '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$' }), { default: {}, description: 'bindings: MAC of each port, by the name used in `ports` (or port id); unset: the attached VM NIC\'s (found by VM name), else the one MAC the port\'s existing bindings use.' }),
    range_as: Type.Union([Type.Literal('ips'), Type.Literal('subnets')], { default: 'ips', description: 'bindings: a range becomes every address in it (ips), or the fewest CIDRs covering it (subnets; subnet bindings are unverified on NSX 4.2 Policy).' }),
    profile_id: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', default: 'tsplay-spoofguard', description: 'profile: the SpoofGuard profile to create or update.' }),
    allowlist: Type.Boolean({ default: false, description: 'profile: address_binding_allowlist of the profile (false: SpoofGuard does not filter on this segment).' }),
    binding_map_id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'profile: id of the segment\'s security profile binding map (default: the existing one, else `default`).' })),
    segment_security_profile: Type.Optional(Type.String({ description: 'profile: path of the segment security profile to bind with it (unset: not managed).' })),
  },
  {
    additionalProperties: false,
    allOf: [{ if: { properties: { mode: { const: 'bindings' } } }, then: { required: ['addresses', 'ports'], properties: { addresses: { minItems: 1 }, ports: { minItems: 1 } } } }],
  },
);
type Params = typeof params.static;

type State = { readonly body: NsxObject | null };

const bindingWarning = (p: PortBindingPlan): string =>
  `port ${p.name} (${p.port}): adding ${p.add.length} address binding${p.add.length === 1 ? '' : 's'} (${p.add.map((b) => b.ip_address).join(', ')}); NSX documents that address bindings cannot be removed after realization`;

async function planBindings(http: HttpReader, p: Params): Promise<PortBindingPlan[]> {
  if (!(await getObject(http, nsxPath.segment(p.segment)))) throw new ModuleFailure(`segment ${p.segment} does not exist`);
  const ports = await listAll(http, nsxPath.ports(p.segment));
  const addrs = bindingAddresses(p.addresses, p.range_as, MAX_BINDINGS);
  const selected = await selectPorts(ports, p.ports, p.segment, (vm) => portsOfVm(http, vm, ports));
  return selected.map(({ name, port, vifMac }) => planPortBindings(port, name, portMac(port, name, p.macs, vifMac), addrs));
}

function bindingsBody(segment: string, plans: readonly PortBindingPlan[]): NsxObject | null {
  const ports = plans.filter((x) => x.write).map((x) => ({ resource_type: 'ChildSegmentPort', SegmentPort: x.write }));
  return ports.length ? { resource_type: 'Infra', children: [{ resource_type: 'ChildResourceReference', id: segment, target_type: 'Segment', children: ports }] } : null;
}

async function planProfileMode(http: HttpReader, p: Params): Promise<ProfilePlan> {
  if (!(await getObject(http, nsxPath.segment(p.segment)))) throw new ModuleFailure(`segment ${p.segment} does not exist`);
  const maps = await listAll(http, nsxPath.segmentBindingMaps(p.segment));
  const mapId = p.binding_map_id ?? (maps.length === 1 ? String(maps[0]!['id']) : 'default');
  const currentMap = maps.find((m) => m['id'] === mapId) ?? null;
  const profile = await getObject(http, nsxPath.spoofguardProfile(p.profile_id));
  return planProfile({ segment: p.segment, profileId: p.profile_id, allowlist: p.allowlist, mapId, ...(p.segment_security_profile ? { segmentSecurityProfile: p.segment_security_profile } : {}) }, profile, currentMap);
}

/** Plan errors are the user's to fix: a ModuleFailure with the message. */
async function planned<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof SpoofGuardPlanError || e instanceof AddressError) throw new ModuleFailure(e.message);
    throw e;
  }
}

async function bodyFor(http: HttpReader, p: Params): Promise<NsxObject | null> {
  return p.mode === 'bindings' ? bindingsBody(p.segment, await planned(() => planBindings(http, p))) : (await planned(() => planProfileMode(http, p))).body;
}

export default defineModule({
  name: 'nsx_spoofguard',
  uses: 'http',
  description: 'NSX-T SpoofGuard for announced VIPs: adds address bindings to node ports, or binds a SpoofGuard profile to the segment.',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const http = await ctx.http();
    if (p.mode === 'bindings') {
      const plans = await planned(() => planBindings(http, p));
      const changing = plans.filter((x) => x.add.length);
      for (const x of changing) ctx.warn(bindingWarning(x));
      const added = changing.reduce((n, x) => n + x.add.length, 0);
      const result = { ports: plans.map((x) => ({ port: x.port, name: x.name, mac: x.mac, added: x.add.map((b) => b.ip_address), bindings: x.after.length })) };
      if (!changing.length) return { changed: false, summary: `ports of ${p.segment} already allow the addresses`, result };
      return {
        changed: true,
        summary: `add ${added} address bindings on ${changing.length} port${changing.length === 1 ? '' : 's'} of ${p.segment}`,
        diff: changing.map((x) => ({ label: `port ${x.name} (${x.port}) address_bindings`, before: { address_bindings: x.before }, after: { address_bindings: x.after } })),
        result,
        state: { body: bindingsBody(p.segment, plans) },
      };
    }
    const plan = await planned(() => planProfileMode(http, p));
    if (p.allowlist) ctx.warn(`profile ${p.profile_id} turns SpoofGuard on for ${p.segment}: a VIP not in a port's address_bindings is dropped (use mode: bindings for the VIPs)`);
    const diff = [
      ...(plan.profileChange ? [{ label: `spoofguard profile ${p.profile_id}`, before: plan.profileChange.before, after: plan.profileChange.after }] : []),
      ...(plan.mapChange ? [{ label: `segment ${p.segment} binding map ${String(plan.map['id'])}`, before: plan.mapChange.before, after: plan.mapChange.after }] : []),
    ];
    const result = { profile: nsxPath.spoofguardProfile(p.profile_id), binding_map: String(plan.map['id']) };
    if (plan.body === null) return { changed: false, summary: `segment ${p.segment} already uses profile ${p.profile_id}`, result };
    return {
      changed: true,
      summary: diff.map((d) => `${d.before ? 'update' : 'create'} ${d.label}`).join('; '),
      diff,
      result,
      state: { body: plan.body },
    };
  },
  async apply(ctx, plan, p) {
    const http = await ctx.http();
    return patchInfraUntilApplied(ctx, http, plan.state.body, () => bodyFor(http, p));
  },
});
