/** Probes of containerd itself. */
import { defineProbe, ModuleFailure } from '../../engine/module.js';
import { parseContainerdVersion } from '../support/containerd-config.js';

/** The version `containerd --version` reports; null when the binary does not run. */
export const containerdVersion = defineProbe({
  name: 'containerd.version',
  command: () => 'containerd --version',
  parse: (r) => {
    if (r.exitCode !== 0) return null;
    const v = parseContainerdVersion(r.stdout);
    if (v === null) throw new ModuleFailure(`cannot read a version from \`containerd --version\`: ${r.stdout.trim() || r.stderr.trim()}`);
    return v;
  },
});
