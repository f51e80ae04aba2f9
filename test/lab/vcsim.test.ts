import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startVcsim, vcsimAvailable, type Vcsim } from './vcsim.js';

const ready = await vcsimAvailable();

/** A raw SOAP call, no client code of ours involved: the helper is tested on its own. */
async function soap(url: string, body: string, cookie?: string): Promise<{ status: number; text: string; cookie?: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: 'urn:vim25/7.0', ...(cookie ? { cookie } : {}) },
    body: `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`,
  });
  const set = res.headers.get('set-cookie');
  return { status: res.status, text: await res.text(), ...(set ? { cookie: set.split(';')[0] } : {}) };
}

const login = (user: string, password: string): string =>
  `<Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>${user}</userName><password>${password}</password></Login>`;

describe.skipIf(!ready)('lab: vcsim', () => {
  let sim: Vcsim;
  beforeAll(async () => {
    sim = await startVcsim();
  });
  afterAll(async () => {
    await sim?.close();
  });

  it('serves vim25 SOAP on loopback and accepts only its own credentials', async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sdk$/);
    const bad = await soap(sim.url, login(sim.user, 'wrong'));
    expect(bad.status).toBe(500);
    expect(bad.text).toContain('InvalidLogin');
    const good = await soap(sim.url, login(sim.user, sim.password));
    expect(good.status).toBe(200);
    expect(good.cookie).toMatch(/^vmware_soap_session=/);
  });

  it('has the documented inventory: template with a snapshot, VM folder k8s, cluster, networks', async () => {
    const { cookie } = await soap(sim.url, login(sim.user, sim.password));
    const find = async (path: string): Promise<string> => {
      const r = await soap(
        sim.url,
        `<FindByInventoryPath xmlns="urn:vim25"><_this type="SearchIndex">SearchIndex</_this><inventoryPath>${path}</inventoryPath></FindByInventoryPath>`,
        cookie,
      );
      return /<returnval type="(\w+)">/.exec(r.text)?.[1] ?? 'none';
    };
    expect(await find('DC0/vm/ubuntu-2404-template')).toBe('VirtualMachine');
    expect(await find('DC0/vm/DC0_C0_RP0_VM1')).toBe('VirtualMachine');
    expect(await find('DC0/vm/k8s')).toBe('Folder');
    expect(await find('DC0/host/DC0_C0')).toBe('ClusterComputeResource');
    expect(await find('DC0/host/DC0_C0/Resources')).toBe('ResourcePool');
    expect(await find('DC0/datastore/LocalDS_0')).toBe('Datastore');
    expect(await find('DC0/network/VM Network')).toBe('Network');
    expect(await find('DC0/network/DC0_DVPG0')).toBe('DistributedVirtualPortgroup');
    expect(await find('DC0/vm/DC0_H0_VM0')).toBe('none');
  });

  it('runs one simulator per call, each on its own port, and close() ends it', async () => {
    const other = await startVcsim({ user: 'other', password: 'pw' });
    expect(other.url).not.toBe(sim.url);
    expect((await soap(other.url, login('other', 'pw'))).status).toBe(200);
    await other.close();
    await expect(soap(other.url, login('other', 'pw'))).rejects.toThrow();
  });
});
