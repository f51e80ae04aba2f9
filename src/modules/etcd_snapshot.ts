/**
 * etcd_snapshot: a snapshot of a kubeadm cluster's stacked etcd, taken on a
 * control plane, verified, kept as the last `retain`, and optionally copied
 * to the controller (shared/k8s-lifecycle-reference.md §5).
 *
 *  - `etcdctl snapshot save` over TLS with kubeadm's client certificates
 *    (by default the least-privileged one kubeadm makes, healthcheck-client),
 *    into a temporary name in the snapshot directory;
 *  - verified with `etcdutl snapshot status` (etcd 3.6 removed etcdctl's; with
 *    an etcd older than 3.5 that has no etcdutl, etcdctl's): a file etcd cannot
 *    read, or one with no keys, fails the task and is removed;
 *  - renamed to `<prefix>-<UTC time>.db` only then, so a name in the directory is
 *    always a whole, verified snapshot;
 *  - older snapshots beyond `retain` removed, newest kept;
 *  - with `fetch_to`, copied to that directory on the controller (atomic,
 *    sha256-checked).
 *
 * A snapshot is taken on every run, so the task always changes something;
 * --check says what it would take and remove, and takes nothing.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { defineModule, defineProbe, ModuleFailure, sh, Type, type ApplyContext, type Plan } from '../engine/module.js';
import { runOrFail } from './support/host-commands.js';

const params = Type.Object(
  {
    dir: Type.String({ default: '/var/backups/etcd', pattern: '^/', description: 'The snapshot directory on the control plane (made 0700 when missing).' }),
    prefix: Type.String({ default: 'etcd-snapshot', pattern: '^[A-Za-z0-9._-]+$', description: 'Snapshot file names: PREFIX-YYYYMMDDTHHMMSSZ.db.' }),
    retain: Type.Integer({ minimum: 1, default: 7, description: 'How many snapshots to keep (the newest), this one included.' }),
    endpoint: Type.String({ default: 'https://127.0.0.1:2379', minLength: 1, description: 'The etcd member\'s client URL.' }),
    cacert: Type.String({ default: '/etc/kubernetes/pki/etcd/ca.crt', pattern: '^/', description: 'etcd\'s CA (kubeadm\'s path).' }),
    cert: Type.String({ default: '/etc/kubernetes/pki/etcd/healthcheck-client.crt', pattern: '^/', description: 'Client certificate (kubeadm\'s least-privileged etcd client; server.crt works too).' }),
    key: Type.String({ default: '/etc/kubernetes/pki/etcd/healthcheck-client.key', pattern: '^/', description: 'Its key.' }),
    fetch_to: Type.Optional(Type.String({ minLength: 1, description: 'A directory on the controller to copy the snapshot into (as <host>-<name>).' })),
  },
  { additionalProperties: false },
);

interface Tools {
  readonly etcdctl: string;
  /** null: an etcd older than 3.5, where etcdctl reads snapshot status itself */
  readonly etcdutl: string | null;
}

interface State {
  readonly tools: Tools;
  readonly remove: readonly string[];
}

/** Where etcdctl and etcdutl are (`command -v`). */
const etcdTools = defineProbe({
  name: 'etcd.tools',
  command: () => 'for t in etcdctl etcdutl; do printf "%s=%s\\n" "$t" "$(command -v $t)"; done',
  parse: (r): { etcdctl: string | null; etcdutl: string | null } => {
    const found = (t: string): string | null => new RegExp(`^${t}=(\\S+)$`, 'm').exec(r.stdout)?.[1] ?? null;
    return { etcdctl: found('etcdctl'), etcdutl: found('etcdutl') };
  },
});

/** The snapshots in the directory, oldest first (their names sort by time). */
const snapshotsIn = defineProbe({
  name: 'etcd.snapshots',
  command: (a: { dir: string; prefix: string }) => sh`find ${a.dir} -maxdepth 1 -type f -name ${`${a.prefix}-*Z.db`}` + ' 2>/dev/null | sort',
  parse: (r) => r.stdout.split('\n').filter(Boolean),
});

export interface SnapshotStatus {
  readonly hash: number;
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
  readonly version?: string;
}

/** `snapshot status -w json`, from etcdutl or (etcd < 3.5) etcdctl. */
export function parseStatus(stdout: string): SnapshotStatus | null {
  try {
    const s = JSON.parse(stdout.trim().split('\n').pop() ?? '') as Partial<SnapshotStatus>;
    return typeof s.totalKey === 'number' && typeof s.revision === 'number' ? (s as SnapshotStatus) : null;
  } catch {
    return null;
  }
}

