/**
 * kube_vip on a systemd lab host: the manifest kube-vip's own generator
 * writes, the kubeconfig it mounts on the init node before and after
 * `kubeadm init` (super-admin.conf, then admin.conf) and on a joining control
 * plane, idempotent, and --check changing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerConnection } from '../../src/engine/transport/docker.js';
import kubeVip, { manifest } from '../../src/modules/kube_vip.js';
import { runModuleOn } from '../helpers/engine-semantics.js';
import { validateParams } from '../helpers/module-harness.js';
import { labAvailable, startHosts, type LabHost } from '../lab/index.js';

const PARAMS = { address: '10.1.1.5', interface: 'ens192', role: 'init' };
const MANIFEST = '/etc/kubernetes/manifests/kube-vip.yaml';

describe('kube_vip manifest', () => {
  it('carries the ARP control-plane settings kube-vip reads, with address and vip_subnet (not vip_address, vip_cidr)', () => {
    const text = manifest(validateParams(kubeVip, PARAMS), '/etc/kubernetes/super-admin.conf');
    for (const [name, value] of [['vip_arp', 'true'], ['port', '6443'], ['vip_interface', 'ens192'], ['vip_subnet', '32'], ['cp_enable', 'true'], ['cp_namespace', 'kube-system'], ['svc_enable', 'false'], ['vip_leaderelection', 'true'], ['vip_leasename', 'plndr-cp-lock'], ['vip_leaseduration', '15'], ['vip_renewdeadline', '10'], ['vip_retryperiod', '2'], ['address', '10.1.1.5']]) {
      expect(text).toContain(`    - name: ${name}\n      value: "${value}"\n`);
    }
    expect(text).not.toMatch(/vip_cidr|vip_address/);
    expect(text).toContain('image: "ghcr.io/kube-vip/kube-vip:v1.2.3"');
    expect(text).toContain('        add: [NET_ADMIN, NET_RAW]\n        drop: [ALL]');
    expect(text).toContain('      mountPath: /etc/kubernetes/admin.conf\n');
    expect(text).toContain('    hostPath:\n      path: /etc/kubernetes/super-admin.conf\n');
    expect(text).toContain('  hostNetwork: true');
  });
});

const ready = await labAvailable(['systemd']);

describe.skipIf(!ready)('kube_vip on a lab host', () => {
  let host: LabHost;
  let conn: DockerConnection;
  beforeAll(async () => {
    [host] = (await startHosts(1, { kind: 'systemd', namePrefix: 'kubevip' })) as [LabHost];
    conn = await DockerConnection.open(host.name, host.container);
  }, 120_000);
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
  });
  const mounted = async (): Promise<string | undefined> => /hostPath:\n\s+path: (\S+)/.exec((await host.exec(`cat ${MANIFEST}`)).stdout)?.[1];

  it('on the init node: super-admin.conf until kubeadm init has finished, then admin.conf; each once', async () => {
    const check = await runModuleOn(conn, kubeVip, PARAMS, { check: true });
    expect(check.changed).toBe(true);
    expect((await host.exec(`test -e ${MANIFEST}`)).exitCode).toBe(1);
    const first = await runModuleOn(conn, kubeVip, PARAMS);
    expect(first.changed).toBe(true);
    expect(first.result).toMatchObject({ kubeconfig: '/etc/kubernetes/super-admin.conf' });
    expect(await mounted()).toBe('/etc/kubernetes/super-admin.conf');
    expect((await host.exec(`stat -c %a ${MANIFEST}`)).stdout.trim()).toBe('600');
    expect((await runModuleOn(conn, kubeVip, PARAMS)).changed).toBe(false);

    // what kubeadm init leaves behind
    await host.exec('touch /etc/kubernetes/admin.conf /etc/kubernetes/super-admin.conf /etc/kubernetes/manifests/kube-apiserver.yaml');
    const after = await runModuleOn(conn, kubeVip, PARAMS, { diff: true });
    expect(after.changed).toBe(true);
    const [d] = after.plan.diff ?? [];
    expect(d?.before).toContain('path: /etc/kubernetes/super-admin.conf');
    expect(d?.after).toContain('path: /etc/kubernetes/admin.conf');
    expect(await mounted()).toBe('/etc/kubernetes/admin.conf');
    expect((await runModuleOn(conn, kubeVip, PARAMS)).changed).toBe(false);
  });

  it('a joining control plane mounts admin.conf from the start; a new version changes the image', async () => {
    await host.exec('rm -rf /etc/kubernetes');
    expect((await runModuleOn(conn, kubeVip, { ...PARAMS, role: 'join' })).result).toMatchObject({ kubeconfig: '/etc/kubernetes/admin.conf' });
    const upgraded = await runModuleOn(conn, kubeVip, { ...PARAMS, role: 'join', version: 'v1.2.4' });
    expect(upgraded.changed).toBe(true);
    expect((await host.exec(`cat ${MANIFEST}`)).stdout).toContain('kube-vip:v1.2.4');
  });
});
