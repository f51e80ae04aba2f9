/** Reads what NSX holds for the objects nsx_dfw declares (rules page by page). */
import type { HttpReader } from '../../../engine/module.js';
import { getObject, listAll, nsxPath } from './api.js';
import type { DesiredDfw } from './dfw-desired.js';
import type { CurrentDfw } from './dfw-plan.js';

export async function readCurrentDfw(http: HttpReader, desired: DesiredDfw): Promise<CurrentDfw> {
  const d = desired.domain;
  const byId = async (objs: readonly Record<string, unknown>[], path: (id: string) => string) =>
    new Map(await Promise.all(objs.map(async (o) => [String(o['id']), await getObject(http, path(String(o['id'])))] as const)));
  const policyId = desired.policy ? String(desired.policy['id']) : undefined;
  const [groups, services, policy] = await Promise.all([
    byId(desired.groups, (id) => nsxPath.group(d, id)),
    byId(desired.services, (id) => nsxPath.service(id)),
    policyId ? getObject(http, nsxPath.policy(d, policyId)) : Promise.resolve(null),
  ]);
  const rules = policy && policyId ? await listAll(http, nsxPath.rules(d, policyId)) : [];
  return { groups, services, policy, rules: rules.filter((r) => r['marked_for_delete'] !== true) };
}
