/**
 * A playbook through the real CLI against a local API with NSX session auth:
 * an inventory with an http host (password from vault), one http host on a
 * closed port, and the `uri` module. Facts are not gathered on API hosts, a
 * shell module there fails clearly, check mode sends no write, the closed
 * one is unreachable while the other goes on, and at -vvv neither the
 * password nor the session tokens appear anywhere in the output.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, cli, writeProject } from '../../../cli/cli-harness.js';
import { closedPort, startApiServer, type ApiServer, type SeenRequest } from './api-server.js';
import { nsxSessions } from './nsx-session-api.js';

const VAULT_PASSWORD = 'vault-pw-http-31c7';
const API_PASSWORD = 'Nsx-Adm1n-Secret-77';

const PLAYBOOK = `
- hosts: nsx_managers
  tasks:
    - name: read the version
      uri:
        path: /api/v1/node/version
      register: version
    - name: show it
      debug:
        msg: "NSX {{ version.json.node_version }}"
    - name: create the k8s-api service
      uri:
        path: /policy/api/v1/infra/services/k8s-api
        method: PATCH
        body:
          display_name: k8s-api
          service_entries:
            - resource_type: L4PortSetServiceEntry
              id: tcp-6443
              l4_protocol: TCP
              destination_ports: ["6443"]
    - name: a shell module on an API host
      command: uname -a
      ignore_errors: true
`;

let api: ApiServer;
let dir: string;
let services: Map<string, unknown>;
let sessions: ReturnType<typeof nsxSessions>;
const writes = (): SeenRequest[] => api.requests.filter((r) => r.method !== 'GET' && !r.path.startsWith('/api/session/'));

beforeAll(async () => {
  services = new Map();
  let busy = 2; // the first PATCH meets two 429s
  sessions = nsxSessions('admin', API_PASSWORD, (req) => {
    if (req.path === '/api/v1/node/version') return { status: 200, body: { node_version: '4.2.1.0.0' } };
    if (req.path.startsWith('/policy/api/v1/infra/services/') && req.method === 'PATCH') {
      if (busy-- > 0) return { status: 429, body: { error_code: 429, error_message: 'Too many requests' } };
      services.set(req.path, JSON.parse(req.body));
      return { status: 200, body: {} };
    }
    return { status: 404, body: { error_code: 600, error_message: 'not found' } };
  });
  api = await startApiServer(sessions.handler);
  const port = await closedPort();
  dir = writeProject({ 'pw.txt': `${VAULT_PASSWORD}\n`, 'playbook.yml': PLAYBOOK });
  const vaulted = execFileSync(process.execPath, [CLI, 'vault', 'encrypt_string', API_PASSWORD, '--name', 'tsplay_http_password', '--vault-password-file', 'pw.txt'], {
    cwd: dir,
    encoding: 'utf8',
  });
  writeFileSync(
    join(dir, 'inventory.yml'),
    [
      'all:',
      '  children:',
      '    nsx_managers:',
      '      vars:',
      '        tsplay_connection: http',
      '        tsplay_http_auth: nsx_session',
      '        tsplay_http_user: admin',
      '        tsplay_http_retry_delay: 0.01',
      ...vaulted.trimEnd().split('\n').map((l) => `        ${l}`),
      '      hosts:',
      '        nsx1:',
      `          tsplay_http_url: ${api.url}`,
      '        nsx-dead:',
      `          tsplay_http_url: http://127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await api?.close();
});

const run = (...flags: string[]) => cli(['playbook.yml', '-i', 'inventory.yml', '--vault-password-file', 'pw.txt', ...flags], { cwd: dir });

function expectNoSecrets(text: string): void {
  expect(text).not.toContain(API_PASSWORD);
  expect(text).not.toContain(VAULT_PASSWORD);
  for (const r of api.requests) {
    const cookie = /JSESSIONID=([^;]+)/.exec(String(r.headers.cookie ?? ''))?.[1];
    if (cookie) expect(text).not.toContain(cookie);
    const xsrf = r.headers['x-xsrf-token'];
    if (typeof xsrf === 'string') expect(text).not.toContain(xsrf);
  }
}

describe('a playbook on an http host', () => {
  it('--check reads, predicts the PATCH and sends no write', async () => {
    const r = await run('--check', '--diff', '-vvv');
    expect(r.stderr + r.stdout).not.toMatch(/\n\s+at .+:\d+/);
    expect(writes()).toHaveLength(0);
    expect(r.stdout).toContain('NSX 4.2.1.0.0');
    // the PATCH; `command` fails (ignored) as in the real run: the engine knows the host has no shell
    expect(r.stdout).toMatch(/nsx1\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=1/);
    expect(r.stdout).toContain("command runs commands on its host, but 'nsx1' is an API endpoint (connection 'http')");
    expect(r.stdout).toMatch(/nsx-dead\s+: ok=0\s+changed=0\s+unreachable=1/);
    expect(r.stdout).toContain('tcp-6443'); // the diff shows the body
    expect(r.code).toBe(3);
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('a real run logs in, gets through a 429 storm, writes once; the shell task fails clearly; nothing secret printed at -vvv', async () => {
    const r = await run('-vvv');
    expect(r.code, r.stdout + r.stderr).toBe(3);
    expect(services.get('/policy/api/v1/infra/services/k8s-api')).toMatchObject({ display_name: 'k8s-api' });
    // the session is ended when the run ends
    expect(api.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/session/destroy' });
    const patches = writes();
    expect(patches).toHaveLength(3); // two 429s, then the write
    for (const p of patches) expect(p.headers['x-xsrf-token']).toBeTruthy();
    expect(r.stdout).toContain("command runs commands on its host, but 'nsx1' is an API endpoint (connection 'http')");
    expect(r.stdout).toMatch(/nsx-dead.*connection refused by http:\/\/127\.0\.0\.1:\d+/);
    expect(r.stdout).toContain('http: PATCH /policy/api/v1/infra/services/k8s-api → 200');
    // transport lines at -vvv: the login and the retries, without secrets
    expect(r.stdout).toMatch(/<nsx1> http: login \(nsx_session\) at http:\/\/127\.0\.0\.1:\d+\//);
    expect(r.stdout).toMatch(/<nsx1> http: PATCH http:\/\/127\.0\.0\.1:\d+\/policy\/api\/v1\/infra\/services\/k8s-api: 429, retry 2\/5 in \d+ ms/);
    expect(r.stdout).toMatch(/nsx1\s+: ok=\d+\s+changed=1\s+unreachable=0\s+failed=0\s+skipped=0\s+rescued=0\s+ignored=1/);
    expectNoSecrets(r.stdout + r.stderr);
  });

  it('the json output of a run carries no secret either', async () => {
    const r = await run('--json', '-vvv');
    expect(r.code).toBe(3);
    expectNoSecrets(r.stdout + r.stderr);
  });
});
