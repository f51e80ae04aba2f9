/**
 * The contexts modules get: check's can only read, at run time too (a project
 * module compiled without types could call anything); apply's writes.
 */
import { describe, expect, it } from 'vitest';
import { defineProbe, ModuleFailure, type HttpClient, type HttpRequest, type HttpResponse, type KubeClient } from '../../../src/engine/module.js';
import { controllerFiles } from '../../../src/engine/run/controller-files.js';
import { createApplyContext, createHostContext, type HostContextOptions } from '../../../src/engine/run/host-context.js';
import type { Connection } from '../../../src/engine/transport/transport.js';

const sent: string[] = [];
const answer = <T>(line: string): HttpResponse<T> => {
  sent.push(line);
  return { status: 200, headers: {}, data: {} as T };
};
const http: HttpClient = {
  get: async <T>(path: string) => answer<T>(`GET ${path}`),
  read: async <T>(req: { method: string; path: string }) => answer<T>(`${req.method} ${req.path}`),
  request: async <T>(req: { method: string; path: string }) => answer<T>(`${req.method} ${req.path}`),
};
const none = (): Promise<never> => Promise.reject(new Error('not in this test'));
const kube: KubeClient = { cluster: 'test', resource: none, get: none, list: none, dryRunApply: none, version: none, apply: none, delete: none, mergePatch: none, evict: none };
const conn: Connection = {
  host: 'api',
  kind: 'http',
  shell: false,
  http,
  kube,
  exec: async (command) => ({ exitCode: 0, stdout: `ran ${command}\n`, stderr: '' }),
  put: async () => undefined,
  get: async () => null,
  close: async () => undefined,
};
const options: HostContextOptions = {
  host: 'api',
  connection: async () => conn,
  vars: {},
  checkMode: true,
  diffMode: false,
  controller: controllerFiles({ playbookDir: process.cwd() }),
  render: (t) => t,
  holds: () => true,
  warn: () => undefined,
  debug: () => undefined,
};

describe('check can only read', () => {
  it.each(['PUT', 'PATCH', 'DELETE'])('the HTTP reader refuses %s at run time', async (method) => {
    const reader = await createHostContext(options).http();
    const req = { method, path: '/policy/api/v1/infra' } as unknown as HttpRequest & { method: 'GET' };
    await expect(reader.read(req)).rejects.toThrow(ModuleFailure);
    await expect(reader.read(req)).rejects.toThrow(`check may only read: ${method} /policy/api/v1/infra is a write (send it from apply)`);
    expect(sent).not.toContain(`${method} /policy/api/v1/infra`);
  });

  it('the HTTP reader sends GET and read POSTs; the reader has no request at all', async () => {
    const reader = await createHostContext(options).http();
    await reader.get('/a');
    await reader.read({ method: 'POST', path: '/sdk' });
    expect(sent.slice(-2)).toEqual(['GET /a', 'POST /sdk']);
    expect('request' in reader).toBe(false);
  });

  it('the Kubernetes reader reads and dry-runs; it has no apply, delete, patch or evict', async () => {
    const reader = await createHostContext(options).kube();
    expect(Object.keys(reader).sort()).toEqual(['cluster', 'dryRunApply', 'get', 'list', 'resource', 'version']);
    const apply = await createApplyContext(options).kube();
    expect(Object.keys(apply)).toEqual(expect.arrayContaining(['apply', 'delete', 'mergePatch', 'evict']));
  });

  it('check runs declared probes only: the command, then the parser', async () => {
    const probe = defineProbe({ name: 'test.echo', command: (x: string) => `echo ${x}`, parse: (r) => r.stdout.trim() });
    expect(await createHostContext(options).probe(probe, 'hi')).toBe('ran echo hi');
    expect('run' in createHostContext(options)).toBe(false);
    expect('writeFile' in createHostContext(options)).toBe(false);
  });
});
