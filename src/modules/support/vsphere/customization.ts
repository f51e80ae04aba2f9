/**
 * Saved guest customization specs (CustomizationSpecManager): fetched by
 * name and passed back to CustomizeVM_Task as the server wrote them, so
 * every kind of spec (Linux prep, sysprep, cloud-init, fixed or DHCP
 * addresses) works without modelling its types here.
 */
import type { VimClient } from './client.js';
import { VimFault } from './fault.js';
import { el, innerXml } from './xml.js';

/** The spec's XML (the inside of CustomizationSpecItem.spec); a clear error when it does not exist. */
export async function customizationSpecXml(vim: VimClient, name: string): Promise<string> {
  const { customizationSpecManager } = await vim.content();
  if (!customizationSpecManager) throw new VimFault('NotSupported', 'this endpoint has no customization spec manager (is it an ESXi host, not vCenter?)');
  let raw: string;
  try {
    raw = (await vim.read('GetCustomizationSpec', customizationSpecManager, el('name', name))).raw;
  } catch (e) {
    if (e instanceof VimFault && e.faultType === 'NotFound') throw new VimFault('NotFound', `customization spec '${name}' not found in vCenter`, { name });
    throw e;
  }
  const infoEnd = raw.search(/<\/(?:\w+:)?info>/);
  const spec = innerXml(raw, 'spec', Math.max(infoEnd, 0));
  if (spec === undefined) throw new VimFault('InvalidResponse', `customization spec '${name}': the answer has no spec`);
  return spec;
}
