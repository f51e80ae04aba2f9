/**
 * A playbook with a Kubernetes API host, through the real CLI, against the
 * test API server: --check writes nothing and predicts the run's changes per
 * host; the run applies; the rerun has changed=0 and sends no write; neither
 * the client key, the token nor a Secret's value prints at -vvv, in --json or
 * in JUnit; a bad token and a server that is down make the host unreachable.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, playbookCli, writeProject } from '../cli/cli-harness.js';
import { kubeApiserverAvailable, startKubeApiserver, type KubeApiserver } from '../lab/kube-apiserver.js';

const ready = await kubeApiserverAvailable();
const SECRET = 'S3cret-value-never-printed-7f1e';

const PLAYBOOK = `
- hosts: cluster
  gather_facts: false
  tasks:
    - name: namespace and app
      k8s:
        definition:
          - apiVersion: v1
            kind: Namespace
            metadata: { name: demo }
          - apiVersion: apps/v1
            kind: Deployment
            metadata: { name: web, namespace: demo }
            spec:
              replicas: "{{ replicas }}"
              selector: { matchLabels: { app: web } }
              template:
                metadata: { labels: { app: web } }
                spec: { containers: [{ name: web, image: "nginx:1.27" }] }
    - name: credentials
      k8s:
        namespace: demo
        definition:
          apiVersion: v1
          kind: Secret
          metadata: { name: creds }
          stringData: { password: "{{ db_password }}" }
    - name: read it back
      k8s_info: { kind: Deployment, api_version: apps/v1, name: web, namespace: demo }
      register: info
    - name: replicas as applied
      assert: { that: "info.resources[0].spec.replicas == replicas | int" }
      # under --check nothing was applied, so there is nothing to read back yet
      when: not ansible_check_mode
`;

describe.skipIf(!ready)('a playbook on a Kubernetes API host (CLI)', () => {
  let api: KubeApiserver;
  let dir: string;
  const inventory = (kubeconfig: string, context = 'tsplay'): string =>
    `all:\n  hosts:\n    cluster:\n      tsplay_connection: kubernetes\n      tsplay_kubeconfig: ${kubeconfig}\n      tsplay_kube_context: ${context}\n`;

  beforeAll(async () => {
    api = await startKubeApiserver();
  });
  afterAll(async () => {
    await api?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('--check predicts and writes nothing, the run applies, the rerun writes nothing; no credential or secret prints at -vvv, in JSON or JUnit', { timeout: 180_000 }, async () => {
    dir = writeProject({ 'pb.yml': PLAYBOOK, 'inv.yml': inventory(api.kubeconfigPath), 'vars.yml': `replicas: 2\ndb_password: ${SECRET}\n` });
    const args = ['pb.yml', '-i', 'inv.yml', '-e', '@vars.yml'];
    const writes = async (): Promise<number> => (await api.writeCount()).writes;

    const check = await playbookCli([...args, '--check', '--diff', '-vvv', '--junit', 'check.xml'], { cwd: dir });
    expect(check.code, check.out).toBe(0);
    expect(await writes()).toBe(0);
    expect(check.recap.cluster).toMatchObject({ changed: 2, failed: 0 });
    expect(check.out).toContain('Deployment demo/web');

    const run = await playbookCli([...args, '-vvv', '--diff'], { cwd: dir });
    expect(run.code, run.out).toBe(0);
    expect(run.recap.cluster).toMatchObject({ changed: 2, failed: 0 });
    const applied = await writes();
    expect(applied).toBe(3);

    const again = await playbookCli([...args, '-vvv', '--diff'], { cwd: dir });
    expect(again.code, again.out).toBe(0);
    expect(again.recap.cluster).toMatchObject({ changed: 0, failed: 0 });
    expect(await writes()).toBe(applied);

    const json = await cli([...args, '--json', '-vvv'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);

    const key = /client-key-data: (\S+)/.exec(api.kubeconfig)?.[1] ?? '';
    expect(key.length).toBeGreaterThan(20);
    const keyPem = Buffer.from(key, 'base64').toString('utf8');
    const shown = [check.out, run.out, again.out, json.stdout, json.stderr, readFileSync(join(dir, 'check.xml'), 'utf8')].join('\n');
    for (const leak of [SECRET, Buffer.from(SECRET).toString('base64'), key, keyPem.split('\n')[1] ?? 'x', api.token]) expect(shown).not.toContain(leak);
  });

  it('a refused token and a server that is down make the host unreachable (exit 3), naming the cluster', { timeout: 120_000 }, async () => {
    const bad = writeProject({
      'pb.yml': PLAYBOOK,
      'bad.conf': api.kubeconfig.replaceAll(api.token, 'not-the-token'),
      'inv.yml': inventory('bad.conf', 'tsplay-token'),
    });
    const r = await playbookCli(['pb.yml', '-i', 'inv.yml', '-e', 'replicas=1', '-e', 'db_password=x'], { cwd: bad });
    expect(r.code, r.out).toBe(3);
    expect(r.out).toMatch(/Kubernetes API tsplay-token \(https:\/\/127\.0\.0\.1:\d+\) refused the credentials \(401 Unauthorized\)/);
    expect(r.out).not.toContain('not-the-token');
    rmSync(bad, { recursive: true, force: true });

    const down = await startKubeApiserver();
    const config = down.kubeconfigPath;
    const project = writeProject({ 'pb.yml': PLAYBOOK, 'inv.yml': inventory(config) });
    const kubeconfig = readFileSync(config, 'utf8');
    await down.close();
    // close() removes the kubeconfig with the server's data: put it back, for a server that is gone
    const again = writeProject({ 'pb.yml': PLAYBOOK, 'admin.conf': kubeconfig, 'inv.yml': inventory('admin.conf') });
    const gone = await playbookCli(['pb.yml', '-i', 'inv.yml', '-e', 'replicas=1', '-e', 'db_password=x', '-e', 'tsplay_kube_retries=0'], { cwd: again });
    expect(gone.code, gone.out).toBe(3);
    expect(gone.out).toMatch(/Kubernetes API tsplay \(https:\/\/127\.0\.0\.1:\d+\) cannot be reached: connection refused/);
    rmSync(project, { recursive: true, force: true });
    rmSync(again, { recursive: true, force: true });
  });
});
