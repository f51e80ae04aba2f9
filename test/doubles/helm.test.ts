/**
 * The stand-in helm (test/doubles/helm) on its own, run on this machine
 * against the test API server, checked against Helm's documented behaviour:
 * release Secrets, JSON shapes, statuses through install/upgrade/failure/
 * rollback/uninstall, messages and exit codes, Helm 3 vs 4 flags.
 */
import { gunzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeApiserverAvailable, startKubeApiserver, type KubeApiserver } from '../lab/kube-apiserver.js';
import { helmStandinAvailable, readCalls, runHelm, type HelmRun } from '../lab/helm.js';

const ready = (await kubeApiserverAvailable()) && (await helmStandinAvailable());

interface ReleaseJson {
  name: string;
  namespace: string;
  version: number;
  info: { status: string; description: string; first_deployed: string; last_deployed: string };
  chart: { metadata: { name: string; version: string; appVersion: string } };
  config?: Record<string, unknown>;
  manifest: string;
}

describe.skipIf(!ready)('stand-in helm', () => {
  let api: KubeApiserver;
  let dir: string;
  let env: Record<string, string>;
  const helm = (args: string[], opts: { version?: string; input?: string } = {}): Promise<HelmRun> =>
    runHelm(args, { env: { ...env, ...(opts.version ? { TSPLAY_HELM_VERSION: opts.version } : {}) }, ...(opts.input !== undefined ? { input: opts.input } : {}) });
  const json = async <T>(args: string[], version?: string): Promise<T> => {
    const r = await helm(args, version ? { version } : {});
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const kubectlJson = async <T>(args: string[]): Promise<T> => {
    const r = await api.kubectl([...args, '-o', 'json']);
    expect(r.exitCode, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as T;
  };
  const releaseSecret = async (ns: string, name: string): Promise<{ labels: Record<string, string>; type: string; release: ReleaseJson }> => {
    const s = await kubectlJson<{ metadata: { labels: Record<string, string> }; type: string; data: { release: string } }>(['get', 'secret', '-n', ns, name]);
    // the API's base64 of Helm's base64 of gzipped JSON
    const helmText = Buffer.from(s.data.release, 'base64').toString('utf8');
    const gz = Buffer.from(helmText, 'base64');
    expect([...gz.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    return { labels: s.metadata.labels, type: s.type, release: JSON.parse(gunzipSync(gz).toString('utf8')) as ReleaseJson };
  };

  beforeAll(async () => {
    api = await startKubeApiserver();
    dir = await mkdtemp(join(tmpdir(), 'tsplay-helm-'));
    env = { KUBECONFIG: api.kubeconfigPath, HOME: dir, TSPLAY_HELM_LOG: join(dir, 'calls.log'), TSPLAY_HELM_CONF: dir };
  });
  afterAll(async () => {
    await api?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('reports the configured version', async () => {
    expect((await helm(['version', '--short'])).stdout.trim()).toMatch(/^v4\.2\.4\+g/);
    expect((await helm(['version', '--short'], { version: 'v3.21.4' })).stdout.trim()).toMatch(/^v3\.21\.4\+g/);
  });

  it('installs: revision 1 deployed, in a Secret as Helm stores it, and the chart\'s objects exist', async () => {
    const r = await helm(['upgrade', '--install', 'lb', 'metallb', '--repo', 'https://metallb.github.io/metallb', '--version', '0.16.1', '-n', 'metallb-system', '--create-namespace', '-f', '-', '--wait=watcher', '--timeout', '5m'], {
      input: 'speaker:\n  logLevel: debug\n',
    });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('Release "lb" does not exist. Installing it now.');
    expect(r.stdout).toContain('STATUS: deployed');
    const s = await releaseSecret('metallb-system', 'sh.helm.release.v1.lb.v1');
    expect(s.type).toBe('helm.sh/release.v1');
    expect(s.labels).toMatchObject({ name: 'lb', owner: 'helm', status: 'deployed', version: '1' });
    expect(s.release).toMatchObject({ name: 'lb', namespace: 'metallb-system', version: 1, config: { speaker: { logLevel: 'debug' } } });
    expect(s.release.info).toMatchObject({ status: 'deployed', description: 'Install complete' });
    expect(s.release.chart.metadata).toMatchObject({ name: 'metallb', version: '0.16.1', appVersion: 'v0.16.1' });
    const ds = await kubectlJson<{ metadata: { labels: Record<string, string>; annotations: Record<string, string>; managedFields: { manager: string }[] }; spec: { template: { spec: { containers: { args: string[] }[] } } } }>(['get', 'daemonset', '-n', 'metallb-system', 'lb-speaker', '--show-managed-fields']);
    expect(ds.metadata.labels['app.kubernetes.io/managed-by']).toBe('Helm');
    expect(ds.metadata.annotations).toMatchObject({ 'meta.helm.sh/release-name': 'lb', 'meta.helm.sh/release-namespace': 'metallb-system' });
    expect(ds.metadata.managedFields.map((m) => m.manager)).toContain('helm');
    expect(ds.spec.template.spec.containers[0]?.args).toContain('--log-level=debug');
    expect((await api.kubectl(['get', 'crd', 'ipaddresspools.metallb.io', 'l2advertisements.metallb.io'])).exitCode).toBe(0);
    expect((await api.kubectl(['get', 'deployment', '-n', 'metallb-system', 'lb-controller'])).exitCode).toBe(0);
  });

  it('lists, gets values and status, shows history in Helm\'s JSON shapes', async () => {
    const list = await json<Record<string, string>[]>(['list', '-o', 'json', '--filter', '^lb$', '-n', 'metallb-system']);
    expect(list).toHaveLength(1);
    expect(Object.keys(list[0]!).sort()).toEqual(['app_version', 'chart', 'name', 'namespace', 'revision', 'status', 'updated']);
    expect(list[0]).toMatchObject({ name: 'lb', namespace: 'metallb-system', revision: '1', status: 'deployed', chart: 'metallb-0.16.1', app_version: 'v0.16.1' });
    expect(list[0]!.updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ [+-]\d{4} \w+/);
    expect(await json(['list', '-o', 'json', '--filter', '^nothing$', '-n', 'metallb-system'])).toEqual([]);
    expect(await json(['get', 'values', 'lb', '-o', 'json', '-n', 'metallb-system'])).toEqual({ speaker: { logLevel: 'debug' } });
    expect(await json(['get', 'values', 'lb', '-o', 'json', '--all', '-n', 'metallb-system'])).toMatchObject({ speaker: { enabled: true, logLevel: 'debug' }, controller: { logLevel: 'info' } });
    const status = await json<ReleaseJson>(['status', 'lb', '-o', 'json', '-n', 'metallb-system']);
    expect(status).toMatchObject({ name: 'lb', version: 1, info: { status: 'deployed' } });
    expect(status.manifest).toContain('kind: DaemonSet');
    const history = await json<Record<string, unknown>[]>(['history', 'lb', '-o', 'json', '-n', 'metallb-system']);
    expect(history).toEqual([{ revision: 1, updated: expect.any(String) as unknown, status: 'deployed', chart: 'metallb-0.16.1', app_version: 'v0.16.1', description: 'Install complete' }]);
  });

  it('a release that does not exist: Error: release: not found, exit 1', async () => {
    for (const args of [['get', 'values', 'nope', '-o', 'json'], ['status', 'nope', '-o', 'json'], ['history', 'nope', '-o', 'json']]) {
      const r = await helm(args);
      expect(r).toMatchObject({ exitCode: 1, stdout: '', stderr: 'Error: release: not found\n' });
    }
    expect(await helm(['uninstall', 'nope'])).toMatchObject({ exitCode: 1, stderr: 'Error: uninstall: Release not loaded: nope: release: not found\n' });
  });

  it('upgrades: revision 2 deployed, 1 superseded, the objects changed', async () => {
    await writeFile(join(dir, 'v.yaml'), 'speaker:\n  logLevel: warn\n');
    const r = await helm(['upgrade', '--install', 'lb', 'metallb', '--repo', 'https://metallb.github.io/metallb', '--version', '0.16.1', '-n', 'metallb-system', '-f', join(dir, 'v.yaml'), '--reset-values']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('Release "lb" has been upgraded. Happy Helming!');
    expect((await releaseSecret('metallb-system', 'sh.helm.release.v1.lb.v1')).labels.status).toBe('superseded');
    const v2 = await releaseSecret('metallb-system', 'sh.helm.release.v1.lb.v2');
    expect(v2.labels).toMatchObject({ status: 'deployed', version: '2' });
    expect(v2.release.info.description).toBe('Upgrade complete');
    const ds = await kubectlJson<{ spec: { template: { spec: { containers: { args: string[] }[] } } } }>(['get', 'daemonset', '-n', 'metallb-system', 'lb-speaker']);
    expect(ds.spec.template.spec.containers[0]?.args).toContain('--log-level=warn');
    // upgrading without values reuses the last ones, as Helm does
    expect((await helm(['upgrade', 'lb', 'metallb/metallb', '-n', 'metallb-system'])).exitCode).toBe(0);
    expect(await json(['get', 'values', 'lb', '-o', 'json', '-n', 'metallb-system'])).toEqual({ speaker: { logLevel: 'warn' } });
    // a values change that drops an object deletes it
    expect((await helm(['upgrade', 'lb', 'metallb/metallb', '-n', 'metallb-system', '--set', 'speaker.enabled=false', '--reset-values'])).exitCode).toBe(0);
    expect((await api.kubectl(['get', 'daemonset', '-n', 'metallb-system', 'lb-speaker'])).exitCode).toBe(1);
    expect(await json(['get', 'values', 'lb', '-o', 'json', '-n', 'metallb-system'])).toEqual({ speaker: { enabled: false } });
  });

  it('a failed upgrade: the revision is failed, Helm\'s message, exit 1; with --rollback-on-failure it is rolled back', async () => {
    await writeFile(join(dir, 'fail'), 'lb\n');
    const r = await helm(['upgrade', 'lb', 'metallb/metallb', '-n', 'metallb-system', '--set', 'speaker.enabled=true', '--reset-values', '--wait=watcher']);
    expect(r).toMatchObject({ exitCode: 1, stderr: 'Error: UPGRADE FAILED: context deadline exceeded\n' });
    const list = await json<{ revision: string; status: string }[]>(['list', '-o', 'json', '--filter', '^lb$', '-n', 'metallb-system']);
    expect(list[0]).toMatchObject({ revision: '5', status: 'failed' });
    expect((await json<ReleaseJson>(['status', 'lb', '-o', 'json', '-n', 'metallb-system'])).info.description).toBe('Upgrade "lb" failed: context deadline exceeded');

    const rolled = await helm(['upgrade', 'lb', 'metallb/metallb', '-n', 'metallb-system', '--set', 'speaker.enabled=true', '--reset-values', '--rollback-on-failure']);
    expect(rolled).toMatchObject({ exitCode: 1, stderr: 'Error: UPGRADE FAILED: release lb failed, and has been rolled back due to rollback-on-failure being set: context deadline exceeded\n' });
    const history = await json<{ revision: number; status: string; description: string }[]>(['history', 'lb', '-o', 'json', '-n', 'metallb-system']);
    expect(history.slice(-3)).toEqual([
      expect.objectContaining({ revision: 5, status: 'failed' }),
      expect.objectContaining({ revision: 6, status: 'failed' }),
      expect.objectContaining({ revision: 7, status: 'deployed', description: 'Rollback to 4' }),
    ]);
    // Helm 3's words for the same
    const v3 = await helm(['upgrade', 'lb', 'metallb/metallb', '-n', 'metallb-system', '--reset-values', '--atomic'], { version: 'v3.21.4' });
    expect(v3.stderr).toBe('Error: UPGRADE FAILED: release lb failed, and has been rolled back due to atomic being set: timed out waiting for the condition\n');
    await writeFile(join(dir, 'fail'), '');
  });

  it('an interrupted upgrade leaves pending-upgrade: the next one is refused until a rollback', async () => {
    await writeFile(join(dir, 'interrupt'), 'lb\n');
    expect((await helm(['upgrade', 'lb', 'metallb/metallb', '-n', 'metallb-system', '--reset-values'])).exitCode).toBe(137);
    await writeFile(join(dir, 'interrupt'), '');
    expect((await json<{ status: string }[]>(['list', '-o', 'json', '--filter', '^lb$', '-n', 'metallb-system']))[0]?.status).toBe('pending-upgrade');
    const r = await helm(['upgrade', 'lb', 'metallb/metallb', '-n', 'metallb-system', '--reset-values']);
    expect(r).toMatchObject({ exitCode: 1, stderr: 'Error: UPGRADE FAILED: another operation (install/upgrade/rollback) is in progress\n' });
    // Helm 3 lists only deployed and failed releases unless --all
    expect(await json(['list', '-o', 'json', '--filter', '^lb$', '-n', 'metallb-system'], 'v3.21.4')).toEqual([]);
    expect(await json<unknown[]>(['list', '-o', 'json', '--all', '--filter', '^lb$', '-n', 'metallb-system'], 'v3.21.4')).toHaveLength(1);
    expect((await helm(['rollback', 'lb', '-n', 'metallb-system'])).stdout).toContain('Rollback was a success! Happy Helming!');
    expect((await json<{ status: string }[]>(['list', '-o', 'json', '--filter', '^lb$', '-n', 'metallb-system']))[0]?.status).toBe('deployed');
  });

  it('takes each version\'s flags and refuses the other\'s as cobra does', async () => {
    const base = ['upgrade', '--install', 'ms', 'metrics-server', '--repo', 'https://kubernetes-sigs.github.io/metrics-server/', '-n', 'kube-system'];
    expect(await helm([...base, '--rollback-on-failure'], { version: 'v3.21.4' })).toMatchObject({ exitCode: 1, stderr: 'Error: unknown flag: --rollback-on-failure\n' });
    expect((await helm([...base, '--wait=watcher'], { version: 'v3.21.4' })).stderr).toContain('invalid argument "watcher" for "--wait" flag');
    expect(await helm(['list', '--all', '-o', 'json'])).toMatchObject({ exitCode: 1, stderr: 'Error: unknown flag: --all\n' });
    const atomic = await helm([...base, '--atomic', '--wait=watcher']);
    expect(atomic.exitCode).toBe(0);
    expect(atomic.stderr).toContain('Flag --atomic has been deprecated, use --rollback-on-failure instead');
    expect((await helm([...base, '--wait', '--atomic', '--set', 'replicas=2'], { version: 'v3.21.4' })).exitCode).toBe(0);
    const dep = await kubectlJson<{ spec: { replicas: number } }>(['get', 'deployment', '-n', 'kube-system', 'ms']);
    expect(dep.spec.replicas).toBe(2);
  });

  it('a namespace that does not exist without --create-namespace: Helm\'s error', async () => {
    const r = await helm(['upgrade', '--install', 'v', 'velero', '--repo', 'https://vmware-tanzu.github.io/helm-charts', '-n', 'velero']);
    expect(r).toMatchObject({ exitCode: 1, stderr: 'Error: INSTALLATION FAILED: create: failed to create: namespaces "velero" not found\n' });
  });

  it('cilium\'s values reach its ConfigMap; a local chart renders its plain templates', async () => {
    const values = JSON.stringify({ kubeProxyReplacement: true, k8sServiceHost: '10.0.0.10', k8sServicePort: 6443, MTU: 1450, ipam: { mode: 'kubernetes' } });
    expect((await helm(['upgrade', '--install', 'cilium', 'oci://quay.io/cilium/charts/cilium', '--version', '1.19.1', '-n', 'kube-system', '-f', '-'], { input: values })).exitCode).toBe(0);
    const cm = await kubectlJson<{ data: Record<string, string> }>(['get', 'configmap', '-n', 'kube-system', 'cilium-config']);
    expect(cm.data).toMatchObject({ 'kube-proxy-replacement': 'true', 'k8s-service-host': '10.0.0.10', 'k8s-service-port': '6443', mtu: '1450', ipam: 'kubernetes' });
    expect(await json(['get', 'values', 'cilium', '-o', 'json', '-n', 'kube-system'])).toEqual(JSON.parse(values));

    const chart = join(dir, 'mychart');
    await rm(chart, { recursive: true, force: true });
    await import('node:fs/promises').then((fs) => fs.mkdir(join(chart, 'templates'), { recursive: true }));
    await writeFile(join(chart, 'Chart.yaml'), 'apiVersion: v2\nname: mychart\nversion: 0.2.0\nappVersion: "1.0"\n');
    await writeFile(join(chart, 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\ndata:\n  a: "1"\n');
    await writeFile(join(chart, 'templates', 'templated.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n');
    expect((await helm(['upgrade', '--install', 'mine', chart, '-n', 'default'])).exitCode).toBe(0);
    expect((await api.kubectl(['get', 'configmap', '-n', 'default', 'plain'])).exitCode).toBe(0);
    expect((await json<{ chart: string }[]>(['list', '-o', 'json', '--filter', '^mine$']))[0]?.chart).toBe('mychart-0.2.0');
  });

  it('uninstalls: the objects and every release Secret go', async () => {
    const r = await helm(['uninstall', 'lb', '-n', 'metallb-system', '--wait']);
    expect(r).toMatchObject({ exitCode: 0, stdout: 'release "lb" uninstalled\n' });
    const secrets = await kubectlJson<{ items: unknown[] }>(['get', 'secrets', '-n', 'metallb-system', '-l', 'owner=helm,name=lb']);
    expect(secrets.items).toEqual([]);
    expect((await api.kubectl(['get', 'deployment', '-n', 'metallb-system', 'lb-controller'])).exitCode).toBe(1);
  });

  it('logs every call with its argv and whether it wrote, never what came on stdin', async () => {
    const calls = await readCalls(join(dir, 'calls.log'));
    expect(calls.length).toBeGreaterThan(20);
    expect(calls[0]).toMatchObject({ argv: ['version', '--short'], write: false });
    expect(calls.find((c) => c.argv[0] === 'uninstall')?.write).toBe(true);
    expect(calls.find((c) => c.argv[0] === 'list')?.write).toBe(false);
    expect(JSON.stringify(calls)).not.toContain('10.0.0.10');
  });
});
