#!/usr/bin/env node
/**
 * The floor under an SSH playbook run: what the work of an idempotent
 * `copy` rerun costs with ssh2 alone, no engine.
 *
 *   node scripts/bench/ssh-floor.mjs CONFIG.json [--tsplay-sequence]
 *
 * CONFIG: { hosts: [{ name, port }], key, knownHosts, tasks: [{ path, sha256 }] }
 *
 * - one persistent ssh2 connection per host, over a socket made with
 *   `net.connect` and `setNoDelay(true)` (as tsplay's transport does), host key
 *   checked against the known_hosts file, key authentication as root;
 * - then, task after task (linear strategy), the same exec line tsplay's copy
 *   module sends for its check (`remoteCommand(statCommand(path, {checksum}))`
 *   from dist/: stat + readlink + sha256sum), on every host in parallel;
 *   each answer is checked (exit 0, regular file, the expected sha256);
 * - then the connections are closed.
 *
 * --tsplay-sequence (a diagnostic, not the floor): send, per task and host, the
 * two commands tsplay's copy sends today, one after the other: a stat that
 * follows links (copy's "is dest a directory?" check), then the stat with
 * checksum (content-write's). The gap between the two floors is the cost of
 * the extra command; the rest of tsplay's gap is the engine's. Each line is
 * built as tsplay's SSH connection builds it for a command that can be
 * interrupted: with a fresh `jobId` (since b8ba2ec: `timeout -k 2 ...` and a
 * second `/bin/sh` around the command, so that Ctrl-C can end it on the host).
 * A dist/ without jobId support ignores the option.
 *
 * Prints one JSON line: { importMs, connectMs, tasksMs, closeMs, totalMs, execs }.
 * totalMs (connect + tasks + close) is "the floor"; node's own start-up and
 * module loading are not in it (the benchmark measures `node -e 0` apart).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const t0 = performance.now();
const { default: ssh2 } = await import('ssh2');
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { statCommand } = await import(join(repo, 'dist/engine/run/host-files.js'));
const { remoteCommand } = await import(join(repo, 'dist/engine/transport/ssh/remote-command.js'));
const importMs = performance.now() - t0;

const cfg = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const tsplaySequence = process.argv.includes('--tsplay-sequence');
const privateKey = readFileSync(cfg.key);
const known = new Map(); // "[127.0.0.1]:port" -> base64 ed25519 key
for (const line of readFileSync(cfg.knownHosts, 'utf8').split('\n')) {
  const [hosts, type, key] = line.trim().split(/\s+/);
  if (type === 'ssh-ed25519') for (const h of hosts.split(',')) known.set(h, key);
}

function open(port) {
  return new Promise((ok, fail) => {
    const sock = connect({ host: '127.0.0.1', port });
    sock.setNoDelay(true);
    const client = new ssh2.Client();
    const expected = known.get(`[127.0.0.1]:${port}`);
    client.once('ready', () => ok(client));
    client.once('error', fail);
    client.connect({
      sock,
      username: 'root',
      privateKey,
      readyTimeout: 20_000,
      algorithms: { serverHostKey: ['ssh-ed25519'] },
      // the blob is the wire-format key, as in known_hosts' base64 field
      hostVerifier: (blob) => expected !== undefined && blob.toString('base64') === expected,
    });
  });
}

function exec(client, line) {
  return new Promise((ok, fail) => {
    client.exec(line, (err, ch) => {
      if (err) return fail(err);
      const out = [];
      let code = null;
      ch.on('data', (b) => out.push(b));
      ch.stderr.on('data', () => {});
      ch.on('exit', (c) => { code = c; });
      ch.on('close', (c) => ok({ code: code ?? c, stdout: Buffer.concat(out).toString('utf8') }));
      ch.end();
    });
  });
}

const tConnect = performance.now();
const clients = await Promise.all(cfg.hosts.map((h) => open(h.port)));
const tTasks = performance.now();
let execs = 0;
for (const task of cfg.tasks) {
  const job = () => (tsplaySequence ? { jobId: randomBytes(6).toString('hex') } : {});
  const results = await Promise.all(clients.map(async (c) => {
    if (tsplaySequence) {
      const r = await exec(c, remoteCommand(statCommand(task.path, { follow: true }), job()).line);
      if (r.code !== 0) throw new Error(`unexpected answer for ${task.path} (exit ${r.code})`);
      execs++;
    }
    return exec(c, remoteCommand(statCommand(task.path, { checksum: true }), job()).line);
  }));
  results.forEach((r, i) => {
    const [meta = '', , sum = ''] = r.stdout.split('\n');
    if (r.code !== 0 || !meta.startsWith('regular') || sum !== task.sha256) {
      throw new Error(`${cfg.hosts[i].name}: unexpected answer for ${task.path} (exit ${r.code}): ${JSON.stringify(r.stdout)}`);
    }
  });
  execs += results.length;
}
const tClose = performance.now();
await Promise.all(clients.map((c) => new Promise((ok) => { c.once('close', ok); c.end(); })));
const tEnd = performance.now();

process.stdout.write(JSON.stringify({
  importMs: importMs,
  connectMs: tTasks - tConnect,
  tasksMs: tClose - tTasks,
  closeMs: tEnd - tClose,
  totalMs: tEnd - tConnect,
  execs,
}) + '\n');
