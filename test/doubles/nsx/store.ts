/**
 * The emulator's state: every policy object by its path. Embedded children (a policy's rules, a service's
 * entries) are stored as objects of their own, under their own path, and put back into the parent on read,
 * the way GET of a security policy or service returns `rules` / `service_entries`.
 * A write works on a clone (`clone()`, copy-on-write: objects are frozen copies, replaced on change), which replaces the live store only when the whole request succeeded:
 * that is how a hierarchical PATCH is atomic.
 */
import { embeddedKindOf, kindNamed, type Body } from './kinds.js';

export interface StoredObject {
  readonly kind: string;
  readonly body: Body;
}

export class PolicyStore {
  constructor(
    private readonly objects = new Map<string, StoredObject>(),
    /** the next rule_id (a number NSX gives every rule) */
    public nextRuleId = 1000,
  ) {}

  /** a copy to write on; stored objects are frozen and only ever replaced, so sharing them is safe */
  clone(): PolicyStore {
    return new PolicyStore(new Map(this.objects), this.nextRuleId);
  }

  get(path: string): StoredObject | undefined {
    return this.objects.get(path);
  }

  set(path: string, obj: StoredObject): void {
    this.objects.set(path, deepFreeze(structuredClone(obj)));
  }

  delete(path: string): void {
    this.objects.delete(path);
  }

  paths(): string[] {
    return [...this.objects.keys()];
  }

  *entries(): IterableIterator<[string, StoredObject]> {
    yield* this.objects.entries();
  }

  /** the objects directly below `parentPath`, of one kind if given */
  children(parentPath: string, kindName?: string): StoredObject[] {
    const out: StoredObject[] = [];
    for (const obj of this.objects.values()) {
      if (obj.body['parent_path'] === parentPath && (kindName === undefined || obj.kind === kindName)) out.push(obj);
    }
    return out;
  }

  /** every path below `path` (not `path` itself) */
  descendants(path: string): string[] {
    return this.paths().filter((p) => p.startsWith(`${path}/`));
  }

  /** the object as GET returns it: a copy, with embedded children put back in (rules by sequence_number) */
  view(path: string): Body | undefined {
    const obj = this.objects.get(path);
    if (!obj) return undefined;
    const body = structuredClone(obj.body);
    const embedded = embeddedKindOf(kindNamed(obj.kind));
    if (embedded?.embeddedIn) {
      const kids = this.children(path, embedded.name)
        .map((k) => structuredClone(k.body))
        .sort(bySequenceThenId);
      body[embedded.embeddedIn] = kids;
      if (obj.kind === 'SecurityPolicy') body['rule_count'] = kids.length;
    }
    return body;
  }
}

export function bySequenceThenId(a: Body, b: Body): number {
  const sa = typeof a['sequence_number'] === 'number' ? a['sequence_number'] : 0;
  const sb = typeof b['sequence_number'] === 'number' ? b['sequence_number'] : 0;
  return sa - sb || String(a['id']).localeCompare(String(b['id']));
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
