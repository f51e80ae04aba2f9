#!/usr/bin/env node
/**
 * tsplay SSH benchmark: prints figures, never asserts on them.
 *
 *   npm run build && node scripts/bench/ssh.mjs     # (npm run bench runs this, then engine.mjs)
 *   options: --hosts N (10) --tasks T (20) --big-hosts M (100) --quick (skip the big run)
 *            --json --no-ansible --keep (leave containers and files in place)
 *            --compare DIR (another built checkout of tsplay, run interleaved with this one:
 *            before/after figures from one run)
 *
 * 1. starts N sshd lab containers (docker CLI, port 22 on 127.0.0.1, a fresh
 *    ed25519 key for root, host keys scanned into a known_hosts file);
 * 2. converges a play of T `copy` tasks on them once (not timed), then times
 *    idempotent reruns of: tsplay (forks=N, median of 3), the ssh2 floor
 *    (scripts/bench/ssh-floor.mjs, median of 3, plus `node -e 0` start-up)
 *    and ansible-playbook (forks=N, pipelining, one run);
 *    the ratio that counts is tsplay's wall time over the floor's whole process
 *    (Node's start, ssh2's import, connect, tasks, close): nothing subtracted
 *    from tsplay, nothing added to the floor; CPU is user + system of each
 *    process (/usr/bin/time -v);
 * 3. unless --quick, grows the lab to M hosts and times tsplay there, with the
 *    controller's peak RSS (/usr/bin/time -v).
 * Containers are removed at the end, on error and on Ctrl-C (unless --keep).
 * See docs/benchmarks.md, "SSH benchmark".
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib/machine.mjs';
import { checkLab, createKey, labImage, newRunId, removeRun, scanHostKeys, startHosts } from './lib/lab.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
const cli = join(repo, 'bin/tsplay.js');

// ---------------------------------------------------------------- options

const USAGE = 'usage: node scripts/bench/ssh.mjs [--hosts N] [--tasks T] [--big-hosts M] [--quick] [--json] [--no-ansible] [--keep] [--compare DIR]\n';
const opts = { hosts: 10, tasks: 20, bigHosts: 100, quick: false, json: false, ansible: true, keep: false, compare: null };
{
  const argv = process.argv.slice(2);
  const num = (i, name) => {
    const v = Number(argv[i + 1]);
    if (!Number.isInteger(v) || v < 1) { process.stderr.write(`${name} needs a positive integer\n${USAGE}`); process.exit(2); }
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { process.stdout.write(USAGE); process.exit(0); }
    else if (a === '--hosts') opts.hosts = num(i++, a);
    else if (a === '--tasks') opts.tasks = num(i++, a);
    else if (a === '--big-hosts') opts.bigHosts = num(i++, a);
    else if (a === '--quick') opts.quick = true;
    else if (a === '--json') opts.json = true;
    else if (a === '--no-ansible') opts.ansible = false;
    else if (a === '--keep') opts.keep = true;
    else if (a === '--compare') {
      opts.compare = resolve(argv[++i] ?? '');
      if (!existsSync(join(opts.compare, 'dist/bundle/main.js')) && !existsSync(join(opts.compare, 'dist/src/cli/main.js'))) {
        process.stderr.write(`--compare ${opts.compare}: not a built tsplay checkout (npm ci && npm run build there)\n${USAGE}`);
        process.exit(2);
      }
    }
    else { process.stderr.write(`unknown option: ${a}\n${USAGE}`); process.exit(2); }
  }
}
const REPS = 3;
const START_WIDTH = 10; // docker runs in flight at once

if (!existsSync(join(repo, 'dist/bundle/main.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}

// ---------------------------------------------------------------- helpers

const log = (msg) => { if (!opts.json) process.stderr.write(`${msg}\n`); };
const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const secs = (ms) => round(ms / 1000, 2);

/** The running child, so a Ctrl-C can end it before the containers go. */
let current = null;