/** `20261202T183015Z` */
export function snapshotTime(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

export default defineModule({
  name: 'etcd_snapshot',
  description: 'Takes an etcd snapshot on a control plane with kubeadm\'s certificates, verifies it (etcdutl snapshot status), keeps the last N, optionally fetches it.',
  params,
  async check(ctx, p): Promise<Plan<State>> {
    const found = await ctx.probe(etcdTools);
    if (!found.etcdctl) throw new ModuleFailure('etcdctl is not installed on this host (Debian: etcd-client); it takes the snapshot', { host: ctx.host });
    for (const f of [p.cacert, p.cert, p.key]) if ((await ctx.stat(f)) === null) throw new ModuleFailure(`${f} does not exist: is this a kubeadm control plane with stacked etcd?`, { file: f });
    const existing = await ctx.probe(snapshotsIn, { dir: p.dir, prefix: p.prefix });
    const remove = existing.slice(0, Math.max(0, existing.length + 1 - p.retain));
    const name = `${p.prefix}-<UTC time>.db`;
    return {
      changed: true,
      summary: `snapshot etcd at ${p.endpoint} into ${p.dir}/${name}${remove.length ? `, remove ${remove.length} older` : ''}${p.fetch_to ? `, fetch to ${p.fetch_to}` : ''}`,
      diff: [{ label: p.dir, before: { snapshots: existing.length }, after: { snapshots: existing.length + 1 - remove.length, removed: remove } }],
      result: { dir: p.dir, removed: remove },
      state: { tools: { etcdctl: found.etcdctl, etcdutl: found.etcdutl }, remove },
    };
  },
  async apply(ctx, plan, p) {
    const { tools, remove } = plan.state;
    const name = `${p.prefix}-${snapshotTime(new Date())}.db`;
    const path = `${p.dir}/${name}`;
    const part = `${p.dir}/.${name}.tsplay-${randomBytes(4).toString('hex')}`;
    await runOrFail(ctx, sh`install -d -m 0700 ${p.dir}`, `creating ${p.dir}`);
    const tls = sh`--endpoints=${p.endpoint} --cacert=${p.cacert} --cert=${p.cert} --key=${p.key}`;
    try {
      await runOrFail(ctx, `ETCDCTL_API=3 ${sh`${tools.etcdctl}`} ${tls} snapshot save ${sh`${part}`}`, 'etcdctl snapshot save');
      const status = await verify(ctx, tools, part);
      await runOrFail(ctx, sh`mv -f ${part} ${path}`, `renaming the snapshot to ${path}`);
      if (remove.length) await runOrFail(ctx, sh`rm -f -- ${remove}`, 'removing older snapshots');
      const fetched = p.fetch_to ? await fetchToController(ctx, path, p.fetch_to, name) : undefined;
      return { result: { path, revision: status.revision, total_keys: status.totalKey, size: status.totalSize, hash: status.hash, removed: remove, ...(fetched ? { fetched } : {}) } };
    } finally {
      await ctx.run(sh`rm -f ${part} ${`${part}.part`}`);
    }
  },
});

async function verify(ctx: ApplyContext, tools: Tools, file: string): Promise<SnapshotStatus> {
  const command = tools.etcdutl ? sh`${tools.etcdutl} snapshot status ${file} -w json` : `ETCDCTL_API=3 ${sh`${tools.etcdctl} snapshot status ${file} -w json`}`;
  const r = await ctx.run(command);
  const status = r.exitCode === 0 ? parseStatus(r.stdout) : null;
  if (!status) throw new ModuleFailure(`the snapshot does not verify (${tools.etcdutl ? 'etcdutl' : 'etcdctl'} snapshot status): ${(r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' ') || `exit ${r.exitCode}`}; it was removed`, { rc: r.exitCode });
  if (status.totalKey === 0) throw new ModuleFailure('the snapshot holds no keys: an empty etcd, or the wrong member; it was removed', { status });
  return status;
}

async function fetchToController(ctx: ApplyContext, path: string, dir: string, name: string): Promise<string> {
  const content = await ctx.readFile(path);
  if (content === null) throw new ModuleFailure(`${path} disappeared before it could be fetched`);
  const info = await ctx.stat(path, { checksum: true });
  const got = createHash('sha256').update(content).digest('hex');
  if (info?.checksum && info.checksum !== got) throw new ModuleFailure(`the fetched copy of ${path} does not match its sha256 on the host`);
  const local = join(resolve(dir), `${ctx.host}-${name}`);
  await mkdir(resolve(dir), { recursive: true });
  const tmp = `${local}.tsplay-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, content, { mode: 0o600, flag: 'wx' });
    await rename(tmp, local);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  return local;
}
