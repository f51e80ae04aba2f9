/**
 * hosts_entries: /etc/hosts lines for the cluster's nodes and the API VIP
 * name. Each entry `{ip, names}` becomes the one line of its IP; its names are
 * taken off lines of other IPs (a stale address), and lines this does not
 * concern stay byte for byte. state=absent removes the names.
 *
 * Writing: atomically (temporary file, rename) as every file module does,
 * except when the file is a mount point (Docker bind-mounts /etc/hosts into
 * containers, and a rename over a mount point fails with "Device or resource
 * busy"). Then the new content is first written whole to a temporary file
 * next to it and copied over the file in place (`cat tmp > file`): the file
 * keeps its inode, mode and owner, but a crash during that copy can leave it
 * short. The result says which way was taken (`written_in_place`).
 */
import { randomBytes } from 'node:crypto';
import { defineModule, ModuleFailure, sh, Type, type Plan } from '../engine/module.js';
import { isMountPoint } from './probes/files.js';
import { contentDiff, sha256 } from './support/content-diff.js';
import { statDest } from './support/content-write.js';
import { parentDir, baseName, runOrFail } from './support/host-commands.js';
import { editHosts } from './support/hosts-file.js';

const IP = '^((\\d{1,3}\\.){3}\\d{1,3}|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)$';
const NAME = '^[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?$';

const entry = Type.Object(
  {
    ip: Type.Optional(Type.String({ pattern: IP, description: 'IPv4 or IPv6 address (required with state=present).' })),
    names: Type.Array(Type.String({ pattern: NAME }), { minItems: 1, description: 'Host names for the address, canonical name first.' }),
  },
  { additionalProperties: false },
);

const params = Type.Object(
  {
    entries: Type.Array(entry, { minItems: 1, description: 'The lines: `[{ip: 10.0.0.11, names: [cp-1, cp-1.lab]}, {ip: 10.0.0.10, names: [k8s-api]}]`.' }),
    state: Type.Union([Type.Literal('present'), Type.Literal('absent')], {
      default: 'present',
      description: 'present: each entry is the one line of its IP, and its names point nowhere else. absent: the names are removed from every line.',
    }),
    path: Type.String({ default: '/etc/hosts', pattern: '^/', description: 'The hosts file.' }),
  },
  {
    additionalProperties: false,
    if: { properties: { state: { const: 'present' } } },
    then: { properties: { entries: { items: { required: ['ip'] } } } },
  },
);

interface State {
  readonly path: string;
  readonly content: string;
}

export default defineModule({
  name: 'hosts_entries',
  description: 'Manages /etc/hosts lines for cluster nodes and names (one line per IP, stale lines for a name replaced).',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const present = p.state === 'present';
    const { path, info } = await statDest(ctx, p.path, true);
    if (info && info.type !== 'file') throw new ModuleFailure(`${path} is not a regular file`, { path });
    const before = info ? ((await ctx.readFile(path))?.toString('utf8') ?? '') : null;
    const entries = p.entries.map((e) => ({ ip: e.ip ?? '', names: e.names }));
    const after = editHosts(before ?? '', entries, present);
    const changed = before === null ? present : after !== before;
    const names = entries.flatMap((e) => e.names);
    if (!changed) return { changed: false, summary: `${path} already as wanted`, result: { path, names } };
    return {
      changed: true,
      summary: `${before === null ? 'create' : 'update'} ${path}: ${present ? 'set' : 'remove'} ${names.join(', ')}`,
      diff: [contentDiff(path, before === null ? null : Buffer.from(before), Buffer.from(after))],
      result: { path, names },
      state: { path, content: after },
      effects: [{ path, state: 'file' as const, content: after }],
    };
  },
  async apply(ctx, plan) {
    const s = plan.state;
    if (!(await ctx.probe(isMountPoint, s.path))) {
      await ctx.writeFile(s.path, s.content);
      return { result: { written_in_place: false } };
    }
    const staged = `${parentDir(s.path)}/.${baseName(s.path)}.tsplay-${randomBytes(4).toString('hex')}`;
    const size = Buffer.byteLength(s.content);
    await ctx.writeFile(staged, s.content, { mode: '0600' });
    // the copy starts only once the staged file is whole; rm runs whatever happens
    const copy = sh`if [ "$(wc -c < ${staged})" -eq ${size} ]; then cat ${staged} > ${s.path}; else echo "staged copy is incomplete" >&2; false; fi`;
    await runOrFail(ctx, `${copy}; rc=$?; rm -f ${sh`${staged}`}; exit $rc`, `writing ${s.path} in place`);
    const info = await ctx.stat(s.path, { checksum: true });
    if (info?.checksum !== sha256(s.content)) throw new ModuleFailure(`${s.path} does not hold the new content after writing it in place`, { path: s.path });
    ctx.warn(`${s.path} is a mount point (a bind-mounted file): written in place, not atomically`);
    return { result: { written_in_place: true } };
  },
});
