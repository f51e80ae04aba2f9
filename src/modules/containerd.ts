/**
 * containerd: installs containerd with apt, writes /etc/containerd/config.toml
 * for the config version the installed containerd reads (2 for 1.x, 3 for
 * 2.x) with the runc runtime on the systemd cgroup driver and the sandbox
 * (pause) image kubeadm expects, plus the user's overrides, and restarts
 * containerd only when the file's settings changed; after any (re)start it
 * waits until containerd answers on its socket.
 *
 * The file is rendered minimal rather than from `containerd config default`
 * (see support/containerd-config.ts for why). It is compared byte for byte:
 * any other content (an edit by hand, the packaged file) is replaced and
 * reported. A rewrite that changes only comments or layout does not restart.
 *
 * In check mode on a host without containerd, the version (and so the file)
 * comes from apt's candidate for the package.
 */
import { dirname } from 'node:path';
import { defineModule, ModuleFailure, sh, Type, type HostContext, type Plan } from '../engine/module.js';
import { aptGet } from './support/apt-commands.js';
import { ContainerdConfigError } from './support/containerd-config.js';
import { ContainerdProbeError, readFacts, startService, waitForSocket } from './support/containerd-host.js';
import { ContainerdPlanError, planContainerd, type ContainerdPlan, type ContainerdWanted } from './support/containerd-plan.js';
import { runOrFail } from './support/host-commands.js';

const params = Type.Object(
  {
    package: Type.String({ minLength: 1, pattern: '^[a-z0-9][a-z0-9+.-]+$', default: 'containerd', description: 'The apt package: `containerd` (Debian, Ubuntu) or `containerd.io` (Docker\'s repository). Installed when missing, never upgraded (pin versions with apt_pin).' }),
    update_cache: Type.Boolean({ default: false, description: 'Run `apt-get update` before installing (only when the package is missing).' }),
    sandbox_image: Type.String({ minLength: 1, pattern: '^\\S+$', default: 'registry.k8s.io/pause:3.10.1', description: 'The pod sandbox (pause) image: `sandbox_image` in config version 2, `pinned_images.sandbox` in version 3.' }),
    systemd_cgroup: Type.Boolean({ default: true, description: 'runc\'s `SystemdCgroup` option; kubeadm configures the kubelet for the systemd cgroup driver.' }),
    config: Type.Record(Type.String(), Type.Unknown(), {
      default: {},
      description:
        'Overrides merged into the generated TOML: a nested map, tables merged key by key, other values replacing, `null` removing a generated key. Use the plugin names of the config version written (a version 2 name in a version 3 file, or the reverse, is refused).',
    }),
    config_path: Type.String({ minLength: 2, pattern: '^/', default: '/etc/containerd/config.toml', description: 'Where the configuration is written.' }),
    service: Type.String({ minLength: 1, default: 'containerd', description: 'The systemd unit to enable, (re)start and check.' }),
    socket: Type.String({ minLength: 2, pattern: '^/', default: '/run/containerd/containerd.sock', description: 'The socket that must answer after a (re)start (`ctr --address SOCKET version`).' }),
    wait_timeout: Type.Integer({ minimum: 1, maximum: 600, default: 30, description: 'Seconds to wait for the socket to answer after a (re)start.' }),
  },
  { additionalProperties: false },
);

type Params = typeof params.static;

export default defineModule({
  name: 'containerd',
  description: 'Installs containerd and writes its config.toml for the installed version (SystemdCgroup, sandbox image, overrides); restarts only on change.',
  params,
  async check(ctx, p): Promise<Plan<ContainerdPlan>> {
    const plan = await planOn(ctx, p);
    if (!plan.changed) return { changed: false, summary: plan.summary, result: resultOf(p, plan, false) };
    return {
      changed: true,
      summary: plan.summary,
      diff: plan.diff,
      result: resultOf(p, plan, false),
      state: plan,
      ...(plan.writeConfig ? { effects: [{ path: p.config_path, state: 'file' as const, ...(plan.content !== null ? { content: plan.content } : {}), mode: '0644' }] } : {}),
    };
  },
  async apply(ctx, checked, p) {
    let plan = checked.state;
    if (plan.install !== null) {
      if (p.update_cache) await runOrFail(ctx, aptGet(['update']), 'apt-get update', STEP_FAILURE);
      await runOrFail(ctx, aptGet(['install', p.package]), `apt-get install ${p.package}`, STEP_FAILURE);
      plan = await planOn(ctx, p, false); // the installed binary's version decides the file; the package started containerd
    }
    if (plan.writeConfig && plan.content !== null) {
      await runOrFail(ctx, sh`mkdir -p ${dirname(p.config_path)}`, `mkdir ${dirname(p.config_path)}`, STEP_FAILURE);
      await ctx.writeFile(p.config_path, plan.content, { mode: '0644', owner: 'root', group: 'root' });
    }
    if (plan.enable) await runOrFail(ctx, sh`systemctl enable ${p.service}`, `systemctl enable ${p.service}`, STEP_FAILURE);
    try {
      if (plan.service) await startService(ctx, plan.service, p.service);
      if (plan.service || checked.state?.install !== null) await waitForSocket(ctx, p.socket, p.service, p.wait_timeout);
    } catch (e) {
      if (e instanceof ContainerdProbeError) throw new ModuleFailure(e.message, { socket: p.socket, changed: true });
      throw e;
    }
    return { result: resultOf(p, plan, plan.service !== null) };
  },
});

async function planOn(ctx: HostContext, p: Params, cacheUpdatePending = p.update_cache): Promise<ContainerdPlan> {
  const wanted: ContainerdWanted = {
    packageName: p.package,
    configPath: p.config_path,
    sandboxImage: p.sandbox_image,
    systemdCgroup: p.systemd_cgroup,
    overrides: p.config,
    cacheUpdatePending,
  };
  try {
    return planContainerd(await readFacts(ctx, p.package, p.config_path, p.service), wanted);
  } catch (e) {
    if (e instanceof ContainerdConfigError || e instanceof ContainerdPlanError || e instanceof ContainerdProbeError) {
      throw new ModuleFailure(e.message, { package: p.package, config_path: p.config_path });
    }
    throw e;
  }
}

function resultOf(p: Params, plan: ContainerdPlan, restarted: boolean): Record<string, unknown> {
  return {
    package: p.package,
    version: plan.version,
    config_version: plan.configVersion,
    config_path: p.config_path,
    config_written: plan.writeConfig,
    service_action: plan.service,
    restarted,
  };
}

/** A step of apply that fails: the last lines of what it said, and `changed` (the steps before it are done). */
const STEP_FAILURE = { lastLines: 3, result: { changed: true } } as const;

export type ContainerdParams = Params;