/** Spawns once; resolves with wall ms, stdout and stderr; rejects on a non-zero exit. */
function timed(cmd, args, { cwd, env, quiet = false } = {}) {
  return new Promise((ok, fail) => {
    const devnull = quiet ? openSync('/dev/null', 'w') : undefined;
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', quiet ? devnull : 'pipe', 'pipe'] });
    current = child;
    const out = [];
    const err = [];
    child.stdout?.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', fail);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      current = null;
      if (devnull !== undefined) closeSync(devnull);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) return fail(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}\n${stderr.slice(-3000)}${stdout.slice(-3000)}`));
      ok({ ms, stdout, stderr });
    });
  });
}

/** Checks a recap (tsplay's and Ansible's read alike): every host present, ok=T, changed=0 (when asked), nothing failed. */
function checkRecap(tool, stdout, hosts, tasks, { idempotent }) {
  const recap = new Map();
  for (const m of stdout.matchAll(/^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm)) {
    recap.set(m[1], { ok: +m[2], changed: +m[3], unreachable: +m[4], failed: +m[5] });
  }
  for (const h of hosts) {
    const r = recap.get(h.name);
    const bad = !r ? 'missing from the recap'
      : r.unreachable || r.failed ? `unreachable=${r.unreachable} failed=${r.failed}`
      : r.ok !== tasks ? `ok=${r.ok}, expected ${tasks}`
      : idempotent && r.changed ? `changed=${r.changed} on a rerun` : null;
    if (bad) throw new Error(`${tool}: ${h.name} ${bad}\n${stdout.slice(-2000)}`);
  }
}


// ---------------------------------------------------------------- inputs

const content = (i) => `tsplay bench file ${i}\n`;
const taskList = (T) => Array.from({ length: T }, (_, i) => ({
  path: `/tmp/bench/file${i + 1}`,
  content: content(i + 1),
  sha256: createHash('sha256').update(content(i + 1)).digest('hex'),
}));

/** The play: T copy tasks with inline content and mode. Plain Ansible syntax, read by both tools. */
function playbook(tasks) {
  const lines = ['- name: ssh bench', '  hosts: all', '  gather_facts: false', '  tasks:'];
  tasks.forEach((t, i) => lines.push(
    `    - name: file ${i + 1}`,
    '      copy:',
    `        dest: ${t.path}`,
    `        content: ${JSON.stringify(t.content)}`,
    '        mode: "0644"',
  ));
  return lines.join('\n') + '\n';
}

function tsplayInventory(hosts, f) {
  const lines = ['all:', '  vars:', '    tsplay_connection: ssh', '    tsplay_user: root',
    `    tsplay_ssh_private_key_file: ${f.key}`, `    tsplay_ssh_known_hosts_file: ${f.knownHosts}`,
    `    tsplay_ssh_config_file: ${f.sshConfig}`, '  hosts:'];
  for (const h of hosts) lines.push(`    ${h.name}: { tsplay_host: 127.0.0.1, tsplay_port: ${h.port} }`);
  return lines.join('\n') + '\n';
}

function ansibleInventory(hosts, f) {
  const lines = ['all:', '  vars:', '    ansible_connection: ssh', '    ansible_user: root',
    `    ansible_ssh_private_key_file: ${f.key}`,
    `    ansible_ssh_common_args: "-F /dev/null -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${f.knownHosts}"`,
    '    ansible_python_interpreter: /usr/bin/python3', '  hosts:'];
  for (const h of hosts) lines.push(`    ${h.name}: { ansible_host: 127.0.0.1, ansible_port: ${h.port} }`);
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------- measurements

async function nodeStartup(times = 10) {
  await timed(process.execPath, ['-e', '0']);
  const ms = [];
  for (let i = 0; i < times; i++) ms.push((await timed(process.execPath, ['-e', '0'])).ms);
  return { runs: times, medianMs: round(median(ms), 1), minMs: round(Math.min(...ms), 1) };
}

const tsplayArgs = (f, forks, bin = cli) => [bin, f.playbook, '-i', f.inventory, '-f', String(forks)];

/** User + system CPU seconds of a process /usr/bin/time -v ran, in ms; null without it. */
function cpuMs(stderr) {
  const user = /User time \(seconds\): ([\d.]+)/.exec(stderr);
  const sys = /System time \(seconds\): ([\d.]+)/.exec(stderr);
  return user && sys ? (Number(user[1]) + Number(sys[1])) * 1000 : null;
}

/** One tsplay run, checked; with `rss`, under /usr/bin/time -v (peak RSS in kB, CPU). `bin`: another checkout's CLI. */
async function tsplayRun(f, hosts, T, { idempotent, rss = false, bin = cli }) {
  const args = tsplayArgs(f, hosts.length, bin);
  const r = rss && existsSync('/usr/bin/time')
    ? await timed('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: f.dir })
    : await timed(process.execPath, args, { cwd: f.dir });
  checkRecap('tsplay', r.stdout, hosts, T, { idempotent });
  const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  return { ms: r.ms, rssKb: m ? Number(m[1]) : null, cpuMs: cpuMs(r.stderr) };
}

async function floorRun(f, extra = []) {
  const args = [join(here, 'ssh-floor.mjs'), f.floorConfig, ...extra];
  const r = existsSync('/usr/bin/time')
    ? await timed('/usr/bin/time', ['-v', process.execPath, ...args], { cwd: f.dir })
    : await timed(process.execPath, args, { cwd: f.dir });
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), processMs: r.ms, cpuMs: cpuMs(r.stderr) };
}

async function ansibleRun(f, hosts, T) {
  const which = spawnSync('sh', ['-c', 'command -v ansible-playbook'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const bin = which.stdout.trim();
  const version = (spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '').trim();
  const env = {
    ...process.env,
    ANSIBLE_HOME: join(f.dir, '.ansible'),
    ANSIBLE_LOCAL_TEMP: join(f.dir, '.ansible/tmp'),
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_FORKS: String(hosts.length),
  };
  const r = await timed(bin, ['-i', f.ansibleInventory, '-f', String(hosts.length), f.ansiblePlaybook], { cwd: f.dir, env });
  checkRecap('ansible-playbook', r.stdout, hosts, T, { idempotent: true });
  return { version, ms: r.ms };
}

function writeInputs(f, hosts, tasks) {
  writeFileSync(f.playbook, playbook(tasks));
  writeFileSync(f.ansiblePlaybook, playbook(tasks));
  writeFileSync(f.inventory, tsplayInventory(hosts, f));
  writeFileSync(f.ansibleInventory, ansibleInventory(hosts, f));
  writeFileSync(f.floorConfig, JSON.stringify({ hosts, key: f.key, knownHosts: f.knownHosts, tasks }));
}

// ---------------------------------------------------------------- main

const image = labImage();
const runId = newRunId();
const dir = mkdtempSync(join(tmpdir(), 'tsplay-sshbench-'));
let cleaned = false;
function cleanup() {
  if (cleaned) return;
  cleaned = true;
  if (opts.keep) {
    log(`--keep: containers (label tsplay.bench.run=${runId}) and ${dir} left in place; remove with\n  docker rm -f $(docker ps -aq --filter label=tsplay.bench.run=${runId}); rm -rf ${dir}`);
    return;
  }
  const n = removeRun(runId);
  rmSync(dir, { recursive: true, force: true });
  log(`removed ${n} container(s) and ${dir}`);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`\n${sig}: stopping`);
    try { current?.kill('SIGTERM'); } catch { /* gone */ }
    cleanup();
    process.exit(130);
  });
}
process.on('exit', cleanup);

async function main() {
  const info = machine(repo);
  const dockerVersion = checkLab(image);
  const N = opts.hosts;
  const T = opts.tasks;
  const tasks = taskList(T);
  const f = {
    dir,
    knownHosts: join(dir, 'known_hosts'),
    sshConfig: join(dir, 'ssh_config'),
    playbook: join(dir, 'play.yml'),
    ansiblePlaybook: join(dir, 'play-ansible.yml'),
    inventory: join(dir, 'inventory.yml'),
    ansibleInventory: join(dir, 'inventory-ansible.yml'),
    floorConfig: join(dir, 'floor.json'),
  };
  writeFileSync(f.sshConfig, '');
  Object.assign(f, await createKey(dir));

  log(`tsplay SSH benchmark, ${info.timestamp}`);
  log(`machine: ${info.nproc} CPUs (${info.cpu}), ${info.memGiB} GiB, node ${info.node}, docker ${dockerVersion}, commit ${info.commit}`);
  log(`load average: ${info.loadAvgAtStart.join(' ')}; image ${image}; run ${runId}; files in ${dir}`);

  // --- lab
  let t = performance.now();
  const first = await startHosts({ image, runId, authorized: f.authorized, from: 0, to: N, width: START_WIDTH });
  if (first.errors.length) throw new Error(`could not start ${first.errors.length} of ${N} hosts: ${first.errors[0]}`);
  let hosts = first.hosts;
  await scanHostKeys(hosts, f.knownHosts);
  const startSmallMs = performance.now() - t;
  log(`${N} hosts up (sshd answering, host keys scanned) in ${secs(startSmallMs)} s`);
  writeInputs(f, hosts, tasks);

  // --- N x T
  const startup = await nodeStartup();
  log(`node -e 0: ${startup.medianMs} ms (median of ${startup.runs})`);
  t = performance.now();
  await tsplayRun(f, hosts, T, { idempotent: false });
  log(`converged with tsplay in ${secs(performance.now() - t)} s (not timed)`);
  await floorRun(f); // warm-up, also checks every file
  const ts = [];
  const fl = [];
  const cmp = []; // --compare: the other checkout, in the same rounds
  const compareCli = opts.compare ? join(opts.compare, 'bin/tsplay.js') : null;
  if (compareCli) await tsplayRun(f, hosts, T, { idempotent: true, bin: compareCli }); // warm-up, checks it converges too
  for (let i = 0; i < REPS; i++) { // interleaved, so drift hits all alike
    ts.push((await tsplayRun(f, hosts, T, { idempotent: true, rss: true })));
    fl.push(await floorRun(f));
    if (compareCli) cmp.push(await tsplayRun(f, hosts, T, { idempotent: true, rss: true, bin: compareCli }));
    log(`  rep ${i + 1}: tsplay ${secs(ts[i].ms)} s, floor ${secs(fl[i].totalMs)} s (process ${secs(fl[i].processMs)} s, connect ${round(fl[i].connectMs, 0)} ms)${compareCli ? `, compared checkout ${secs(cmp[i].ms)} s` : ''}`);
  }
  let ansible = null;
  if (opts.ansible) {
    log('ansible-playbook (one run)...');
    ansible = await ansibleRun(f, hosts, T);
    if (!ansible) log('ansible-playbook not installed: skipped');
  }

  const tsplayMed = median(ts.map((r) => r.ms));
  const floorMed = median(fl.map((r) => r.totalMs));
  const floorPlus = floorMed + startup.medianMs;
  const floorProcess = median(fl.map((r) => r.processMs));
  const cpu = (runs) => (runs.every((r) => r.cpuMs !== null) ? round(median(runs.map((r) => r.cpuMs)), 0) : null);
  const small = {
    hosts: N,
    tasks: T,
    hostsStartMs: round(startSmallMs, 0),
    nodeStartup: startup,
    tsplay: { runs: REPS, medianMs: round(tsplayMed, 0), minMs: round(Math.min(...ts.map((r) => r.ms)), 0), cpuMs: cpu(ts), peakRssMiB: ts[0].rssKb ? round(Math.max(...ts.map((r) => r.rssKb)) / 1024, 1) : null },
    compared: cmp.length ? { dir: opts.compare, runs: REPS, medianMs: round(median(cmp.map((r) => r.ms)), 0), minMs: round(Math.min(...cmp.map((r) => r.ms)), 0), cpuMs: cpu(cmp) } : null,
    floor: {
      runs: REPS,
      medianMs: round(floorMed, 0),
      minMs: round(Math.min(...fl.map((r) => r.totalMs)), 0),
      connectMedianMs: round(median(fl.map((r) => r.connectMs)), 0),
      tasksMedianMs: round(median(fl.map((r) => r.tasksMs)), 0),
      processMedianMs: round(floorProcess, 0),
      processCpuMs: cpu(fl),
      execs: fl[0].execs,
    },
    floorPlusStartupMs: round(floorPlus, 0),
    ansible: ansible && { version: ansible.version, runs: 1, ms: round(ansible.ms, 0) },
  };
  small.targets = {
    fasterThanAnsible: ansible ? { want: 25, got: round(ansible.ms / tsplayMed, 1), met: ansible.ms / tsplayMed >= 25 } : null,
    withinFloor: { want: 1.5, got: round(tsplayMed / floorPlus, 2), met: tsplayMed / floorPlus <= 1.5 },
    // the floor's whole process, Node's start included; tsplay's own start-up not subtracted
    withinFloorProcess: { want: 1.25, got: round(tsplayMed / floorProcess, 2), met: tsplayMed / floorProcess <= 1.25 },
    ...(cmp.length ? { comparedWithinFloorProcess: { got: round(median(cmp.map((r) => r.ms)) / floorProcess, 2) } } : {}),
  };

  // --- big
  let big = null;
  if (!opts.quick && opts.bigHosts > N) {
    const M = opts.bigHosts;
    log(`starting ${M - N} more hosts (${START_WIDTH} docker runs at a time)...`);
    t = performance.now();
    // a machine that cannot hold them all runs with what it held
    const grown = await startHosts({ image, runId, authorized: f.authorized, from: N, to: M, width: START_WIDTH });
    let more = grown.hosts;
    let startError = grown.errors.length ? `${grown.errors.length} of ${M - N} failed to start, e.g. ${grown.errors[0]}` : null;
    if (startError) log(`could not start all ${M} hosts: ${startError}`);
    try {
      await scanHostKeys(more, f.knownHosts);
    } catch (e) {
      startError = `${startError ? `${startError}; ` : ''}${String(e.message ?? e).split('\n')[0]}`;
      log(`hosts did not all answer: ${startError}`);
      more = [];
    }
    const startBigMs = performance.now() - t;
    if (more.length) {
      hosts = [...hosts, ...more];
      log(`${hosts.length} hosts up: ${more.length} more in ${secs(startBigMs)} s (${round(startBigMs / more.length, 0)} ms per host); ${secs(startSmallMs + startBigMs)} s for all ${hosts.length}`);
      writeInputs(f, hosts, tasks);
      const conv = await tsplayRun(f, hosts, T, { idempotent: false, rss: true });
      log(`converged ${hosts.length} hosts with tsplay in ${secs(conv.ms)} s (not timed; peak RSS ${conv.rssKb ? round(conv.rssKb / 1024, 1) : '?'} MiB)`);
      const bt = [];
      for (let i = 0; i < REPS; i++) {
        bt.push(await tsplayRun(f, hosts, T, { idempotent: true, rss: true }));
        log(`  rep ${i + 1}: tsplay ${secs(bt[i].ms)} s, peak RSS ${bt[i].rssKb ? round(bt[i].rssKb / 1024, 1) : '?'} MiB`);
      }
      const bf = await floorRun(f);
      const rss = bt.map((r) => r.rssKb).filter((x) => x !== null);
      big = {
        hosts: hosts.length,
        wantedHosts: M,
        startError,
        tasks: T,
        hostsStartMs: round(startBigMs, 0),
        allHostsStartMs: round(startSmallMs + startBigMs, 0),
        convergeMs: round(conv.ms, 0),
        convergePeakRssMiB: conv.rssKb ? round(conv.rssKb / 1024, 1) : null,
        tsplay: { runs: REPS, medianMs: round(median(bt.map((r) => r.ms)), 0), minMs: round(Math.min(...bt.map((r) => r.ms)), 0) },
        peakRssMiB: rss.length ? round(Math.max(...rss) / 1024, 1) : null,
        floor: { runs: 1, ms: round(bf.totalMs, 0), connectMs: round(bf.connectMs, 0) },
      };
      const peak = Math.max(big.peakRssMiB ?? 0, big.convergePeakRssMiB ?? 0);
      big.targets = { peakRss: { wantMiB: 250, gotMiB: peak, met: peak > 0 && peak < 250 } };
    } else {
      big = { hosts: N, error: startError, hostsStartMs: round(startBigMs, 0) };
    }
  }

  const result = { ...info, loadAvgAtEnd: loadavg().map((l) => round(l)), docker: dockerVersion, image, small, big };
  if (opts.json) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else printTable(result);
}

function printTable(r) {
  const s = r.small;
  const out = [];
  const a = s.ansible?.ms;
  const fp = s.floorPlusStartupMs;
  const row = (name, runs, ms, extra = '') => out.push(
    `  ${name.padEnd(34)} ${String(runs).padStart(4)} ${`${secs(ms).toFixed(2)} s`.padStart(10)} ${(a ? `${round(a / ms, 1)}x` : '-').padStart(10)} ${`${round(ms / fp, 2)}`.padStart(10)}  ${extra}`,
  );
  out.push('', `SSH benchmark: ${s.hosts} hosts x ${s.tasks} copy tasks, idempotent rerun (nothing to change)`);
  out.push(`load average: ${r.loadAvgAtStart.join(' ')} at start, ${r.loadAvgAtEnd.join(' ')} at end`, '');
  const cpuText = (ms) => (ms === null || ms === undefined ? '' : `, CPU ${secs(ms)} s`);
  out.push(`  ${'tool'.padEnd(34)} ${'runs'.padStart(4)} ${'wall'.padStart(10)} ${'vs ansible'.padStart(10)} ${'/ floor+su'.padStart(10)}`);
  row(`tsplay (forks=${s.hosts})`, s.tsplay.runs, s.tsplay.medianMs, `median; min ${secs(s.tsplay.minMs)} s${cpuText(s.tsplay.cpuMs)}${s.tsplay.peakRssMiB ? `, peak RSS ${s.tsplay.peakRssMiB} MiB` : ''}; ${round(s.tsplay.medianMs / s.floor.processMedianMs, 2)}x the floor process`);
  if (s.compared) row(`compared: ${s.compared.dir.split('/').pop()}`, s.compared.runs, s.compared.medianMs, `median; min ${secs(s.compared.minMs)} s${cpuText(s.compared.cpuMs)}; ${round(s.compared.medianMs / s.floor.processMedianMs, 2)}x the floor process`);
  row('floor + start-up', s.floor.runs, fp, `floor ${secs(s.floor.medianMs)} s (min ${secs(s.floor.minMs)}) + node -e 0 ${s.nodeStartup.medianMs} ms`);
  out.push(`    floor: connect ${s.floor.connectMedianMs} ms, ${s.floor.execs} execs ${s.floor.tasksMedianMs} ms (${round(s.floor.tasksMedianMs / s.tasks, 1)} ms per task round); process wall ${secs(s.floor.processMedianMs)} s (Node's start included)${cpuText(s.floor.processCpuMs)}`);
  if (s.ansible) row(`ansible-playbook (forks=${s.hosts})`, 1, s.ansible.ms, `one run; pipelining; ${s.ansible.version}`);
  else out.push('  ansible-playbook                   skipped');
  out.push('', 'targets:');
  const t = s.targets;
  if (t.fasterThanAnsible) out.push(`  tsplay >= 25x faster than ansible-playbook: ${t.fasterThanAnsible.got}x  ${t.fasterThanAnsible.met ? 'MET' : 'MISSED'}`);
  out.push(`  tsplay <= 1.5x (floor + start-up):         ${t.withinFloor.got}x  ${t.withinFloor.met ? 'MET' : 'MISSED'}`);
  out.push(`  tsplay <= 1.25x the floor process (Node's start included, tsplay's start-up not subtracted): ${t.withinFloorProcess.got}x  ${t.withinFloorProcess.met ? 'MET' : 'MISSED'}`);
  if (t.comparedWithinFloorProcess) out.push(`  compared checkout, the same ratio:         ${t.comparedWithinFloorProcess.got}x`);
  if (r.big?.tsplay) {
    const b = r.big;
    out.push('', `${b.hosts} hosts x ${b.tasks} tasks (hosts started in ${secs(b.allHostsStartMs)} s: ${b.hosts - s.hosts} more in ${secs(b.hostsStartMs)} s)`);
    out.push(`  tsplay (forks=${b.hosts})        ${b.tsplay.runs} runs  median ${secs(b.tsplay.medianMs)} s, min ${secs(b.tsplay.minMs)} s; converge ${secs(b.convergeMs)} s`);
    out.push(`  floor (ssh2 only)              1 run   ${secs(b.floor.ms)} s (connect ${b.floor.connectMs} ms); + start-up ${secs(b.floor.ms + s.nodeStartup.medianMs)} s`);
    out.push(`  controller peak RSS: ${b.peakRssMiB} MiB on reruns, ${b.convergePeakRssMiB} MiB converging (/usr/bin/time -v)`);
    out.push(`  target peak RSS < 250 MB: ${b.targets.peakRss.gotMiB} MiB  ${b.targets.peakRss.met ? 'MET' : 'MISSED'}`);
  } else if (r.big) {
    out.push('', `big run: only ${r.big.hosts} hosts held (${r.big.error})`);
  }
  process.stdout.write(out.join('\n') + '\n');
}

try {
  await main();
} catch (e) {
  process.stderr.write(`ssh benchmark failed: ${e.stack ?? e}\n`);
  process.exitCode = 1;
} finally {
  cleanup();
}
