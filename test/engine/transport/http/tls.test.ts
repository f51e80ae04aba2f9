/** TLS of the HTTP connection against a real HTTPS server with a self-signed certificate made by openssl. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnreachableError } from '../../../../src/engine/errors.js';
import { ConnectionVarError } from '../../../../src/engine/inventory/errors.js';
import { openHttpConnection, type HttpConnection } from '../../../../src/engine/transport/http/index.js';
import { selfSignedCert, startApiServer, type ApiServer, type Cert } from './api-server.js';

let cert: Cert;
let other: Cert;
let api: ApiServer;
const opened: HttpConnection[] = [];

beforeAll(async () => {
  cert = selfSignedCert();
  other = selfSignedCert('some-other-ca');
  api = await startApiServer(() => ({ status: 200, body: { node_version: '4.2.1' } }), cert);
});

afterAll(async () => {
  await Promise.allSettled(opened.map((c) => c.close()));
  await api.close();
  cert.remove();
  other.remove();
});

async function get(vars: Record<string, unknown>): Promise<unknown> {
  const c = await openHttpConnection({ host: 'nsx', connection: 'http', address: 'nsx', vars: { tsplay_http_url: api.url, tsplay_http_retries: 0, ...vars } });
  opened.push(c);
  return (await c.http.get('/api/v1/node/version')).data;
}

describe('TLS', () => {
  it('verifies certificates by default: a self-signed one makes the host unreachable with a clear error', async () => {
    const e = await get({}).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UnreachableError);
    expect(e).toMatchObject({ failure: 'tls' });
    expect((e as UnreachableError).message).toMatch(/^nsx: TLS handshake with https:\/\/127\.0\.0\.1:\d+\/api\/v1\/node\/version failed: self[- ]signed certificate/);
    expect((e as UnreachableError).hint).toMatch(/tsplay_http_ca_file/);
  });

  it('trusts the CA in tsplay_http_ca_file', async () => {
    expect(await get({ tsplay_http_ca_file: cert.certFile })).toEqual({ node_version: '4.2.1' });
  });

  it('a CA file that did not sign the certificate is still refused', async () => {
    const e = await get({ tsplay_http_ca_file: other.certFile }).catch((x: unknown) => x);
    expect(e).toMatchObject({ failure: 'tls' });
  });

  it('tsplay_http_validate_certs: false accepts any certificate', async () => {
    expect(await get({ tsplay_http_validate_certs: false })).toEqual({ node_version: '4.2.1' });
    expect(await get({ tsplay_http_validate_certs: 'no' })).toEqual({ node_version: '4.2.1' });
  });

  it('an unreadable CA file is a clear setting error', async () => {
    const e = await get({ tsplay_http_ca_file: '/nonexistent/ca.pem' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectionVarError);
    expect((e as Error).message).toBe("host 'nsx': tsplay_http_ca_file /nonexistent/ca.pem cannot be read: ENOENT");
  });
});
