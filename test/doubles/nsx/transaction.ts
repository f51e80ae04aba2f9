/**
 * One write request applied to a clone of the store: create-or-update (PATCH), create-or-replace (PUT) and
 * delete, with the server-managed fields NSX keeps on every object. Problems throw NsxApiError; the caller
 * throws the clone away then, so nothing of a failed request is kept.
 */
import { randomUUID } from 'node:crypto';
import { invalidRequest, notFound, NsxApiError, staleRevision, ErrorCode } from './errors.js';
import { embeddedKindOf, childLocation, fieldText, type Body, type Location } from './kinds.js';
import { READ_ONLY_FIELDS } from './schemas.js';
import type { PolicyStore } from './store.js';
import { bodyProblems } from './validate.js';

export interface WriteOptions {
  /** who is writing (`_create_user`, `_last_modified_user`) */
  readonly user: string;
  /** `?enforce_revision_check=true` on a hierarchical PATCH: every existing child must carry its current _revision */
  readonly enforceRevision?: boolean;
  /** a hierarchical PATCH body may hold `children`; nowhere else */
  readonly hierarchical?: boolean;
  /** what PATCH does to embedded children the body leaves out: keep them (default) or delete them */
  readonly patchEmbedded: 'merge' | 'replace';
  /** address bindings count as realized as soon as they are stored, so they cannot be removed */
  readonly bindingsRealized: boolean;
  /** writes to _system_owned objects are refused, except when the emulator seeds its built-ins */
  readonly seeding?: boolean;
}

const NOT_USER_FIELDS = new Set<string>([...READ_ONLY_FIELDS, 'id', 'resource_type', 'children']);

function userFields(body: Body, embeddedField?: string): Body {
  return Object.fromEntries(Object.entries(body).filter(([k]) => !NOT_USER_FIELDS.has(k) && k !== embeddedField));
}

/** expressions come back with ids and paths of their own, like NSX's (BDC `types_Expression.html`) */
function decorateExpressions(items: readonly Body[], groupPath: string): Body[] {
  return items.map((item) => {
    const id = typeof item['id'] === 'string' ? item['id'] : randomUUID();
    const user = userFields(item);
    const nested = Array.isArray(user['expressions']) ? { expressions: decorateExpressions(user['expressions'] as Body[], groupPath) } : {};
    return {
      ...user, ...nested, resource_type: item['resource_type'], id,
      path: `${groupPath}/expressions/${id}`, parent_path: groupPath, relative_path: id,
      marked_for_delete: false, overridden: false, _protection: 'NOT_PROTECTED',
    };
  });
}

function bindingKey(b: Body): string {
  return `${fieldText(b['ip_address'])}|${fieldText(b['mac_address']).toLowerCase()}|${fieldText(b['vlan_id'] ?? 0)}`;
}

export class Transaction {
  /** paths written (created or updated) by this request */
  readonly written = new Set<string>();
  /** paths deleted by this request, descendants included */
  readonly deleted = new Set<string>();

  constructor(readonly store: PolicyStore, private readonly opts: WriteOptions, private readonly now = Date.now()) {}

  /** PATCH (create-or-update) or PUT (create-or-replace) of one object and its embedded children */
  upsert(loc: Location, body: unknown, mode: 'PATCH' | 'PUT'): void {
    const k = loc.kind;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalidRequest([`The request body for ${loc.path} must be a JSON object.`]);
    }
    const b = body as Body;
    if ('children' in b && !this.opts.hierarchical) {
      throw invalidRequest([`Field 'children' is only allowed in the hierarchical API (PATCH /policy/api/v1/infra).`]);
    }
    const resourceType = typeof b['resource_type'] === 'string' ? b['resource_type'] : k.resourceTypes.length === 1 ? k.resourceTypes[0]! : undefined;
    if (resourceType === undefined || !k.resourceTypes.includes(resourceType)) {
      throw invalidRequest([`Field 'resource_type' must be one of ${k.resourceTypes.join(', ')} at ${loc.path}.`]);
    }
    const embedded = embeddedKindOf(k);
    const ownBody = embedded?.embeddedIn ? withoutField(b, embedded.embeddedIn) : b;
    const problems = bodyProblems(resourceType, ownBody);
    if (embedded?.embeddedIn && b[embedded.embeddedIn] !== undefined && !Array.isArray(b[embedded.embeddedIn])) {
      problems.push(`Field '${embedded.embeddedIn}' must be array.`);
    }
    if (b['id'] !== undefined && b['id'] !== loc.id) problems.push(`Field 'id' (${fieldText(b['id'])}) does not match the id in the path (${loc.id}).`);
    if (problems.length > 0) throw invalidRequest(problems);

    if (loc.parentKind !== 'Infra' && !this.store.get(loc.parentPath)) throw notFound(loc.parentPath);
    const existing = this.store.get(loc.path)?.body;
    if (existing?.['_system_owned'] === true && !this.opts.seeding) {
      throw invalidRequest([`${loc.path} is system owned and cannot be modified.`]);
    }
    this.checkRevision(loc.path, b['_revision'], existing, mode);

    const base = existing && mode === 'PATCH' && !k.patchReplaces ? userFields(existing, embedded?.embeddedIn) : {};
    const merged: Body = { ...structuredClone(k.defaults), ...base, ...userFields(b, embedded?.embeddedIn) };
    if (k.name === 'Group') merged['expression'] = decorateExpressions((merged['expression'] as Body[] | undefined) ?? [], loc.path);
    if (k.name === 'SegmentPort' && existing) this.checkBindingsKept(loc.path, existing, merged);

