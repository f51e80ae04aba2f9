/** A refusal of the API server as a task failure that names the manifest, the object and, for a conflict, the other field managers. */
import { KubeApiError, ModuleFailure } from '../../../engine/module.js';
import { describeManifest, type Manifest } from './manifests.js';

export function asTaskFailure(e: unknown, m: Manifest): unknown {
  if (!(e instanceof KubeApiError)) return e;
  const where = describeManifest(m);
  const result = { status: e.status, reason: e.reason, ...(e.causes.length ? { causes: e.causes } : {}) };
  if (e.status === 409 && e.reason === 'Conflict') {
    const conflicts = e.conflicts();
    const owners = Object.entries(conflicts).map(([manager, fields]) => `"${manager}" owns ${fields.join(', ')}`);
    if (owners.length) {
      return new ModuleFailure(`${where}: apply conflict: field manager ${owners.join('; ')}; set force_conflicts: true to take them over`, { ...result, conflicts });
    }
  }
  if (e.status === 422) {
    const fields = e.causes.map((c) => `${c.field ?? '?'}: ${c.message ?? c.reason ?? ''}`);
    return new ModuleFailure(`${where}: the API server refused the object as invalid${fields.length ? `: ${fields.join('; ')}` : `: ${e.message}`}`, result);
  }
  return new ModuleFailure(`${where}: ${e.serverMessage} (${e.request})`, result);
}
