/**
 * The two Manager API lookups domain-reference 1.7 names for finding the Policy port of a VM's NIC [U: the
 * flow is not verified against a 4.2 manager]:
 *   GET /api/v1/fabric/virtual-machines?display_name=…  → results[].external_id
 *   GET /api/v1/fabric/vifs?owner_vm_id=…               → results[].lport_attachment_id, mac_address
 * then match `attachment.id` of a port in GET /policy/api/v1/infra/segments/{seg}/ports.
 * Tests describe the VMs with `nsx.inventory.addVm(...)`, which also creates the attached segment ports.
 */
import { randomUUID } from 'node:crypto';
import { invalidRequest } from './errors.js';
import type { Body } from './kinds.js';
import { page, type PagingOptions } from './paging.js';

export interface VmNic {
  readonly mac: string;
  /** the segment port this NIC is attached to, created with `attachment.id` = the VIF's attachment id */
  readonly segment?: string;
  readonly port?: string;
}

export interface VmSpec {
  readonly displayName: string;
  readonly externalId?: string;
  readonly nics: readonly VmNic[];
}

export class FabricInventory {
  private readonly vms: Body[] = [];
  private readonly vifs: Body[] = [];

  /** adds a VM and its VIFs; returns the VIFs (with their `lport_attachment_id`) */
  add(vm: VmSpec): Body[] {
    const externalId = vm.externalId ?? randomUUID();
    this.vms.push({
      resource_type: 'VirtualMachine', display_name: vm.displayName, external_id: externalId,
      power_state: 'VM_RUNNING', type: 'REGULAR', _last_sync_time: Date.now(),
    });
    const added = vm.nics.map((nic, i) => ({
      resource_type: 'VirtualNetworkInterface',
      external_id: `${externalId}-400${i}`,
      owner_vm_id: externalId,
      device_key: String(4000 + i),
      device_name: `Network adapter ${i + 1}`,
      mac_address: nic.mac.toLowerCase(),
      lport_attachment_id: randomUUID(),
      _last_sync_time: Date.now(),
    }));
    this.vifs.push(...added);
    return added;
  }

  list(kind: 'virtual-machines' | 'vifs', query: URLSearchParams, opts: PagingOptions): Body {
    const filters = kind === 'virtual-machines' ? ['display_name', 'external_id'] : ['owner_vm_id', 'lport_attachment_id'];
    const unknown = [...query.keys()].filter((k) => ![...filters, 'cursor', 'page_size', 'sort_by', 'sort_ascending', 'included_fields'].includes(k));
    if (unknown.length > 0) throw invalidRequest(unknown.map((k) => `Query parameter ${k} is not supported on /api/v1/fabric/${kind}.`));
    const rows = (kind === 'virtual-machines' ? this.vms : this.vifs).filter((row) =>
      filters.every((f) => query.get(f) === null || row[f] === query.get(f)),
    );
    return page(structuredClone(rows), query, `/api/v1/fabric/${kind}`, opts);
  }
}
