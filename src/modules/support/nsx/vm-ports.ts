/**
 * Finding the segment ports of a VM by its name, through the Manager API's
 * inventory (domain-reference 1.7, [U] on a real 4.2 manager):
 *   GET /api/v1/fabric/virtual-machines?display_name=<vm>   → external_id
 *   GET /api/v1/fabric/vifs?owner_vm_id=<external_id>       → lport_attachment_id, mac_address
 * and the Policy port whose `attachment.id` is that attachment id. The VIF
 * also gives the NIC's MAC.
 */
import type { HttpReader } from '../../../engine/module.js';
import { listAllAt, type NsxObject } from './api.js';

export interface VmPort {
  readonly port: NsxObject;
  readonly mac: string;
}

export async function portsOfVm(http: HttpReader, vmName: string, segmentPorts: readonly NsxObject[]): Promise<VmPort[]> {
  const vms = await listAllAt(http, '/api/v1/fabric/virtual-machines', { display_name: vmName });
  const out: VmPort[] = [];
  for (const vm of vms.filter((v) => v['display_name'] === vmName)) {
    const vifs = await listAllAt(http, '/api/v1/fabric/vifs', { owner_vm_id: String(vm['external_id']) });
    for (const vif of vifs) {
      const port = segmentPorts.find((p) => (p['attachment'] as { id?: unknown } | undefined)?.id === vif['lport_attachment_id']);
      if (port && typeof vif['mac_address'] === 'string') out.push({ port, mac: vif['mac_address'].toLowerCase() });
    }
  }
  return out;
}
