/**
 * The parameters of nsx_dfw: groups, services and one security policy with
 * ordered rules, plus the `kubernetes` preset. One TypeBox schema: the
 * validation, the type and the `tsplay modules` documentation.
 */
import { Type, type Static } from '../../../engine/module.js';

const Id = (what: string) => Type.String({ pattern: '^[A-Za-z0-9_.-]{1,255}$', description: `Id of the ${what} (its last path segment in NSX).` });
const Address = Type.String({ pattern: '^[0-9A-Fa-f:.]+(/[0-9]{1,3}|-[0-9A-Fa-f:.]+)?$', description: 'An IP address, a CIDR or a range `a-b`.' });
const Port = Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.String({ pattern: '^[0-9]{1,5}(-[0-9]{1,5})?$' })], { description: 'A port (6443) or a range ("30000-32767").' });
const Ref = Type.String({ minLength: 1 });

export const groupParams = Type.Object(
  {
    id: Id('group'),
    display_name: Type.Optional(Type.String({ description: 'Name shown in the NSX UI (default: the id).' })),
    description: Type.Optional(Type.String()),
    ip_addresses: Type.Optional(Type.Array(Address, { maxItems: 4000, description: 'Members by address (IPs, CIDRs, ranges): one IPAddressExpression.' })),
    vm_tags: Type.Optional(
      Type.Array(Type.Object({ scope: Type.String({ default: '' }), tag: Type.String({ minLength: 1 }) }, { additionalProperties: false }), {
        description: 'VMs carrying any of these tags are members (one Condition each, joined by OR).',
      }),
    ),
    groups: Type.Optional(Type.Array(Ref, { description: 'Nested groups (ids in the same domain or `/infra/...` paths): one PathExpression. Use this rather than several address lists in one group.' })),
  },
  { additionalProperties: false },
);

export const serviceParams = Type.Object(
  {
    id: Id('service'),
    display_name: Type.Optional(Type.String({ description: 'Name shown in the NSX UI (default: the id).' })),
    description: Type.Optional(Type.String()),
    tcp: Type.Optional(Type.Array(Port, { description: 'TCP destination ports. More than NSX\'s 15 per entry (a range counts 2) are split into several entries.' })),
    udp: Type.Optional(Type.Array(Port, { description: 'UDP destination ports, split like tcp.' })),
    icmp_types: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 255 }), { description: 'ICMPv4 types (8: echo request).' })),
  },
  { additionalProperties: false },
);


export const ruleParams = Type.Object(
  {
    id: Id('rule'),
    display_name: Type.Optional(Type.String({ description: 'Default: the id.' })),
    sequence_number: Type.Optional(Type.Integer({ minimum: 0, description: 'Order in the policy (lower first). Default: 10 × the position in `rules`.' })),
    sources: Type.Array(Ref, { default: ['ANY'], maxItems: 128, description: 'Group ids, `/infra/...` paths, IPs, CIDRs or ranges; `ANY` alone for any.' }),
    destinations: Type.Array(Ref, { default: ['ANY'], maxItems: 128, description: 'Like sources.' }),
    services: Type.Array(Ref, { default: ['ANY'], description: 'Service ids (declared here or built in, e.g. `SSH`), `/infra/services/...` paths, or `ANY`.' }),
    sources_excluded: Type.Boolean({ default: false, description: 'Match every source except the listed ones.' }),
    destinations_excluded: Type.Boolean({ default: false }),
    action: Type.Union([Type.Literal('ALLOW'), Type.Literal('DROP'), Type.Literal('REJECT'), Type.Literal('JUMP_TO_APPLICATION')], { default: 'ALLOW', description: 'JUMP_TO_APPLICATION only in the Environment category.' }),
    direction: Type.Union([Type.Literal('IN'), Type.Literal('OUT'), Type.Literal('IN_OUT')], { default: 'IN_OUT' }),
    ip_protocol: Type.Union([Type.Literal('IPV4'), Type.Literal('IPV6'), Type.Literal('IPV4_IPV6')], { default: 'IPV4_IPV6' }),
    scope: Type.Array(Ref, { default: ['ANY'], description: 'Applied-To: group ids or paths; `ANY` for the policy\'s scope.' }),
    logged: Type.Boolean({ default: false }),
    disabled: Type.Boolean({ default: false }),
    notes: Type.Optional(Type.String()),
    tag: Type.Optional(Type.String({ maxLength: 32, description: 'Tag written into the firewall log lines.' })),
  },
  { additionalProperties: false },
);

