/**
 * A counting HTTP proxy for SOAP traffic: forwards every request to a target
 * (vcsim) unchanged and records the vim25 method of each, so a test that runs
 * the CLI in another process can say which calls were sent, e.g. "no
 * CloneVM_Task on the second run". Loopback only.
 */
import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SoapProxy {
  /** base URL to give the client instead of the target's */
  readonly url: string;
  /** the vim25 methods sent so far, in order */
  readonly methods: string[];
  close(): Promise<void>;
}

/** The first element inside the SOAP Body: the method called. */
export function methodOf(body: string): string {
  return /<(?:\w+:)?Body[^>]*>\s*<(?:\w+:)?(\w+)/.exec(body)?.[1] ?? '?';
}

export async function startSoapProxy(target: string): Promise<SoapProxy> {
  const to = new URL(target);
  const methods: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST') methods.push(methodOf(body.toString('utf8')));
      const headers: IncomingHttpHeaders = { ...req.headers, host: to.host };
      const out = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      out.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