    const extra: Body = {};
    if (k.name === 'Rule') {
      extra['unique_id'] = existing?.['unique_id'] ?? randomUUID();
      extra['rule_id'] = existing?.['rule_id'] ?? this.store.nextRuleId++;
    }
    this.store.set(loc.path, {
      kind: k.name,
      body: {
        ...merged,
        resource_type: resourceType,
        id: loc.id,
        display_name: merged['display_name'] ?? loc.id,
        path: loc.path,
        parent_path: loc.parentPath,
        relative_path: loc.id,
        ...extra,
        marked_for_delete: false,
        overridden: false,
        _system_owned: existing?.['_system_owned'] ?? false,
        _protection: 'NOT_PROTECTED',
        _create_time: existing?.['_create_time'] ?? this.now,
        _create_user: existing?.['_create_user'] ?? this.opts.user,
        _last_modified_time: this.now,
        _last_modified_user: this.opts.user,
        _revision: existing ? (existing['_revision'] as number) + 1 : 0,
      },
    });
    this.written.add(loc.path);

    if (embedded?.embeddedIn && Array.isArray(b[embedded.embeddedIn])) {
      this.upsertEmbedded(loc, embedded.embeddedIn, b[embedded.embeddedIn] as unknown[], mode);
    }
  }

  private upsertEmbedded(loc: Location, field: string, items: readonly unknown[], mode: 'PATCH' | 'PUT'): void {
    const embedded = embeddedKindOf(loc.kind)!;
    const ids = new Set<string>();
    items.forEach((item, i) => {
      const id = (item as Body | null)?.['id'];
      if (typeof id !== 'string' || id === '') throw invalidRequest([`Field '${field}[${i}].id' is required.`]);
      if (ids.has(id)) throw invalidRequest([`Field '${field}' holds id '${id}' twice.`]);
      ids.add(id);
      this.upsert(childLocation(loc.kind.name, loc.path, embedded, id), item, 'PATCH');
    });
    // PUT replaces the whole set ("All the rules are replaced", UpdateSecurityPolicy; PUT service is a full
    // replace including entries, UpdateServiceForTenant). PATCH keeps the others unless told to replace.
    if (mode === 'PUT' || this.opts.patchEmbedded === 'replace') {
      for (const child of this.store.children(loc.path, embedded.name)) {
        if (!ids.has(child.body['id'] as string)) this.remove(child.body['path'] as string);
      }
    }
  }

  private checkRevision(path: string, sent: unknown, existing: Body | undefined, mode: 'PATCH' | 'PUT'): void {
    if (existing) {
      const current = existing['_revision'];
      if (sent !== undefined && sent !== current) throw staleRevision(path, sent, current);
      // PUT must carry the current _revision (types_RevisionedResource.html); so must every child of an
      // enforce_revision_check hierarchical PATCH (schemas_ForceRevisionCheckRequestParameter.html)
      if (sent === undefined && (mode === 'PUT' || this.opts.enforceRevision)) {
        throw new NsxApiError(412, ErrorCode.staleRevision, `The request to update ${path} carries no _revision; read the object and send its current _revision.`);
      }
    } else if (sent !== undefined && sent !== 0) {
      throw staleRevision(path, sent, 'none (the object does not exist)');
    }
  }

  /** "Address bindings cannot be removed after realization" (BDC `types_SegmentPort.html`) */
  private checkBindingsKept(path: string, existing: Body, merged: Body): void {
    if (!this.opts.bindingsRealized) return;
    const kept = new Set(((merged['address_bindings'] as Body[] | undefined) ?? []).map(bindingKey));
    const removed = ((existing['address_bindings'] as Body[] | undefined) ?? []).filter((b) => !kept.has(bindingKey(b)));
    if (removed.length > 0) {
      throw invalidRequest([
        `Address bindings cannot be removed after realization (${path}): ${removed.map((b) => JSON.stringify(b)).join(', ')}.`,
      ]);
    }
  }

  /**
   * Sets server-computed fields of a stored object (a rule's new sequence_number after a revise); the object
   * gets a new _revision unless this request already wrote it.
   */
  modify(path: string, fields: Body): void {
    const obj = this.store.get(path);
    if (!obj) throw notFound(path);
    const again = this.written.has(path);
    this.store.set(path, {
      ...obj,
      body: {
        ...obj.body,
        ...fields,
        _last_modified_time: this.now,
        _last_modified_user: this.opts.user,
        _revision: again ? obj.body['_revision'] : (obj.body['_revision'] as number) + 1,
      },
    });
    this.written.add(path);
  }

  /** DELETE: the object and everything below it; deleting what does not exist succeeds */
  remove(path: string): void {
    const obj = this.store.get(path);
    if (!obj) return;
    if (obj.body['_system_owned'] === true) throw invalidRequest([`${path} is system owned and cannot be deleted.`]);
    if (path === '/infra/domains/default') throw invalidRequest(['The default domain cannot be deleted.']);
    if (obj.kind === 'Segment' && this.store.children(path, 'SegmentPort').length > 0) {
      throw invalidRequest([`Segment ${path} still has ports; delete them first.`], ErrorCode.referenced);
    }
    for (const p of [path, ...this.store.descendants(path)]) {
      this.store.delete(p);
      this.written.delete(p);
      this.deleted.add(p);
    }
  }
}

/** the body without its embedded-children field (validated one by one as their own type) */
function withoutField(b: Body, embeddedField: string): Body {
  const { [embeddedField]: _embedded, ...rest } = b;
  return rest;
}
