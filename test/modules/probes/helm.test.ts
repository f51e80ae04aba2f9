import { describe, expect, it } from 'vitest';
import { helmRelease, helmValues, helmVersion, type ReleaseQuery } from '../../../src/modules/probes/helm.js';
import { expectProbe } from './probe-table.js';

const q: ReleaseQuery = { binary: 'helm', namespace: 'metallb-system', release: 'lb', v3: false };

describe('helm probes: commands', () => {
  it('name the namespace, kubeconfig and context; Helm 3 lists every status only with --all', () => {
    expect(helmVersion.command('/usr/local/bin/helm')).toBe('/usr/local/bin/helm version --short');
    expect(helmRelease.command(q)).toBe("helm -n metallb-system list -o json --filter '^lb$'");
    expect(helmRelease.command({ ...q, release: 'a.b', v3: true, kubeconfig: '/etc/kubernetes/admin.conf', context: 'kubernetes-admin@k' })).toBe(
      "helm --kubeconfig /etc/kubernetes/admin.conf --kube-context kubernetes-admin@k -n metallb-system list -o json --filter '^a\\.b$' --all",
    );
    expect(helmValues.command(q)).toBe('helm -n metallb-system get values lb -o json');
  });
});

describe('helm probes: output → value', () => {
  it.each([
    { name: 'Helm 4', args: 'helm', stdout: 'v4.2.4+g0123456\n', value: { major: 4, minor: 2, patch: 4, text: 'v4.2.4+g0123456' } },
    { name: 'Helm 3', args: 'helm', stdout: 'v3.21.4+gabcdef0\n', value: { major: 3, minor: 21, patch: 4, text: 'v3.21.4+gabcdef0' } },
    { name: 'not installed (the shell\'s 127)', args: 'helm', exitCode: 127, stderr: 'sh: 1: helm: not found', value: null },
    { name: 'no version in the output', args: 'helm', stdout: 'hello\n', error: /cannot read a version/ },
  ])('helmVersion: $name', (c) => expectProbe(helmVersion, c));

  const element = { name: 'lb', namespace: 'metallb-system', revision: '3', updated: '2026-12-02 18:00:00.1 +0000 UTC', status: 'deployed', chart: 'metallb-0.16.1', app_version: 'v0.16.1' };
  it.each([
    { name: 'the release', args: q, stdout: `${JSON.stringify([element])}\n`, value: { ...element, revision: 3 } },
    { name: 'none', args: q, stdout: '[]\n', value: null },
    { name: 'another name that matched', args: q, stdout: JSON.stringify([{ ...element, name: 'lb2' }]), value: null },
    { name: 'helm fails', args: q, exitCode: 1, stderr: 'Error: kubernetes cluster unreachable: connection refused\n', error: /^helm list in namespace metallb-system failed: Error: kubernetes cluster unreachable/ },
  ])('helmRelease: $name', (c) => expectProbe(helmRelease, c));

  it.each([
    { name: 'values', args: q, stdout: '{"speaker":{"logLevel":"debug"}}\n', value: { speaker: { logLevel: 'debug' } } },
    { name: 'no values: null', args: q, stdout: 'null\n', value: null },
    { name: 'not found', args: q, exitCode: 1, stderr: 'Error: release: not found\n', error: /^helm get values lb failed: Error: release: not found$/ },
  ])('helmValues: $name', (c) => expectProbe(helmValues, c));
});
