/**
 * helm_release: the values rule, chart references and helm's output as
 * tables; then on a systemd lab host that installs helm (the stand-in) from
 * the lab's apt repository and reaches the test API server on the docker
 * bridge: install, an unchanged rerun with no helm write, values and version
 * changes, a failed and a stuck (pending) release, uninstall, check mode and
 * diff for each, vault values never printed (also through the CLI at -vvv)
 * and never left on the host's disk.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import helmRelease from '../../src/modules/helm_release.js';
import { ModuleFailure } from '../../src/engine/errors.js';
import { Secret } from '../../src/engine/secret.js';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import { deployedVersion, localChart, remoteChart } from '../../src/modules/support/helm/chart-ref.js';
import { upgradeCommand } from '../../src/modules/support/helm/command.js';
import { conditionOf, parseHelmVersion, parseListed, pendingAdvice } from '../../src/modules/support/helm/release.js';
import { maskedPair, mergeValues, normalise, releaseValues, sameValues } from '../../src/modules/support/helm/values.js';
import { CLI, playbookCli, writeProject } from '../cli/cli-harness.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { InvalidParams, validateParams } from '../helpers/module-harness.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';
import { helmStandinAvailable, installHelmOnHost, type HelmOnHost } from '../lab/helm.js';
import { dockerBridgeGateway, kubeApiserverAvailable, startKubeApiserver, type KubeApiserver } from '../lab/kube-apiserver.js';

describe('helm_release values', () => {
  it.each([
    ['null from helm get values is no values', {}, releaseValues(null), true],
    ['an empty map is no key', { controller: {}, speaker: { logLevel: 'debug' } }, { speaker: { logLevel: 'debug' } }, true],
    ['nested empty maps too', { a: { b: { c: {} } } }, {}, true],
    ['keys in any order', { b: 1, a: { y: 2, x: 1 } }, { a: { x: 1, y: 2 }, b: 1 }, true],
    ['1 and 1.0', { mtu: 1450 }, JSON.parse('{"mtu": 1450.0}') as Record<string, unknown>, true],
    ['a null inside is not no key (it removes a chart default)', { a: null }, {}, false],
    ['a string is not a number', { port: '6443' }, { port: 6443 }, false],
    ['lists by position', { args: ['a', 'b'] }, { args: ['b', 'a'] }, false],
    ['a Secret by its clear text', { db: { password: new Secret('pw') } }, { db: { password: 'pw' } }, true],
  ])('%s', (_n, a, b, same) => expect(sameValues(a, b)).toBe(same));

  it('merges files then values: maps deep, lists replaced', () => {
    expect(mergeValues({ a: { x: 1, l: [1, 2] }, b: 1 }, { a: { y: 2, l: [3] } })).toEqual({ a: { x: 1, y: 2, l: [3] }, b: 1 });
  });

  it('normalises for comparing only: undefined and empty maps go', () => {
    expect(normalise({ a: undefined, b: {}, c: [{}], d: 0 })).toEqual({ c: [{}], d: 0 });
  });

  it('masks the secrets wanted and what the release had in their place', () => {
    const isSecret = (v: unknown): boolean => v === 'new-pw' || v instanceof Secret;
    expect(maskedPair({ db: { password: 'new-pw', user: 'app' } }, { db: { password: 'old-pw', user: 'app' }, extra: 1 }, isSecret)).toEqual({
      after: { db: { password: '********', user: 'app' } },
      before: { db: { password: '******** (another value)', user: 'app' }, extra: 1 },
    });
    expect(maskedPair({ t: new Secret('x') }, { t: 'x' }, isSecret)).toEqual({ after: { t: '********' }, before: { t: '********' } });
  });
});

describe('helm_release charts and helm output', () => {
  it.each([
    [['metallb', 'https://metallb.github.io/metallb', 'v0.16.1'], { kind: 'repo', name: 'metallb', version: '0.16.1', ref: 'metallb' }],
    [['metallb/metallb', undefined, undefined], { kind: 'repo', name: 'metallb', version: undefined, ref: 'metallb/metallb' }],
    [['oci://quay.io/cilium/charts/cilium:1.19.1', undefined, undefined], { kind: 'oci', name: 'cilium', version: '1.19.1', ref: 'oci://quay.io/cilium/charts/cilium' }],
    [['oci://quay.io/cilium/charts/cilium', undefined, '1.19.0'], { kind: 'oci', name: 'cilium', version: '1.19.0', ref: 'oci://quay.io/cilium/charts/cilium' }],
  ] as const)('%j', (args, want) => expect(remoteChart(args[0], args[1], args[2])).toEqual(want));

  it('refuses a bare name with no repository', () => expect(() => remoteChart('metallb', undefined, undefined)).toThrow(/names no chart helm can find/));
  it('reads a local chart', () => expect(localChart('/srv/c', { name: 'c', version: '0.2.0' })).toEqual({ kind: 'local', name: 'c', version: '0.2.0', ref: '/srv/c' }));

  it.each([
    ['metallb-0.16.1', 'metallb', '0.16.1'],
    ['ingress-nginx-4.15.1', 'ingress-nginx', '4.15.1'],
    ['ingress-nginx-4.15.1', 'ingress', null],
    ['metallb-0.16.1', 'cilium', null],
  ])('the version of %s for chart %s', (listed, name, want) => expect(deployedVersion(listed, name)).toBe(want));

  it('reads helm version and list', () => {
    expect(parseHelmVersion('v3.21.4+g0123456\n')).toMatchObject({ major: 3, minor: 21, patch: 4 });
    expect(parseListed('[]', 'lb')).toBeNull();
    expect(parseListed('[{"name":"lb","namespace":"ns","revision":"3","updated":"x","status":"failed","chart":"metallb-0.16.1","app_version":"v0.16.1"}]', 'lb')).toMatchObject({ revision: 3, status: 'failed' });
    expect(['deployed', 'failed', 'pending-upgrade', 'superseded', 'uninstalled'].map(conditionOf)).toEqual(['deployed', 'failed', 'pending', 'failed', 'gone']);
  });

  it('says how to get out of pending-* (helm/helm#7476)', () => {
    const r = { name: 'lb', namespace: 'ns', revision: 4, updated: '', status: 'pending-upgrade', chart: 'metallb-0.16.1', app_version: '' };
    expect(pendingAdvice(r, 'helm')).toMatch(/is pending-upgrade at revision 4.*another operation \(install\/upgrade\/rollback\) is in progress.*`helm rollback lb 3 -n ns`/);
    expect(pendingAdvice({ ...r, status: 'pending-install', revision: 1 }, 'helm')).toContain('`helm uninstall lb -n ns`');
  });

  it('uses each Helm version\'s flags, values on stdin', () => {
    const chart = remoteChart('metallb', 'https://metallb.github.io/metallb', '0.16.1');
    const o = { release: 'lb', chart, version: '0.16.1', repoUrl: 'https://metallb.github.io/metallb', createNamespace: true, wait: true, atomic: true, timeout: '5m' };
    expect(upgradeCommand({ binary: 'helm', namespace: 'ns' }, { ...o, helmMajor: 4 })).toBe(
      "helm -n ns upgrade --install lb metallb --repo https://metallb.github.io/metallb --version 0.16.1 --create-namespace --reset-values -f - -o json --wait=watcher --rollback-on-failure --timeout 5m",
    );
    expect(upgradeCommand({ binary: 'helm', namespace: 'ns', kubeconfig: '/etc/kubernetes/admin.conf' }, { ...o, helmMajor: 3 })).toContain('--wait --atomic');
  });

  it.each([
    ['no chart_ref when present', { name: 'lb' }, /chart_ref/],
    ['a name helm refuses', { name: 'LB_1', chart_ref: 'x/y' }, /\(name\): expected a string that must match pattern/],
    ['both namespace spellings', { name: 'lb', chart_ref: 'x/y', namespace: 'a', release_namespace: 'b' }, /namespace/],
    ['a timeout that is no duration', { name: 'lb', chart_ref: 'x/y', timeout: '5 minutes' }, /\(timeout\)/],
  ])('rejects %s', (_n, params, msg) => {
    expect(() => validateParams(helmRelease, params)).toThrow(InvalidParams);
    expect(() => validateParams(helmRelease, params)).toThrow(msg);
  });
});

const ready = (await labAvailable(['systemd'])) && (await kubeApiserverAvailable()) && (await helmStandinAvailable());
const SECRET = 'Vault-S3cret-in-helm-values-91c4';
const METALLB = { name: 'lb', release_namespace: 'metallb-system', chart_ref: 'metallb', chart_repo_url: 'https://metallb.github.io/metallb', create_namespace: true };

describe.skipIf(!ready)('helm_release on a lab host', () => {
  let api: KubeApiserver;
  let host: LabHost;
  let helm: HelmOnHost;
  let conn: DockerConnection;
  const writes = async (): Promise<number> => (await helm.writes()).length;
  const run = (params: Record<string, unknown>, opts: { check?: boolean; secrets?: string[] } = {}) => runModuleOn(conn, helmRelease, params, { diff: true, ...opts });
  const speakerArgs = async (): Promise<string[]> => {
    const r = await api.kubectl(['get', 'daemonset', '-n', 'metallb-system', 'lb-speaker', '-o', 'jsonpath={.spec.template.spec.containers[0].args}']);
    return r.exitCode === 0 ? (JSON.parse(r.stdout) as string[]) : [];
  };

  beforeAll(async () => {
    api = await startKubeApiserver({ listenHost: dockerBridgeGateway() });
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'helm' })) as [LabHost];
    helm = await installHelmOnHost(host, api);
    conn = await DockerConnection.open(host.name, host.container);
  }, 300_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
    await api?.close();
  });

  it('the host got helm from its apt repository and reaches the API server', async () => {
    expect((await host.exec("dpkg-query -W -f='${Version}' helm")).stdout).toBe('4.2.4-1');
    expect((await host.exec('helm version --short')).stdout).toMatch(/^v4\.2\.4/);
    expect((await host.exec('helm list -A -o json')).stdout.trim()).toBe('[]');
  });

  it('installs: --check predicts it without a write, the run installs, the rerun changes nothing and writes nothing', async () => {
    const values = { speaker: { logLevel: 'debug' }, controller: {} };
    const check = await run({ ...METALLB, chart_version: '0.16.1', values }, { check: true });
    expect(check.changed).toBe(true);
    expect(check.plan.summary).toBe('install metallb-0.16.1 as release lb in metallb-system');
    expect(check.plan.diff?.[0]).toEqual({ label: 'helm release metallb-system/lb', before: { state: 'absent' }, after: { chart: 'metallb-0.16.1', values: { speaker: { logLevel: 'debug' } } } });
    expect(await writes()).toBe(0);

    const done = await run({ ...METALLB, chart_version: '0.16.1', values });
    expect(done.changed).toBe(true);
    expect(done.result).toMatchObject({ revision: 1, status: 'deployed' });
    expect(await writes()).toBe(1);
    expect(await speakerArgs()).toContain('--log-level=debug');

    for (const check of [true, false]) {
      const again = await run({ ...METALLB, chart_version: 'v0.16.1', values }, { check });
      expect(again.changed).toBe(false);
      expect(again.plan.summary).toBe('release lb: metallb-0.16.1 deployed (revision 1) with the values given');
    }
    expect(await writes()).toBe(1);
    // only the declared probes ran: version, list, get values
    const calls = (await helm.calls()).slice(-3).map((c) => c.argv.join(' '));
    expect(calls[0]).toBe('version --short');
    expect(calls[1]).toBe('-n metallb-system list -o json --filter ^lb$');
    expect(calls[2]).toBe('-n metallb-system get values lb -o json');
  });

  it('a values change: --check and --diff show it, the run upgrades to revision 2 and keeps the chart version', async () => {
    const params = { ...METALLB, values: { speaker: { logLevel: 'warn' } } };
    const check = await run(params, { check: true });
    expect(check.changed).toBe(true);
    expect(check.plan.summary).toBe('upgrade release lb in metallb-system: values changed');
    expect(check.plan.diff?.[0]).toEqual({
      label: 'helm release metallb-system/lb',
      before: { chart: 'metallb-0.16.1', status: 'deployed', revision: 1, values: { speaker: { logLevel: 'debug' } } },
      after: { chart: 'metallb-0.16.1', status: 'deployed', revision: 2, values: { speaker: { logLevel: 'warn' } } },
    });
    expect(await writes()).toBe(1);
    const done = await run(params);
    expect(done.result).toMatchObject({ revision: 2, status: 'deployed', chart: 'metallb-0.16.1' });
    expect((await host.exec('helm list -n metallb-system -o json')).stdout).toContain('"chart":"metallb-0.16.1"');
    expect(await speakerArgs()).toContain('--log-level=warn');
    expect((await run(params)).changed).toBe(false);
    expect(await writes()).toBe(2);
  });

  it('a version change: predicted and shown, then upgraded', async () => {
    const params = { ...METALLB, chart_version: '0.16.2', values: { speaker: { logLevel: 'warn' } } };
    const check = await run(params, { check: true });
    expect(check.plan.summary).toBe('upgrade release lb in metallb-system: chart metallb-0.16.1 → metallb-0.16.2');
    expect(check.plan.diff?.[0]?.after).toMatchObject({ chart: 'metallb-0.16.2' });
    expect(await writes()).toBe(2);
    expect((await run(params)).result).toMatchObject({ revision: 3, chart: 'metallb-0.16.2' });
    expect((await run(params)).changed).toBe(false);
    expect(await writes()).toBe(3);
  });

  it('a failed upgrade names the release, the revision and helm\'s error; a failed release is changed until upgraded again', async () => {
    await helm.failReleases(['lb']);
    const params = { ...METALLB, values: { speaker: { logLevel: 'error' } } };
    const e = await run(params).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ModuleFailure);
    expect((e as Error).message).toBe(
      'helm upgrade of release lb in metallb-system to revision 4 failed: Error: UPGRADE FAILED: context deadline exceeded; the release is now failed at revision 4 (a rerun upgrades it again)',
    );
    const atomic = await run({ ...params, atomic: true }).catch((x: unknown) => x);
    expect((atomic as Error).message).toMatch(/to revision 5 failed: Error: UPGRADE FAILED: release lb failed, and has been rolled back due to rollback-on-failure being set: context deadline exceeded; the release is now deployed at revision 6$/);
    await expect(run(params)).rejects.toThrow(/to revision 7 failed/); // revision 7 fails with the values wanted
    await helm.failReleases([]);
    const check = await run(params, { check: true });
    expect(check.plan.summary).toBe('upgrade release lb in metallb-system: its revision 7 is failed');
    expect((await run(params)).result).toMatchObject({ revision: 8, status: 'deployed' });
    expect((await run(params)).changed).toBe(false);
  });

  it('a release stuck in pending-upgrade: changed, with what to do, and no helm write until it is rolled back', async () => {
    await helm.interruptReleases(['lb']);
    const params = { ...METALLB, values: { speaker: { logLevel: 'info' } } };
    await expect(run(params)).rejects.toThrow(/to revision 9 failed: .*the release is now pending-upgrade at revision 9/);
    await helm.interruptReleases([]);
    const before = await writes();
    const check = await run(params, { check: true });
    expect(check.changed).toBe(true);
    expect(check.warnings[0]).toMatch(/is pending-upgrade at revision 9.*`helm rollback lb 8 -n metallb-system`/);
    await expect(run(params)).rejects.toThrow(/is pending-upgrade at revision 9: an earlier helm operation was interrupted/);
    expect(await writes()).toBe(before);
    expect((await host.exec('helm rollback lb 8 -n metallb-system')).exitCode).toBe(0);
    expect((await run(params)).result).toMatchObject({ status: 'deployed', revision: 11 });
  });

  it('Helm 3 on the host: --atomic and --wait instead of --rollback-on-failure and --wait=watcher', async () => {
    await helm.setVersion('v3.21.4');
    const params = { name: 'ms', namespace: 'kube-system', chart_ref: 'metrics-server/metrics-server', wait: true, atomic: true, timeout: '2m', values: { args: ['--kubelet-insecure-tls'] } };
    expect((await run(params)).result).toMatchObject({ revision: 1, status: 'deployed' });
    const last = (await helm.writes()).at(-1)!;
    expect(last.argv).toEqual(expect.arrayContaining(['--wait', '--atomic', '--timeout', '2m', '--reset-values', '-f', '-']));
    expect(last.argv).not.toContain('--rollback-on-failure');
    expect((await run(params)).changed).toBe(false);
    await helm.setVersion('v4.2.4');
  });

  it('vault values are masked in plans, diffs and results, go to helm on stdin, and are on no disk of the host', async () => {
    const params = { name: 'cilium', namespace: 'kube-system', chart_ref: 'oci://quay.io/cilium/charts/cilium', chart_version: '1.19.1', values: { k8sServiceHost: '10.0.0.10', hubble: { relay: { token: SECRET } } } };
    for (const check of [true, false]) {
      const out = await run(params, { check, secrets: [SECRET] });
      expect(out.changed).toBe(true);
      // what is shown; plan.state is apply's, never printed
      const shown = JSON.stringify([out.plan.summary, out.plan.diff, out.result, out.commands, out.warnings]);
      expect(shown).not.toContain(SECRET);
      expect(shown).toContain('"token":"********"');
    }
    const rotated = await run({ ...params, values: { ...params.values, hubble: { relay: { token: `${SECRET}-2` } } } }, { check: true, secrets: [`${SECRET}-2`] });
    expect(rotated.plan.diff?.[0]).toMatchObject({ before: { values: { hubble: { relay: { token: '******** (another value)' } } } }, after: { values: { hubble: { relay: { token: '********' } } } } });
    expect(JSON.stringify([rotated.plan.diff, rotated.plan.result])).not.toContain(SECRET);
    expect(JSON.stringify(await helm.calls())).not.toContain(SECRET);
    const found = await host.exec(`grep -rlsF --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev '${SECRET}' / || true`);
    expect(found.stdout.trim()).toBe('');
  });

  it('a chart directory on the host: its Chart.yaml version is the release\'s', async () => {
    await host.exec("mkdir -p /srv/charts/app/templates && printf 'apiVersion: v2\\nname: app\\nversion: 0.1.0\\n' > /srv/charts/app/Chart.yaml && printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: app}\\ndata: {a: \"1\"}\\n' > /srv/charts/app/templates/cm.yaml");
    const params = { name: 'app', chart_ref: '/srv/charts/app' };
    expect((await run(params)).result).toMatchObject({ chart: 'app-0.1.0', revision: 1 });
    expect((await run(params)).changed).toBe(false);
    await host.exec("sed -i 's/0.1.0/0.2.0/' /srv/charts/app/Chart.yaml");
    expect((await run(params, { check: true })).plan.summary).toBe('upgrade release app in default: chart app-0.1.0 → app-0.2.0');
    await expect(run({ name: 'app', chart_ref: '/srv/charts/none' })).rejects.toThrow(/no chart directory there/);
  });

  it('helm not on the host: a failure naming it, or under --check after a predicted change, a predicted install with a warning', async () => {
    const params = { ...METALLB, name: 'later', helm_binary: 'helm-not-installed' };
    await expect(run(params, { check: true })).rejects.toThrow(`helm-not-installed is not installed on ${host.name} (or not on its PATH)`);
    const predicted = await runModuleOn(conn, helmRelease, params, { check: true, earlierChangesPredicted: true });
    expect(predicted.changed).toBe(true);
    expect(predicted.warnings[0]).toMatch(/not on .* yet; assuming an earlier task installs it/);
  });

  it('uninstalls: predicted, done, then nothing to do', async () => {
    const params = { name: 'lb', namespace: 'metallb-system', state: 'absent' };
    const check = await run(params, { check: true });
    expect(check.plan.summary).toBe('uninstall release lb (metallb-0.16.2, revision 11) from metallb-system');
    expect(check.plan.diff?.[0]?.after).toEqual({ state: 'absent' });
    const before = await writes();
    await run({ ...params, wait: true });
    expect(await writes()).toBe(before + 1);
    expect((await host.exec('helm list -n metallb-system -o json')).stdout.trim()).toBe('[]');
    expect((await api.kubectl(['get', 'deployment', '-n', 'metallb-system', 'lb-controller'])).exitCode).toBe(1);
    expect((await run(params)).changed).toBe(false);
    expect(await writes()).toBe(before + 1);
  });

  it('through the CLI with a vaulted value: --check, run, rerun; the secret is in no output at -vvv and on no disk', { timeout: 180_000 }, async () => {
    const dir = writeProject({
      'pw.txt': 'helm-vault-pw\n',
      'pb.yml': `
- hosts: lab
  gather_facts: false
  tasks:
    - name: ingress
      helm_release:
        name: ingress
        namespace: ingress-nginx
        create_namespace: true
        chart_ref: ingress-nginx
        chart_repo_url: https://kubernetes.github.io/ingress-nginx
        chart_version: 4.15.1
        values_files: [ingress-values.yml]
        values:
          controller:
            config:
              auth-token: "{{ ingress_token }}"
`,
      'files/ingress-values.yml': 'controller:\n  replicaCount: 2\n  service: {type: NodePort}\n',
      'inv.yml': `all:\n  children:\n    lab:\n      hosts:\n        ${host.name}:\n          tsplay_host: ${host.container}\n          tsplay_connection: docker\n`,
    });
    const secretVars = execFileSync(process.execPath, [CLI, 'vault', 'encrypt_string', SECRET, '--name', 'ingress_token', '--vault-password-file', 'pw.txt'], { cwd: dir, encoding: 'utf8' });
    writeFileSync(join(dir, 'vars.yml'), secretVars);
    const args = ['pb.yml', '-i', 'inv.yml', '-e', '@vars.yml', '--vault-password-file', 'pw.txt', '--diff', '-vvv'];
    const before = await writes();
    const check = await playbookCli([...args, '--check'], { cwd: dir });
    expect(check.code, check.out).toBe(0);
    expect(check.recap[host.name]).toMatchObject({ changed: 1, failed: 0 });
    expect(await writes()).toBe(before);
    const first = await playbookCli(args, { cwd: dir });
    expect(first.code, first.out).toBe(0);
    expect(first.recap[host.name]).toMatchObject({ changed: 1 });
    const again = await playbookCli(args, { cwd: dir });
    expect(again.recap[host.name]).toMatchObject({ changed: 0, failed: 0 });
    expect(await writes()).toBe(before + 1);
    for (const out of [check.out, first.out, again.out]) {
      expect(out).not.toContain(SECRET);
      expect(out).toContain('replicaCount');
    }
    const cm = await api.kubectl(['get', 'configmap', '-n', 'ingress-nginx', 'ingress-controller', '-o', 'jsonpath={.data.auth-token}']);
    expect(cm.stdout).toBe(SECRET);
    const found = await host.exec(`grep -rlsF --exclude-dir=proc --exclude-dir=sys --exclude-dir=dev '${SECRET}' / || true`);
    expect(found.stdout.trim()).toBe('');
  });
});
