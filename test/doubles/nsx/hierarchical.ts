/**
 * `PATCH /policy/api/v1/infra`: one body with the whole tree of changes (BDC `method_PatchInfra.html`,
 * `types_ChildResourceReference.html`, InlineNsxChildPolicyConfigResource1):
 *
 *   {"resource_type":"Infra","children":[{"resource_type":"ChildDomain","Domain":{"id":"default",…,"children":[…]}}]}
 *
 * - `Child<Kind>` wraps one object under the key `<Kind>` (ChildGroup→Group, ChildRule→Rule,
 *   ChildServiceEntry→ServiceEntry, ChildSegmentPort→SegmentPort, …); the object is PATCHed (create-or-update).
 * - `marked_for_delete: true` on the wrapper deletes that object and its subtree.
 * - `ChildResourceReference` (`id`, `target_type`, `children`) walks through an existing node without updating it.
 * - The request is atomic: it runs on a clone of the store, and any error leaves the store as it was.
 */
import { invalidRequest, notFound } from './errors.js';
import { childLocation, KINDS, type Body, type Kind, type Location } from './kinds.js';
import type { Transaction } from './transaction.js';

const WRAPPER_FIELDS = new Set(['resource_type', 'marked_for_delete', 'mark_for_override', 'id']);

function wrapperKind(resourceType: unknown, parentKind: string): Kind | undefined {
  if (typeof resourceType !== 'string' || !resourceType.startsWith('Child')) return undefined;
  const name = resourceType.slice('Child'.length);
  return KINDS.find((k) => k.name === name && k.parent === parentKind);
}

function childrenOf(node: Body, at: string): Body[] {
  const children = node['children'];
  if (children === undefined) return [];
  if (!Array.isArray(children) || children.some((c) => typeof c !== 'object' || c === null || Array.isArray(c))) {
    throw invalidRequest([`Field '${at}.children' must be an array of Child* objects.`]);
  }
  return children as Body[];
}

function applyChildren(tx: Transaction, parentKind: string, parentPath: string, node: Body, at: string): void {
  childrenOf(node, at).forEach((wrapper, i) => {
    const here = `${at}.children[${i}]`;
    const rt = wrapper['resource_type'];
    if (rt === 'ChildResourceReference') {
      applyReference(tx, parentKind, parentPath, wrapper, here);
      return;
    }
    const k = wrapperKind(rt, parentKind);
    if (!k) {
      throw invalidRequest([`${here}: ${JSON.stringify(rt)} is not a child type allowed under ${parentKind}.`]);
    }
    const extra = Object.keys(wrapper).filter((f) => !WRAPPER_FIELDS.has(f) && f !== k.name);
    if (extra.length > 0) throw invalidRequest([`${here}: field(s) ${extra.join(', ')} are not recognized in ${String(rt)}.`]);
    if (wrapper['marked_for_delete'] !== undefined && typeof wrapper['marked_for_delete'] !== 'boolean') {
      throw invalidRequest([`Field '${here}.marked_for_delete' must be boolean.`]);
    }
    const inner = wrapper[k.name];
    if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) {
      throw invalidRequest([`${here}: ${String(rt)} needs the object under '${k.name}'.`]);
    }
    const obj = inner as Body;
    if (typeof obj['id'] !== 'string' || obj['id'] === '') throw invalidRequest([`Field '${here}.${k.name}.id' is required.`]);
    const loc: Location = childLocation(parentKind, parentPath, k, obj['id']);
    if (wrapper['marked_for_delete'] === true) {
      tx.remove(loc.path);
      return;
    }
    const { children: _children, ...own } = obj;
    tx.upsert(loc, own, 'PATCH');
    applyChildren(tx, k.name, loc.path, obj, `${here}.${k.name}`);
  });
}

function applyReference(tx: Transaction, parentKind: string, parentPath: string, ref: Body, at: string): void {
  const extra = Object.keys(ref).filter((f) => !['resource_type', 'id', 'target_type', 'children', 'marked_for_delete'].includes(f));
  if (extra.length > 0) throw invalidRequest([`${at}: field(s) ${extra.join(', ')} are not recognized in ChildResourceReference.`]);
  const k = KINDS.find((x) => x.name === ref['target_type'] && x.parent === parentKind);
  if (typeof ref['id'] !== 'string' || !k) {
    throw invalidRequest([`${at}: ChildResourceReference needs 'id' and a 'target_type' allowed under ${parentKind}.`]);
  }
  const loc = childLocation(parentKind, parentPath, k, ref['id']);
  if (!tx.store.get(loc.path)) throw notFound(loc.path);
  applyChildren(tx, k.name, loc.path, ref, at);
}

/** applies a hierarchical body to `tx` (a transaction on a clone of the store) */
export function applyInfraPatch(tx: Transaction, body: unknown): void {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalidRequest(['The request body must be an Infra object.']);
  }
  const b = body as Body;
  if (b['resource_type'] !== undefined && b['resource_type'] !== 'Infra') {
    throw invalidRequest([`Field 'resource_type' must be Infra, not ${JSON.stringify(b['resource_type'])}.`]);
  }
  const extra = Object.keys(b).filter((f) => !['resource_type', 'children', 'id', 'display_name', 'description', 'tags', '_revision'].includes(f));
  if (extra.length > 0) throw invalidRequest(extra.map((f) => `Field '${f}' is not a recognized field of Infra.`));
  applyChildren(tx, 'Infra', '/infra', b, 'Infra');
}
