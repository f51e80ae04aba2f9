/**
 * The object kinds the emulator serves and where they live in the policy tree (domain-reference 1.3–1.7):
 *
 *   /infra/domains/{d}                                 Domain ("default" exists)
 *   /infra/domains/{d}/groups/{g}                      Group
 *   /infra/domains/{d}/security-policies/{p}           SecurityPolicy (embeds `rules`)
 *   /infra/domains/{d}/security-policies/{p}/rules/{r} Rule
 *   /infra/services/{s}                                Service (embeds `service_entries`)
 *   /infra/services/{s}/service-entries/{e}            L4PortSetServiceEntry | ICMPTypeServiceEntry | IPProtocolServiceEntry
 *   /infra/segments/{s}                                Segment
 *   /infra/segments/{s}/ports/{p}                      SegmentPort
 *   /infra/segments/{s}/segment-security-profile-binding-maps/{m}      SegmentSecurityProfileBindingMap
 *   /infra/segments/{s}/ports/{p}/port-security-profile-binding-maps/{m} PortSecurityProfileBindingMap
 *   /infra/spoofguard-profiles/{id}                    SpoofGuardProfile
 *   /infra/segment-security-profiles/{id}              SegmentSecurityProfile
 */
import { SERVICE_ENTRY_SCHEMAS } from './schemas.js';

export type Body = Record<string, unknown>;

/** A body field as text, for messages and keys: strings as they are, absent as '', anything else as JSON. */
export function fieldText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) return '';
  return JSON.stringify(v);
}

export interface Kind {
  /** kind name; also the hierarchical wrapper `Child<name>` and its key `<name>` */
  readonly name: string;
  /** resource_type values an object of this kind may have (the first is the default) */
  readonly resourceTypes: readonly string[];
  /** the URL segment of its collection */
  readonly collection: string;
  readonly parent: string;
  /** the parent's field that embeds objects of this kind (`rules`, `service_entries`) */
  readonly embeddedIn?: string;
  /**
   * PATCH is "a full replace" for security policies and rules (BDC `method_PatchSecurityPolicyForDomain.html`,
   * `method_PatchSecurityRule.html`): fields left out go back to their defaults. Other kinds merge top-level fields.
   */
  readonly patchReplaces: boolean;
  /** the values NSX fills in for fields a client leaves out */
  readonly defaults: Body;
}

const kind = (k: Omit<Kind, 'patchReplaces' | 'defaults'> & Partial<Pick<Kind, 'patchReplaces' | 'defaults'>>): Kind => ({
  patchReplaces: false,
  defaults: {},
  ...k,
});

export const KINDS: readonly Kind[] = [
  kind({ name: 'Domain', resourceTypes: ['Domain'], collection: 'domains', parent: 'Infra' }),
  kind({ name: 'Group', resourceTypes: ['Group'], collection: 'groups', parent: 'Domain', defaults: { expression: [] } }),
  kind({
    name: 'SecurityPolicy', resourceTypes: ['SecurityPolicy'], collection: 'security-policies', parent: 'Domain',
    patchReplaces: true,
    // defaults per InlinePolicy1: stateful true, tcp_strict false, locked false, scope ANY; category is left
    // unset when the client sends none (a policy without category has the lowest precedence).
    defaults: { sequence_number: 0, scope: ['ANY'], stateful: true, tcp_strict: false, locked: false },
  }),
  kind({
    name: 'Rule', resourceTypes: ['Rule'], collection: 'rules', parent: 'SecurityPolicy', embeddedIn: 'rules',
    patchReplaces: true,
    // defaults per InlineNsxRule1 / InlineBaseRule1
    defaults: {
      sequence_number: 0, source_groups: ['ANY'], destination_groups: ['ANY'], services: ['ANY'], scope: ['ANY'],
      profiles: ['ANY'], sources_excluded: false, destinations_excluded: false, action: 'ALLOW', direction: 'IN_OUT',
      ip_protocol: 'IPV4_IPV6', logged: false, disabled: false,
    },
  }),
  kind({ name: 'Service', resourceTypes: ['Service'], collection: 'services', parent: 'Infra', defaults: { is_default: false } }),
  kind({
    name: 'ServiceEntry', resourceTypes: Object.keys(SERVICE_ENTRY_SCHEMAS), collection: 'service-entries',
    parent: 'Service', embeddedIn: 'service_entries',
  }),
  kind({ name: 'Segment', resourceTypes: ['Segment'], collection: 'segments', parent: 'Infra', defaults: { admin_state: 'UP' } }),
  kind({ name: 'SegmentPort', resourceTypes: ['SegmentPort'], collection: 'ports', parent: 'Segment', defaults: { admin_state: 'UP' } }),
  kind({
    name: 'SegmentSecurityProfileBindingMap', resourceTypes: ['SegmentSecurityProfileBindingMap'],
    collection: 'segment-security-profile-binding-maps', parent: 'Segment',
  }),
  kind({
    name: 'PortSecurityProfileBindingMap', resourceTypes: ['PortSecurityProfileBindingMap'],
    collection: 'port-security-profile-binding-maps', parent: 'SegmentPort',
  }),
  kind({
    name: 'SpoofGuardProfile', resourceTypes: ['SpoofGuardProfile'], collection: 'spoofguard-profiles', parent: 'Infra',
    defaults: { address_binding_allowlist: false },
  }),
  kind({ name: 'SegmentSecurityProfile', resourceTypes: ['SegmentSecurityProfile'], collection: 'segment-security-profiles', parent: 'Infra' }),
];

export const KIND_BY_NAME: ReadonlyMap<string, Kind> = new Map(KINDS.map((k) => [k.name, k]));

export function kindNamed(name: string): Kind {
  const k = KIND_BY_NAME.get(name);
  if (!k) throw new Error(`no kind ${name}`);
  return k;
}

/** the kind whose object is embedded in `parent`'s field (SecurityPolicy → Rule) */
export function embeddedKindOf(parent: Kind): Kind | undefined {
  return KINDS.find((k) => k.parent === parent.name && k.embeddedIn !== undefined);
}

export interface Location {
  readonly kind: Kind;
  readonly path: string;
  readonly parentPath: string;
  readonly parentKind: string;
  readonly id: string;
}

export type Target =
  | { readonly type: 'infra' }
  | { readonly type: 'object'; readonly loc: Location }
  | { readonly type: 'collection'; readonly kind: Kind; readonly parentPath: string };

export function childLocation(parentKind: string, parentPath: string, k: Kind, id: string): Location {
  return { kind: k, id, parentKind, parentPath, path: `${parentPath}/${k.collection}/${id}` };
}

/** `/infra/domains/default/groups/g1` → where it is; undefined for paths the emulator does not serve */
export function parsePolicyPath(path: string): Target | undefined {
  const segments = path.replace(/\/+$/, '').split('/').slice(1).map(decodeURIComponent);
  if (segments[0] !== 'infra') return undefined;
  if (segments.length === 1) return { type: 'infra' };
  let parentKind = 'Infra';
  let parentPath = '/infra';
  for (let i = 1; i < segments.length; i += 2) {
    const k = KINDS.find((x) => x.parent === parentKind && x.collection === segments[i]);
    if (!k) return undefined;
    const id = segments[i + 1];
    if (id === undefined) return { type: 'collection', kind: k, parentPath };
    if (id === '') return undefined;
    const loc = childLocation(parentKind, parentPath, k, id);
    if (i + 2 >= segments.length) return { type: 'object', loc };
    parentKind = k.name;
    parentPath = loc.path;
  }
  return undefined;
}
