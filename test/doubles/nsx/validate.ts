/**
 * Validation of request bodies that needs no stored state: the JSON schemas (schemas.ts) plus the documented
 * rules a schema cannot say. Checks that need the store (references, the parent policy's category, removed
 * address bindings) live in integrity.ts.
 */
import { isIP } from 'node:net';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { fieldText } from './kinds.js';
import { EXPRESSION_SCHEMAS, OBJECT_SCHEMAS, SERVICE_ENTRY_SCHEMAS } from './schemas.js';

const ajv = new Ajv({ allErrors: true, strict: false });
const compiled = new Map<string, ValidateFunction>();

function validatorFor(schemas: Readonly<Record<string, object>>, resourceType: string): ValidateFunction | undefined {
  const schema = schemas[resourceType];
  if (!schema) return undefined;
  const key = resourceType;
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

function describe(e: ErrorObject, where: string, resourceType: string): string {
  const join = (...parts: string[]): string => parts.filter(Boolean).join('.');
  const field = join(where, e.instancePath.split('/').filter(Boolean).join('.'));
  switch (e.keyword) {
    case 'additionalProperties':
      return `Field '${join(field, String(e.params['additionalProperty']))}' is not a recognized field of ${resourceType}.`;
    case 'enum':
      return `Field '${field}' has an invalid value; allowed: ${(e.params['allowedValues'] as unknown[]).join(', ')}.`;
    case 'required':
      return `Field '${join(field, String(e.params['missingProperty']))}' is required for ${resourceType}.`;
    default:
      return `Field '${field || resourceType}' ${e.message ?? 'is invalid'}.`;
  }
}

function schemaProblems(fn: ValidateFunction, body: unknown, where: string, resourceType: string): string[] {
  return fn(body) ? [] : (fn.errors ?? []).map((e) => describe(e, where, resourceType));
}

// ----- documented value rules ---------------------------------------------------------------------------

/** an IPv4/IPv6 address, CIDR or `a-b` range, the forms DFW groups and rules accept (domain-reference 1.3, 1.5) */
export function isIpValue(v: string): boolean {
  const range = v.split('-');
  if (range.length === 2) {
    const [a = '', b = ''] = range;
    return isIP(a) !== 0 && isIP(a) === isIP(b);
  }
  const [addr = '', prefix, ...more] = v.split('/');
  if (more.length > 0) return false;
  const family = isIP(addr);
  if (family === 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const MAC = /^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$/;

/**
 * Ports of an L4PortSetServiceEntry: "N" or "N-M" within 1..65535. At most 15 "ports" per list, where a range
 * counts as 2 (BDC `method_PatchServiceForTenant.html`, InlineNsxL4PortSetServiceEntry1).
 */
export function portProblems(ports: readonly string[], field: string): string[] {
  const problems: string[] = [];
  let count = 0;
  for (const p of ports) {
    const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(p);
    const lo = m ? Number(m[1]) : NaN;
    const hi = m?.[2] !== undefined ? Number(m[2]) : lo;
    if (!m || lo < 1 || hi > 65535 || lo > hi) problems.push(`Field '${field}' has an invalid port or range '${p}'.`);
    count += m?.[2] !== undefined ? 2 : 1;
  }
  if (count > 15) {
    problems.push(`Field '${field}' has ${count} ports (a range counts as 2); at most 15 are allowed.`);
  }
  return problems;
}

/** "ANY" must stand alone in source_groups, destination_groups, services, scope, profiles (InlineNsxRule1) */
function anyAloneProblems(values: readonly string[] | undefined, field: string): string[] {
  if (!values || values.length <= 1 || !values.includes('ANY')) return [];
  return [`Field '${field}': 'ANY' cannot be combined with other values.`];
}

function groupMemberProblems(values: readonly string[] | undefined, field: string): string[] {
  if (!values) return [];
  const problems = anyAloneProblems(values, field);
  for (const v of values) {
    if (v !== 'ANY' && !v.startsWith('/') && !isIpValue(v)) {
      problems.push(`Field '${field}' holds '${v}', which is neither ANY, a policy path, nor an IP address, CIDR or range.`);
    }
  }
  return problems;
}

function pathListProblems(values: readonly string[] | undefined, field: string): string[] {
  if (!values) return [];
  const problems = anyAloneProblems(values, field);
  for (const v of values) {
    if (v !== 'ANY' && !v.startsWith('/')) problems.push(`Field '${field}' holds '${v}', which is neither ANY nor a policy path.`);
  }
  return problems;
}

/** the DFW categories (InlinePolicy1); Ethernet is L2 only */
export const CATEGORIES = ['Ethernet', 'Emergency', 'Infrastructure', 'Environment', 'Application'] as const;

type Body = Record<string, unknown>;

function expressionProblems(items: readonly unknown[], where: string): string[] {
  const problems: string[] = [];
  items.forEach((item, i) => {
    const at = `${where}[${i}]`;
    const rt = (item as Body)['resource_type'];
    const fn = typeof rt === 'string' ? validatorFor(EXPRESSION_SCHEMAS, rt) : undefined;
    if (!fn) {
      problems.push(`Field '${at}.resource_type' must be one of ${Object.keys(EXPRESSION_SCHEMAS).join(', ')}.`);
      return;
    }
    const own = schemaProblems(fn, item, at, rt as string);
    problems.push(...own);
    if (own.length > 0) return;
    const body = item as Body;
    // adjacent expressions need a ConjunctionOperator between them (public Calm scripts; BDC Group docs)
    const isConjunction = rt === 'ConjunctionOperator';
    if (isConjunction !== (i % 2 === 1)) {
      problems.push(`Field '${at}': expressions and ConjunctionOperators must alternate (expression, conjunction, expression, ...).`);
    }
    if (rt === 'IPAddressExpression') {
      for (const ip of body['ip_addresses'] as string[]) {
        if (!isIpValue(ip)) problems.push(`Field '${at}.ip_addresses' holds '${ip}', which is not an IP address, CIDR or range.`);
      }
    }
    if (rt === 'MACAddressExpression') {
      for (const mac of body['mac_addresses'] as string[]) {
        if (!MAC.test(mac)) problems.push(`Field '${at}.mac_addresses' holds '${mac}', which is not a MAC address.`);
      }
    }
    if (rt === 'PathExpression') problems.push(...pathListProblems(body['paths'] as string[], `${at}.paths`));
    if (rt === 'NestedExpression') problems.push(...expressionProblems(body['expressions'] as unknown[], `${at}.expressions`));
  });
  if (items.length > 0 && items.length % 2 === 0) {
    problems.push(`Field '${where}' must not end with a ConjunctionOperator.`);
  }
  return problems;
}

function serviceEntryProblems(entry: Body, where: string): string[] {
  const rt = entry['resource_type'];
  const fn = typeof rt === 'string' ? validatorFor(SERVICE_ENTRY_SCHEMAS, rt) : undefined;
  if (!fn) return [`Field '${where}resource_type' must be one of ${Object.keys(SERVICE_ENTRY_SCHEMAS).join(', ')}.`];
  const problems = schemaProblems(fn, entry, where.replace(/\.$/, ''), rt as string);
  if (problems.length === 0 && rt === 'L4PortSetServiceEntry') {
    for (const f of ['destination_ports', 'source_ports']) {
      const ports = entry[f] as string[] | undefined;
      if (ports) problems.push(...portProblems(ports, `${where}${f}`));
    }
  }
  return problems;
}

/**
 * Everything wrong with `body` as a `resourceType` that can be told without the store. Embedded children
 * (policy `rules`, service `service_entries`) are validated by the caller, one by one, as their own type.
 */
export function bodyProblems(resourceType: string, body: unknown): string[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return [`The request body must be a JSON object (a ${resourceType}).`];
  }
  const b = body as Body;
  if (resourceType in SERVICE_ENTRY_SCHEMAS || resourceType === 'ServiceEntry') {
    return serviceEntryProblems(b, '');
  }
  const fn = validatorFor(OBJECT_SCHEMAS, resourceType);
  if (!fn) return [`Unknown resource_type ${resourceType}.`];
  const problems = schemaProblems(fn, b, '', resourceType);
  if (problems.length > 0) return problems;
  switch (resourceType) {
    case 'Group':
      if (Array.isArray(b['expression'])) problems.push(...expressionProblems(b['expression'], 'expression'));
      break;
    case 'SecurityPolicy':
      if (b['category'] !== undefined && !(CATEGORIES as readonly string[]).includes(b['category'] as string)) {
        problems.push(`Invalid category '${fieldText(b['category'])}'; allowed: ${CATEGORIES.join(', ')}.`);
      }
      problems.push(...pathListProblems(b['scope'] as string[] | undefined, 'scope'));
      break;
    case 'Rule':
      problems.push(...groupMemberProblems(b['source_groups'] as string[] | undefined, 'source_groups'));
      problems.push(...groupMemberProblems(b['destination_groups'] as string[] | undefined, 'destination_groups'));
      problems.push(...pathListProblems(b['services'] as string[] | undefined, 'services'));
      problems.push(...pathListProblems(b['scope'] as string[] | undefined, 'scope'));
      problems.push(...pathListProblems(b['profiles'] as string[] | undefined, 'profiles'));
      ((b['service_entries'] as Body[] | undefined) ?? []).forEach((e, i) => {
        problems.push(...serviceEntryProblems(e, `service_entries[${i}].`));
      });
      break;
    case 'SegmentPort':
      for (const field of ['address_bindings', 'ignored_address_bindings']) {
        ((b[field] as Body[] | undefined) ?? []).forEach((binding, i) => {
          const ip = binding['ip_address'];
          const mac = binding['mac_address'];
          if (typeof ip === 'string' && (ip.includes('-') || !isIpValue(ip))) {
            problems.push(`Field '${field}[${i}].ip_address' holds '${ip}', which is not an IP address or subnet.`);
          }
          if (typeof mac === 'string' && !MAC.test(mac)) {
            problems.push(`Field '${field}[${i}].mac_address' holds '${mac}', which is not a MAC address.`);
          }
        });
      }
      break;
  }
  return problems;
}
