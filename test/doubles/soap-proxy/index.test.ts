import { afterEach, describe, expect, it } from 'vitest';
import { startVcsim, vcsimAvailable, type Vcsim } from '../../lab/vcsim.js';
import { methodOf, startSoapProxy, type SoapProxy } from './index.js';

const ready = await vcsimAvailable();

describe('soap proxy', () => {
  it.each([
    ['<soapenv:Envelope><soapenv:Body><CloneVM_Task xmlns="urn:vim25">', 'CloneVM_Task'],
    ['<Envelope><Body>\n <RetrievePropertiesEx>', 'RetrievePropertiesEx'],
    ['<soap:Body ><vim:Login xmlns:vim="urn:vim25">', 'Login'],
    ['not soap', '?'],
  ])('names the method of %s', (body, method) => {
    expect(methodOf(body)).toBe(method);
  });

  let sim: Vcsim | undefined;
  let proxy: SoapProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    await sim?.close();
  });

  it.skipIf(!ready)('forwards requests and answers unchanged (cookies included) and records each method', async () => {
    sim = await startVcsim();
    proxy = await startSoapProxy(sim.baseUrl);
    const login = `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><Login xmlns="urn:vim25"><_this type="SessionManager">SessionManager</_this><userName>${sim.user}</userName><password>${sim.password}</password></Login></soapenv:Body></soapenv:Envelope>`;
    const res = await fetch(`${proxy.url}/sdk`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: login });
    expect(res.status).toBe(200);
    expect(res.headers.get('set-cookie')).toMatch(/^vmware_soap_session=/);
    expect(await res.text()).toContain('LoginResponse');
    expect(proxy.methods).toEqual(['Login']);
  });
});