export const policyParams = Type.Object(
  {
    id: Id('security policy'),
    display_name: Type.Optional(Type.String({ description: 'Default: the id.' })),
    description: Type.Optional(Type.String()),
    category: Type.Optional(
      Type.Union([Type.Literal('Ethernet'), Type.Literal('Emergency'), Type.Literal('Infrastructure'), Type.Literal('Environment'), Type.Literal('Application')], {
        description: 'DFW category, highest priority first: Ethernet, Emergency, Infrastructure, Environment, Application. Default Infrastructure (ahead of the application rules a default-deny set-up puts in Application).',
      }),
    ),
    sequence_number: Type.Optional(Type.Integer({ minimum: 0, description: 'Order among the category\'s policies (unset: not managed).' })),
    scope: Type.Optional(Type.Array(Ref, { description: 'Applied-To of the whole policy: group ids or paths (default ANY).' })),
    stateful: Type.Optional(Type.Boolean({ description: 'Default true.' })),
    tcp_strict: Type.Optional(Type.Boolean()),
    rules: Type.Array(ruleParams, { default: [], description: 'The rules, in order.' }),
  },
  { additionalProperties: false },
);

export const kubernetesParams = Type.Object(
  {
    control_plane: Type.Array(Address, { minItems: 1, description: 'The control-plane nodes\' addresses.' }),
    workers: Type.Array(Address, { default: [], description: 'The worker nodes\' addresses.' }),
    api_vip: Type.Optional(Type.String({ description: 'The kube-vip API address (allowed to 6443 like the control planes).' })),
    lb_addresses: Type.Optional(Type.Array(Address, { description: 'The MetalLB pool(s), as a group for your own service rules.' })),
    api_clients: Type.Array(Ref, { default: ['ANY'], description: 'Who may reach the API on 6443 (groups, paths, addresses or ANY).' }),
    nodeport_clients: Type.Array(Ref, { default: ['ANY'], description: 'Who may reach NodePorts 30000-32767.' }),
    tunnel: Type.Union([Type.Literal('vxlan'), Type.Literal('geneve')], { default: 'vxlan', description: 'Cilium\'s tunnel: UDP 8472 (vxlan) or 6081 (geneve).' }),
    prefix: Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$', default: 'k8s', description: 'Prefix of every generated id.' }),
    logged: Type.Boolean({ default: false, description: 'Log the generated rules\' hits.' }),
  },
  { additionalProperties: false },
);

export const dfwParams = Type.Object(
  {
    domain: Type.String({ pattern: '^[A-Za-z0-9_.-]+$', default: 'default', description: 'Policy domain.' }),
    preset: Type.Optional(Type.Literal('kubernetes', { description: '`kubernetes`: groups, services and a policy for node-to-node cluster traffic built from `kubernetes` (docs/nsx.md lists them). Declared groups, services and rules with the same id replace the generated ones; others are added.' })),
    kubernetes: Type.Optional(kubernetesParams),
    groups: Type.Array(groupParams, { default: [], description: 'Groups to create or update.' }),
    services: Type.Array(serviceParams, { default: [], description: 'Services to create or update.' }),
    policy: Type.Optional(policyParams),
    prune: Type.Boolean({ default: false, description: 'Remove rules of the policy that are not declared. Groups and services are never removed.' }),
  },
  {
    additionalProperties: false,
    allOf: [
      { if: { required: ['preset'] }, then: { required: ['kubernetes'] } },
      { if: { required: ['kubernetes'] }, then: { required: ['preset'] } },
    ],
  },
);

export type DfwParams = Static<typeof dfwParams>;
export type GroupSpec = Static<typeof groupParams>;
export type ServiceSpec = Static<typeof serviceParams>;
export type PolicySpec = Static<typeof policyParams>;
export type RuleSpec = Static<typeof ruleParams>;
export type KubernetesSpec = Static<typeof kubernetesParams>;
