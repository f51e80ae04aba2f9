/**
 * JSON schemas of the request bodies the emulator accepts, one per resource_type, all with
 * `additionalProperties: false`: a field NSX does not define is a 400, as is a wrong type or enum value.
 * Field lists come from the BDC 4.2 types pages named in shared/domain-reference.md section 1 (Group,
 * IPAddressExpression, Condition, L4PortSetServiceEntry, SecurityPolicy/InlinePolicy1, Rule/InlineNsxRule1,
 * SegmentPort, PortAddressBindingEntry, SpoofGuardProfile, *SecurityProfileBindingMap). Only the fields a
 * DFW/SpoofGuard client plausibly sends are listed; the README names what is left out.
 *
 * Read-only fields (`_revision`, `_create_time`, `path`, …) are accepted and ignored on input, like NSX does
 * ("Ignored on PUT and POST" in every BDC type page), so a client may send back what it read.
 */

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const bool: Schema = { type: 'boolean' };
const int = (minimum?: number, maximum?: number): Schema => ({ type: 'integer', minimum, maximum });
const strings = (maxItems?: number): Schema => ({ type: 'array', items: str, ...(maxItems ? { maxItems } : {}) });
const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values });

/** server-managed fields: accepted on input (ignored), always set on output */
export const READ_ONLY_FIELDS = [
  '_revision', '_create_time', '_create_user', '_last_modified_time', '_last_modified_user', '_system_owned',
  '_protection', '_links', '_schema', '_self', 'path', 'parent_path', 'relative_path', 'marked_for_delete',
  'overridden', 'unique_id', 'realization_id', 'remote_path', 'origin_site_id', 'owner_id',
] as const;

const readOnly: Schema = Object.fromEntries(READ_ONLY_FIELDS.map((f) => [f, {}]));
readOnly['_revision'] = int(0);

/** BDC `types_Tag.html`: scope up to 128 characters, tag up to 256, at most 30 tags */
const tags: Schema = {
  type: 'array',
  maxItems: 30,
  items: {
    type: 'object',
    additionalProperties: false,
    properties: { scope: { type: 'string', maxLength: 128 }, tag: { type: 'string', maxLength: 256 } },
  },
};

function resource(resourceTypes: readonly string[], properties: Schema, required: readonly string[] = []): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    required,
    properties: {
      ...readOnly,
      id: { type: 'string', minLength: 1, maxLength: 1024 },
      display_name: { type: 'string', maxLength: 255 },
      description: { type: 'string', maxLength: 1024 },
      resource_type: { type: 'string', enum: resourceTypes },
      tags,
      /** only in a hierarchical PATCH body; the handler rejects it elsewhere */
      children: { type: 'array', items: { type: 'object' } },
      ...properties,
    },
  };
}

/** group expressions (BDC `types_Expression.html` and its subtypes); each is validated by its resource_type */
export const EXPRESSION_SCHEMAS: Readonly<Record<string, Schema>> = {
  Condition: resource(['Condition'], {
    member_type: oneOf('VirtualMachine', 'LogicalPort', 'LogicalSwitch', 'Segment', 'SegmentPort', 'IPSet',
      'TransportNode', 'Group', 'DVPort', 'DVPG', 'Pod', 'Service', 'Namespace', 'Ingress', 'Gateway'),
    key: oneOf('Tag', 'Name', 'OSName', 'ComputerName', 'NodeType', 'GroupType', 'ALL', 'IPAddress', 'PodCidr'),
    operator: oneOf('EQUALS', 'CONTAINS', 'STARTSWITH', 'ENDSWITH', 'NOTEQUALS', 'NOTIN', 'MATCHES', 'IN'),
    scope_operator: oneOf('EQUALS', 'NOTEQUALS'),
    value: str,
  }, ['member_type', 'key', 'operator', 'value']),
  ConjunctionOperator: resource(['ConjunctionOperator'], { conjunction_operator: oneOf('AND', 'OR') }, ['conjunction_operator']),
  /** BDC: at most 4000 addresses in one IPAddressExpression */
  IPAddressExpression: resource(['IPAddressExpression'], { ip_addresses: { ...strings(4000), minItems: 1 } }, ['ip_addresses']),
  MACAddressExpression: resource(['MACAddressExpression'], { mac_addresses: { ...strings(4000), minItems: 1 } }, ['mac_addresses']),
  PathExpression: resource(['PathExpression'], { paths: { ...strings(), minItems: 1 } }, ['paths']),
  ExternalIDExpression: resource(['ExternalIDExpression'], {
    member_type: oneOf('VirtualMachine', 'VirtualNetworkInterface', 'CloudNativeServiceInstance', 'PhysicalServer'),
    external_ids: { ...strings(), minItems: 1 },
  }, ['member_type', 'external_ids']),
  NestedExpression: resource(['NestedExpression'], { expressions: { type: 'array', items: { type: 'object' } } }, ['expressions']),
};

