/** Reads what NSX holds for the objects nsx_dfw declares (rules page by page). */
import type { HttpReader } from '../../../engine/module.js';
import { getObject, listAll, nsxPath } from './api.js';
import type { DesiredDfw } from './dfw-desired.js';
import type { CurrentDfw } from './dfw-plan.js';

/** Reads in flight at once: a few, to be quick without crowding a manager that rate-limits its clients. */
const READS_AT_ONCE = 4;

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function readCurrentDfw(http: HttpReader, desired: DesiredDfw): Promise<CurrentDfw> {
  const d = desired.domain;
  const byId = async (objs: readonly Record<string, unknown>[], path: (id: string) => string) =>
    new Map(await mapLimit(objs, READS_AT_ONCE, async (o) => [String(o['id']), await getObject(http, path(String(o['id'])))] as const));
  const policyId = desired.policy ? String(desired.policy['id']) : undefined;
  const groups = await byId(desired.groups, (id) => nsxPath.group(d, id));
  const services = await byId(desired.services, (id) => nsxPath.service(id));
  const policy = policyId ? await getObject(http, nsxPath.policy(d, policyId)) : null;
  const rules = policy && policyId ? await listAll(http, nsxPath.rules(d, policyId)) : [];
  return { groups, services, policy, rules: rules.filter((r) => r['marked_for_delete'] !== true) };
}
