/**
 * The backing that connects a NIC to a network, by the network's kind: a
 * standard port group, a distributed port group (NSX-T segments on a VDS
 * appear as these) or an opaque network (NSX-T segments on N-VDS).
 */
import { moRefXml, type MoRef, type VimClient } from './client.js';
import { findIn, type Datacenter } from './inventory.js';
import { readOne, val } from './properties.js';
import { el, elementRange } from './xml.js';
import type { SourceNic } from './vms.js';
import { VimFault } from './fault.js';

export async function networkBackingXml(vim: VimClient, dc: Datacenter, name: string): Promise<string> {
  const ref: MoRef = await findIn(vim, dc, 'network', name, 'network', ['Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork']);
  if (ref.type === 'DistributedVirtualPortgroup') {
    const pg = await readOne(vim, ref, ['key', 'config.distributedVirtualSwitch']);
    const dvs = val.ref(pg.get('config.distributedVirtualSwitch'));
    const uuid = dvs ? val.text((await readOne(vim, dvs, ['uuid'])).get('uuid')) : undefined;
    if (!uuid) throw new VimFault('NotFound', `distributed port group ${name}: its switch has no uuid`);
    return (
      '<backing xsi:type="VirtualEthernetCardDistributedVirtualPortBackingInfo"><port>' +
      `${el('switchUuid', uuid)}${el('portgroupKey', val.text(pg.get('key')) ?? ref.value)}</port></backing>`
    );
  }
  if (ref.type === 'OpaqueNetwork') {
    const s = await readOne(vim, ref, ['summary.opaqueNetworkId', 'summary.opaqueNetworkType']);
    return (
      '<backing xsi:type="VirtualEthernetCardOpaqueNetworkBackingInfo">' +
      `${el('opaqueNetworkId', val.text(s.get('summary.opaqueNetworkId')))}${el('opaqueNetworkType', val.text(s.get('summary.opaqueNetworkType')))}</backing>`
    );
  }
  return `<backing xsi:type="VirtualEthernetCardNetworkBackingInfo">${el('deviceName', name.split('/').pop())}${moRefXml('network', ref)}</backing>`;
}

/**
 * The first NIC re-backed (edit: the whole device as the server sent it, its
 * backing replaced, as govc -net does), or a new vmxnet3 NIC when the source
 * has none (add).
 */
export function nicChangeXml(nic: SourceNic | undefined, backingXml: string): string {
  if (nic) {
    const at = nic.xml.search(/<(?:\w+:)?backing[\s>/]/);
    const r = at < 0 ? undefined : elementRange(nic.xml, 'backing', at);
    const device = r ? nic.xml.slice(0, r.start) + backingXml + nic.xml.slice(r.end) : nic.xml + backingXml;
    return `<deviceChange><operation>edit</operation><device xsi:type="${nic.type}">${device}</device></deviceChange>`;
  }
  return `<deviceChange><operation>add</operation><device xsi:type="VirtualVmxnet3">${el('key', -1)}${backingXml}<addressType>generated</addressType></device></deviceChange>`;
}