/** service entries (BDC `types_ServiceEntry.html` subtypes); L4 port lists hold at most 15 values */
export const SERVICE_ENTRY_SCHEMAS: Readonly<Record<string, Schema>> = {
  L4PortSetServiceEntry: resource(['L4PortSetServiceEntry'], {
    l4_protocol: oneOf('TCP', 'UDP'),
    // at most 15 ports, a range counting 2: checked in validate.ts (portProblems)
    destination_ports: strings(),
    source_ports: strings(),
  }, ['l4_protocol']),
  ICMPTypeServiceEntry: resource(['ICMPTypeServiceEntry'], {
    protocol: oneOf('ICMPv4', 'ICMPv6'),
    icmp_type: int(0, 255),
    icmp_code: int(0, 255),
  }, ['protocol']),
  IPProtocolServiceEntry: resource(['IPProtocolServiceEntry'], { protocol_number: int(0, 255) }, ['protocol_number']),
};

const addressBinding: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { ip_address: str, mac_address: str, vlan_id: int(0, 4094) },
};

const securityProfileBinding = (resourceType: string): Schema =>
  resource([resourceType], { spoofguard_profile_path: str, segment_security_profile_path: str });

/** object schemas by resource_type */
export const OBJECT_SCHEMAS: Readonly<Record<string, Schema>> = {
  Infra: resource(['Infra'], {}),
  Domain: resource(['Domain'], {}),
  Group: resource(['Group'], {
    expression: { type: 'array', maxItems: 35, items: { type: 'object' } },
    group_type: { type: 'array', items: oneOf('IPAddress', 'ANTREA') },
  }),
  Service: resource(['Service'], {
    service_entries: { type: 'array', items: { type: 'object' } },
    is_default: bool,
    service_type: oneOf('ETHER', 'NON_ETHER'),
  }),
  ...SERVICE_ENTRY_SCHEMAS,
  SecurityPolicy: resource(['SecurityPolicy'], {
    category: { type: 'string' },
    sequence_number: int(0),
    scope: strings(128),
    stateful: bool,
    tcp_strict: bool,
    locked: bool,
    comments: { type: 'string', maxLength: 2048 },
    logging_enabled: bool,
    rules: { type: 'array', items: { type: 'object' } },
    rule_count: int(0),
    is_default: bool,
    internal_sequence_number: int(),
    lock_modified_by: str,
    lock_modified_time: int(),
  }),
  Rule: resource(['Rule'], {
    sequence_number: int(0),
    source_groups: strings(128),
    destination_groups: strings(128),
    sources_excluded: bool,
    destinations_excluded: bool,
    services: strings(128),
    service_entries: { type: 'array', maxItems: 128, items: { type: 'object' } },
    scope: strings(128),
    action: oneOf('ALLOW', 'DROP', 'REJECT', 'JUMP_TO_APPLICATION'),
    direction: oneOf('IN', 'OUT', 'IN_OUT'),
    ip_protocol: oneOf('IPV4', 'IPV6', 'IPV4_IPV6'),
    logged: bool,
    disabled: bool,
    notes: { type: 'string', maxLength: 2048 },
    tag: { type: 'string', maxLength: 32 },
    profiles: strings(128),
    rule_id: int(),
    is_default: bool,
  }),
  Segment: resource(['Segment'], {
    transport_zone_path: str,
    connectivity_path: str,
    subnets: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { gateway_address: str, network: str, dhcp_ranges: strings() },
      },
    },
    vlan_ids: strings(),
    admin_state: oneOf('UP', 'DOWN'),
    replication_mode: oneOf('MTEP', 'SOURCE'),
    type: oneOf('ROUTED', 'EXTENDED', 'ROUTED_AND_EXTENDED', 'DISCONNECTED'),
    overlay_id: int(0),
  }),
  SegmentPort: resource(['SegmentPort'], {
    /** BDC `types_SegmentPort.html`: at most 512 bindings; they cannot be removed after realization */
    address_bindings: { type: 'array', maxItems: 512, items: addressBinding },
    ignored_address_bindings: { type: 'array', maxItems: 16, items: addressBinding },
    attachment: {
      type: 'object',
      additionalProperties: false,
      properties: {
        id: str,
        type: oneOf('PARENT', 'CHILD', 'INDEPENDENT', 'STATIC', 'DHCP_SERVER'),
        context_id: str,
        traffic_tag: int(0, 4095),
        app_id: str,
        allocate_addresses: oneOf('IP_POOL', 'MAC_POOL', 'BOTH', 'DHCP', 'DHCPV6', 'SLAAC', 'NONE'),
        hyperbus_mode: oneOf('ENABLE', 'DISABLE'),
      },
    },
    admin_state: oneOf('UP', 'DOWN'),
    init_state: oneOf('UNBLOCKED_VLAN', 'RESTORE_VIF'),
  }),
  /** 4.x field name is address_binding_allowlist; the older address_binding_whitelist is rejected here */
  SpoofGuardProfile: resource(['SpoofGuardProfile'], { address_binding_allowlist: bool }),
  SegmentSecurityProfile: resource(['SegmentSecurityProfile'], {
    bpdu_filter_enable: bool,
    bpdu_filter_allow: strings(),
    dhcp_client_block_enabled: bool,
    dhcp_client_block_v6_enabled: bool,
    dhcp_server_block_enabled: bool,
    dhcp_server_block_v6_enabled: bool,
    non_ip_traffic_block_enabled: bool,
    ra_guard_enabled: bool,
    rate_limits_enabled: bool,
  }),
  SegmentSecurityProfileBindingMap: securityProfileBinding('SegmentSecurityProfileBindingMap'),
  PortSecurityProfileBindingMap: securityProfileBinding('PortSecurityProfileBindingMap'),
};
