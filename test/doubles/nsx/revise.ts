/**
 * `POST …/security-policies/{p}/rules/{r}?action=revise&operation=insert_after&anchor_path=…` (and the same on
 * a security policy): create-or-update the object with the body, then move it among its siblings
 * [V BDC `method_ReviseSecurityRule.html` (4.0.1): operations insert_top (default), insert_bottom,
 * insert_after, insert_before; anchor_path names the sibling for the last two].
 * The move is expressed in `sequence_number`: the object takes a free number between its new neighbours; when
 * there is none, every sibling is renumbered 10, 20, 30, … (each such sibling gets a new _revision) [U: how
 * NSX picks the numbers is not documented].
 */
import { invalidRequest } from './errors.js';
import type { Location } from './kinds.js';
import { bySequenceThenId } from './store.js';
import type { Transaction } from './transaction.js';

const OPERATIONS = ['insert_top', 'insert_bottom', 'insert_after', 'insert_before'] as const;

export function revise(tx: Transaction, loc: Location, body: unknown, query: URLSearchParams): void {
  const operation = query.get('operation') ?? 'insert_top';
  if (!(OPERATIONS as readonly string[]).includes(operation)) {
    throw invalidRequest([`Query parameter operation must be one of ${OPERATIONS.join(', ')}, not ${operation}.`]);
  }
  const anchor = query.get('anchor_path');
  const needsAnchor = operation === 'insert_after' || operation === 'insert_before';
  if (needsAnchor && !anchor) throw invalidRequest([`Operation ${operation} needs the query parameter anchor_path.`]);
  if (anchor === loc.path) throw invalidRequest([`anchor_path cannot be the object being moved.`]);

  tx.upsert(loc, body, 'PATCH');
  const siblings = tx.store
    .children(loc.parentPath, loc.kind.name)
    .filter((o) => o.body['path'] !== loc.path)
    .map((o) => o.body)
    .sort(bySequenceThenId);
  let at = operation === 'insert_bottom' ? siblings.length : 0;
  if (needsAnchor) {
    const i = siblings.findIndex((s) => s['path'] === anchor);
    if (i < 0) throw invalidRequest([`anchor_path ${anchor ?? ''} is not a sibling of ${loc.path}.`]);
    at = operation === 'insert_after' ? i + 1 : i;
  }
  const seq = (i: number): number | undefined => siblings[i]?.['sequence_number'] as number | undefined;
  const low = at > 0 ? seq(at - 1)! : -1;
  const high = at < siblings.length ? seq(at)! : low + 20;
  const target = tx.store.get(loc.path)!;
  if (high - low >= 2) {
    setSequence(tx, loc.path, low + Math.floor((high - low) / 2), target.body['sequence_number']);
    return;
  }
  const order = [...siblings.slice(0, at), target.body, ...siblings.slice(at)];
  order.forEach((b, i) => setSequence(tx, b['path'] as string, (i + 1) * 10, b['sequence_number']));
}

function setSequence(tx: Transaction, path: string, sequence: number, current: unknown): void {
  if (sequence !== current) tx.modify(path, { sequence_number: sequence });
}
