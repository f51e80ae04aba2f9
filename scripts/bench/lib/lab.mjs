/**
 * Benchmark hosts: sshd lab containers (tsplay-lab/sshd:<tag>, built by
 * scripts/lab/setup.sh) started with the docker CLI, port 22 published on
 * 127.0.0.1 only (a random port), a generated ed25519 key authorised for root
 * (bind-mounted read-only as /root/.ssh/authorized_keys, so no `docker exec`
 * per host), and a known_hosts file written with ssh-keyscan so that host keys
 * are verified by every tool. /tmp/bench, where the benchmark's files go, is
 * a tmpfs that exists from the start.
 *
 * Every container carries the labels tsplay.bench=true and
 * tsplay.bench.run=<id>; `removeRun(id)` removes them all by label, which also
 * catches a container whose `docker run` was still in flight when the run was
 * interrupted. Nothing here targets an address other than 127.0.0.1.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** `tsplay-lab/sshd:<tag>`, the tag from `setup.sh --tag` (or TSPLAY_LAB_TAG). */
export function labImage() {
  const tag = process.env.TSPLAY_LAB_TAG || spawnSync('bash', [join(repo, 'scripts/lab/setup.sh'), '--tag'], { encoding: 'utf8' }).stdout.trim();
  return `tsplay-lab/sshd:${tag}`;
}

/** Throws with a hint when docker does not answer or the image is missing. */
export function checkLab(image) {
  const info = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
  if (info.status !== 0) throw new Error('docker does not answer: run `bash scripts/lab/setup.sh` (as root) first');
  const img = spawnSync('docker', ['image', 'inspect', '--format', '{{.Id}}', image], { encoding: 'utf8' });
  if (img.status !== 0) throw new Error(`image ${image} is missing: run \`bash scripts/lab/setup.sh\` first`);
  return info.stdout.trim();
}

export const newRunId = () => randomBytes(3).toString('hex');

/** An ed25519 key pair in `dir` (no passphrase) and an authorized_keys file (0600) holding its public half. */
export async function createKey(dir) {
  const key = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'tsplay-bench', '-f', key]);
  const authorized = join(dir, 'authorized_keys');
  copyFileSync(`${key}.pub`, authorized);
  chmodSync(authorized, 0o600);
  return { key, authorized };
}

/** Runs `fn` over `items` with at most `width` at a time; results in input order. */
export async function pool(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return out;
}

/**
 * Starts hosts `from..to-1` (names h001...) with `width` `docker run`s in
 * flight at a time, then reads every published port with one `docker
 * inspect`. Returns `{ hosts: { name, container, port }[], errors: string[] }`:
 * hosts that failed to start are left out (and their errors listed), so a
 * machine that cannot hold them all still yields what it held.
 */
export async function startHosts({ image, runId, authorized, from, to, width = 10 }) {
  const names = Array.from({ length: to - from }, (_, i) => `h${String(from + i + 1).padStart(3, '0')}`);
  const errors = [];
  const ids = await pool(names, width, async (name) => {
    const r = await run('docker', [
      'run', '-d',
      '--name', `tsplay-bench-${runId}-${name}`,
      '--hostname', name,
      '--label', 'tsplay.bench=true',
      '--label', `tsplay.bench.run=${runId}`,
      '-p', '127.0.0.1::22',
      '-v', `${authorized}:/root/.ssh/authorized_keys:ro`,
      // the playbook's directory exists from the start (copy, like Ansible's, does not create parents)
      '--tmpfs', '/tmp/bench:mode=0755',
      image,
    ]).catch((e) => {
      errors.push(`${name}: ${String(e.stderr || e.message).trim().split('\n').pop()}`);
      return null;
    });
    return r && r.stdout.trim();
  });
  const started = names.map((name, i) => ({ name, container: ids[i] })).filter((h) => h.container);
  if (!started.length) return { hosts: [], errors };
  const fmt = '{{.Id}} {{(index (index .NetworkSettings.Ports "22/tcp") 0).HostIp}} {{(index (index .NetworkSettings.Ports "22/tcp") 0).HostPort}}';
  const { stdout } = await run('docker', ['inspect', '--format', fmt, ...started.map((h) => h.container)], { maxBuffer: 16 * 1024 * 1024 });
  const ports = new Map(stdout.trim().split('\n').map((l) => {
    const [id, ip, port] = l.split(' ');
    if (ip !== '127.0.0.1') throw new Error(`container ${id.slice(0, 12)}: port 22 published on ${ip}, not 127.0.0.1`);
    return [id, Number(port)];
  }));
  return { hosts: started.map((h) => ({ ...h, port: ports.get(h.container) })), errors };
}

/** Waits (bounded) until sshd on 127.0.0.1:port sends its banner. */
export async function waitForBanner(port, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise((done) => {
      const s = connect({ host: '127.0.0.1', port });
      const end = (v) => { s.destroy(); done(v); };
      s.once('data', (b) => end(b.toString('latin1').startsWith('SSH-')));
      s.once('error', () => end(false));
      // docker-proxy accepts and then closes while sshd is still starting: no data, no error
      s.once('close', () => end(false));
      s.setTimeout(1_000, () => end(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd on 127.0.0.1:${port} did not answer within ${timeoutMs} ms`);
}

/**
 * Waits for each host's banner, then scans its ed25519 host key (ssh-keyscan
 * writes `[127.0.0.1]:PORT ssh-ed25519 KEY`) and appends the lines to `file`.
 */
export async function scanHostKeys(hosts, file, width = 10) {
  const lines = await pool(hosts, width, async (h) => {
    await waitForBanner(h.port);
    for (let attempt = 1; ; attempt++) {
      const { stdout } = await run('ssh-keyscan', ['-T', '5', '-t', 'ed25519', '-p', String(h.port), '127.0.0.1']).catch((e) => ({ stdout: e.stdout ?? '' }));
      const line = stdout.split('\n').find((l) => l.startsWith(`[127.0.0.1]:${h.port} ssh-ed25519 `));
      if (line) return line;
      if (attempt >= 5) throw new Error(`ssh-keyscan found no ed25519 key on 127.0.0.1:${h.port}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  let existing = '';
  try { existing = readFileSync(file, 'utf8'); } catch { /* new file */ }
  writeFileSync(file, existing + lines.join('\n') + '\n');
}

/** Removes every container of a run (synchronous, so it also works from signal and exit handlers). */
export function removeRun(runId) {
  const ps = spawnSync('docker', ['ps', '-aq', '--filter', `label=tsplay.bench.run=${runId}`], { encoding: 'utf8' });
  const ids = ps.stdout.split('\n').filter(Boolean);
  for (let i = 0; i < ids.length; i += 50) spawnSync('docker', ['rm', '-f', ...ids.slice(i, i + 50)], { stdio: 'ignore' });
  return ids.length;
}
