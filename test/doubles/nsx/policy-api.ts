/**
 * The Policy API proper, without HTTP: routes a method and a policy path (`/infra/...`) to reads and to
 * transactional writes on the store. The HTTP server (server.ts) adds authentication, faults and the log.
 *
 * Responses: GET 200 with the object or a list page; PATCH 200 with no body; PUT 200 with the stored object;
 * DELETE 200 (also when the object does not exist); hierarchical PATCH 200 with no body; POST ?action=revise on
 * a rule or policy 200 with the object.
 */
import { BUILTINS } from './builtins.js';
import { ErrorCode, NsxApiError, notFound } from './errors.js';
import { applyInfraPatch } from './hierarchical.js';
import { checkIntegrity } from './integrity.js';
import { parsePolicyPath, type Body, type Location } from './kinds.js';
import { page, type PagingOptions } from './paging.js';
import { revise } from './revise.js';
import { bySequenceThenId, PolicyStore } from './store.js';
import { Transaction, type WriteOptions } from './transaction.js';

export interface PolicyOptions extends PagingOptions {
  readonly patchEmbedded: 'merge' | 'replace';
  readonly bindingsRealized: boolean;
}

export interface PolicyResponse {
  readonly status: number;
  readonly body?: unknown;
}

export class PolicyApi {
  private store = new PolicyStore();

  constructor(private readonly opts: PolicyOptions) {
    this.write({ user: 'system', seeding: true }, (tx) => {
      for (const b of BUILTINS) {
        const target = parsePolicyPath(b.path);
        if (target?.type !== 'object') throw new Error(`bad built-in ${b.path}`);
        tx.upsert(target.loc, b.body, 'PATCH');
        for (const p of [b.path, ...tx.store.descendants(b.path)]) {
          const obj = tx.store.get(p)!;
          tx.store.set(p, { ...obj, body: { ...obj.body, _system_owned: b.systemOwned, _create_user: 'system', _last_modified_user: 'system' } });
        }
      }
    });
  }

  /** runs `fn` on a clone of the store and keeps the result only if it and the integrity checks pass */
  private write(extra: Partial<WriteOptions> & { user: string }, fn: (tx: Transaction) => void): void {
    const tx = new Transaction(this.store.clone(), {
      patchEmbedded: this.opts.patchEmbedded,
      bindingsRealized: this.opts.bindingsRealized,
      ...extra,
    });
    fn(tx);
    checkIntegrity(tx);
    this.store = tx.store;
  }

  /** the object as GET would return it */
  view(path: string): Body | undefined {
    return this.store.view(path);
  }

  /** every stored path (embedded children included), sorted */
  paths(): string[] {
    return this.store.paths().sort();
  }

  handle(method: string, path: string, query: URLSearchParams, body: unknown, user: string): PolicyResponse {
    const target = parsePolicyPath(path);
    if (!target) throw notFound(path);
    if (target.type === 'infra') {
      if (method === 'GET') return { status: 200, body: { resource_type: 'Infra', id: 'infra', path: '/infra', relative_path: 'infra' } };
      if (method !== 'PATCH') throw methodNotAllowed(method, path);
      const enforce = query.get('enforce_revision_check');
      if (enforce !== null && enforce !== 'true' && enforce !== 'false') {
        throw new NsxApiError(400, ErrorCode.invalidRequest, 'Query parameter enforce_revision_check must be true or false.');
      }
      this.write({ user, hierarchical: true, enforceRevision: enforce === 'true' }, (tx) => applyInfraPatch(tx, body));
      return { status: 200 };
    }
    if (target.type === 'collection') {
      if (method !== 'GET') throw methodNotAllowed(method, path);
      if (target.parentPath !== '/infra' && !this.store.get(target.parentPath)) throw notFound(target.parentPath);
      const all = this.store
        .children(target.parentPath, target.kind.name)
        .map((o) => this.store.view(o.body['path'] as string)!)
        // rules and policies in their evaluation order, everything else by id [U: NSX's default order]
        .sort(target.kind.name === 'Rule' || target.kind.name === 'SecurityPolicy' ? bySequenceThenId : (a, b) => String(a['id']).localeCompare(String(b['id'])));
      return { status: 200, body: page(all, query, path, this.opts) };
    }
    return this.handleObject(method, target.loc, query, body, user);
  }

  private handleObject(method: string, loc: Location, query: URLSearchParams, body: unknown, user: string): PolicyResponse {
    switch (method) {
      case 'GET': {
        const view = this.store.view(loc.path);
        if (!view) throw notFound(loc.path);
        return { status: 200, body: view };
      }
      case 'PATCH':
      case 'PUT':
        this.write({ user }, (tx) => tx.upsert(loc, body, method));
        return method === 'PUT' ? { status: 200, body: this.store.view(loc.path) } : { status: 200 };
      case 'DELETE':
        this.write({ user }, (tx) => tx.remove(loc.path));
        return { status: 200 };
      case 'POST':
        if (query.get('action') !== 'revise' || (loc.kind.name !== 'Rule' && loc.kind.name !== 'SecurityPolicy')) {
          throw methodNotAllowed(`${method}${query.get('action') ? ` ?action=${query.get('action')}` : ''}`, loc.path);
        }
        this.write({ user }, (tx) => revise(tx, loc, body, query));
        return { status: 200, body: this.store.view(loc.path) };
      default:
        throw methodNotAllowed(method, loc.path);
    }
  }
}

function methodNotAllowed(method: string, path: string): NsxApiError {
  return new NsxApiError(405, ErrorCode.methodNotAllowed, `Method ${method} is not supported on ${path}.`);
}
