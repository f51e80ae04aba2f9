#!/usr/bin/env node
/**
 * tsplay engine benchmark: prints figures, never asserts on them.
 *
 *   npm run build && npm run bench:engine     # full run (about a minute, plus ansible; npm run bench runs the SSH one first)
 *   node scripts/bench/engine.mjs --quick     # fewer repetitions
 *   node scripts/bench/engine.mjs --json      # one JSON document on stdout
 *   node scripts/bench/engine.mjs --no-ansible
 *   node scripts/bench/engine.mjs --keep       # keep the generated playbooks (for --cpu-prof)
 *
 * Every input is generated in a temporary directory, which is also the working
 * directory of each run (so no project config of this repository leaks in).
 * Wall times are measured from spawn to exit of a child process, output sent to
 * /dev/null. See docs/benchmarks.md for how to read the table.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './lib/machine.mjs';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(repo, 'bin/tsplay.js');

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
if (argv.includes('-h') || argv.includes('--help')) {
  process.stdout.write('usage: node scripts/bench/engine.mjs [--quick] [--json] [--no-ansible] [--keep]\n');
  process.exit(0);
}
const unknown = argv.filter((a) => !['--quick', '--json', '--no-ansible', '--keep'].includes(a));
if (unknown.length) {
  process.stderr.write(`unknown option(s): ${unknown.join(' ')}\n`);
  process.exit(2);
}
const quick = argv.includes('--quick');
const asJson = argv.includes('--json');
const withAnsible = !argv.includes('--no-ansible');
const keep = argv.includes('--keep');

const reps = quick
  ? { version: 5, syntax: 3, perTask: 2, spawnFloor: 30 }
  : { version: 20, syntax: 10, perTask: 5, spawnFloor: 200 };
const N = 1000;

if (!existsSync(join(repo, 'dist/bundle/main.js'))) {
  process.stderr.write('dist/ is missing: run `npm run build` first\n');
  process.exit(2);
}

// ---------------------------------------------------------------- helpers

const log = (msg) => { if (!asJson) process.stderr.write(`${msg}\n`); };

/**
 * CPU time (user + system, ms) of this process's reaped children, from
 * /proc/self/stat (cutime + cstime); null off Linux. Runs are sequential, so the
 * difference around one run is that run's CPU time, GC and worker threads
 * included; unlike wall time it hardly moves when the machine is busy.
 */
const clockTick = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;
function childrenCpuMs() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTick; // fields 16 and 17 of proc(5)
  } catch {
    return null;
  }
}

/** Spawn once; resolve with the wall time and CPU time in ms. Output goes to /dev/null unless `capture`. */
function timed(cmd, args, { cwd, env, capture = false } = {}) {
  return new Promise((resolvePromise, reject) => {
    const devnull = capture ? undefined : openSync('/dev/null', 'w');
    const cpu0 = childrenCpuMs();
    const t0 = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd,
      env: env ?? process.env,
      stdio: ['ignore', capture ? 'pipe' : devnull, 'pipe'],
    });
    const out = [];
    const err = [];
    child.stdout?.on('data', (b) => out.push(b));
    child.stderr.on('data', (b) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpu1 = childrenCpuMs();
      const cpuMs = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
      if (devnull !== undefined) closeSync(devnull);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (code !== 0) {
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}\n${stderr}${stdout.slice(-2000)}`));
        return;
      }
      resolvePromise({ ms, cpuMs, stdout, stderr });
    });
  });
}

/** `times` timed runs after one untimed warm-up; returns the wall and CPU ms of each. */
async function sample(times, cmd, args, opts) {
  await timed(cmd, args, opts);
  const ms = [];
  const cpu = [];
  for (let i = 0; i < times; i++) {
    const r = await timed(cmd, args, opts);
    ms.push(r.ms);
    cpu.push(r.cpuMs);
  }
  return { ms, cpu };
}

/** Median, p90 and median CPU of a sample. */
function summary({ ms, cpu }) {
  return { medianMs: round(median(ms)), p90Ms: round(pct(ms, 90)), cpuMedianMs: cpu.includes(null) ? null : round(median(cpu)) };
}

/** Nearest-rank percentile. */
function pct(values, p) {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const median = (v) => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** Peak RSS (kB) of one run: /usr/bin/time -v when present, else an exit hook preloaded into node. */
async function peakRssKb(args, cwd) {
  if (existsSync('/usr/bin/time')) {
    const r = await timed('/usr/bin/time', ['-v', process.execPath, ...args], { cwd });
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
    if (m) return { kb: Number(m[1]), how: '/usr/bin/time -v' };
  }
  const hook = join(cwd, 'maxrss-hook.cjs');
  const outFile = join(cwd, 'maxrss.txt');
  writeFileSync(hook, `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(outFile)}, String(process.resourceUsage().maxRSS)));\n`);
  await timed(process.execPath, ['-r', hook, ...args], { cwd });
  return { kb: Number(readFileSync(outFile, 'utf8')), how: 'process.resourceUsage() at exit' };
}

function machineInfo() {
  return { ...machine(repo), mode: quick ? 'quick' : 'full' };
}

// ---------------------------------------------------------------- inputs

/** A play of `count` tasks built by `task(i)`, on the implicit localhost, facts off. */
function play(count, task, syntax = 'hbs') {
  const v = syntax === 'jinja' ? '{{ greeting }}' : '{{greeting}}';
  const lines = [
    '- name: bench',
    `  hosts: ${syntax === 'jinja' ? 'all' : 'localhost'}`,
    '  gather_facts: false',
    '  vars:',
    '    greeting: hello',
    '  tasks:',
  ];
  for (let i = 0; i < count; i++) lines.push(...task(i, v).map((l) => `    ${l}`));
  return lines.join('\n') + '\n';
}

const debugTask = (i, v) => [`- name: debug ${i}`, '  debug:', `    msg: "${v} ${i}"`];
const setFactTask = (i, v) => [`- name: set_fact ${i}`, '  set_fact:', `    fact_${i}: "${v} ${i}"`];
const statTask = (target) => (i) => [`- name: stat ${i}`, '  stat:', `    path: ${target}`];

/** 200 tasks: a role (10 tasks) plus 190 play tasks cycling through seven modules. */
function syntaxProject(dir) {
  const role = join(dir, 'roles/bench_role');
  for (const sub of ['tasks', 'defaults', 'handlers', 'templates']) mkdirSync(join(role, sub), { recursive: true });
  writeFileSync(join(role, 'defaults/main.yml'), 'role_dir: /tmp/tsplay-bench-role\nrole_items: [a, b, c]\n');
  writeFileSync(join(role, 'templates/role.conf.hbs'), 'name={{greeting}}\n{{#each role_items}}{{this}}\n{{/each}}');
  writeFileSync(join(role, 'handlers/main.yml'), '- name: role changed\n  debug:\n    msg: role changed\n');
  const roleTasks = [];
  for (let i = 0; i < 10; i++) {
    roleTasks.push(
      i % 2
        ? `- name: role file ${i}\n  file:\n    path: "{{role_dir}}/d${i}"\n    state: directory\n  tags: [role]\n`
        : `- name: role template ${i}\n  template:\n    src: role.conf.hbs\n    dest: "{{role_dir}}/r${i}.conf"\n  notify: role changed\n`,
    );
  }
  writeFileSync(join(role, 'tasks/main.yml'), roleTasks.join(''));
  mkdirSync(join(dir, 'templates'), { recursive: true });
  writeFileSync(join(dir, 'templates/app.conf.hbs'), 'greeting={{greeting}}\nports={{join ports ","}}\n');

  const kinds = [
    (i) => [`- name: debug ${i}`, '  debug:', `    msg: "{{greeting}} {{item}} ${i}"`, '  loop: "{{ports}}"', '  tags: [debug]'],
    (i) => [`- name: copy ${i}`, '  copy:', `    dest: "{{base}}/c${i}.txt"`, '    content: "{{greeting}}\\n"', '    mode: "0644"', '  when: enabled', '  notify: changed'],
    (i) => [`- name: file ${i}`, '  file:', `    path: "{{base}}/d${i}"`, '    state: directory', '  tags: [files, dirs]'],
    (i) => [`- name: lineinfile ${i}`, '  lineinfile:', `    path: "{{base}}/settings${i}.conf"`, '    create: true', '    regexp: "^key="', `    line: key=${i}`, '  when: enabled and (ports | length) > 1'],
    (i) => [`- name: command ${i}`, `  command: echo {{greeting}} ${i}`, `  register: out${i}`, '  changed_when: false', '  tags: [cmd]'],
    (i) => [`- name: template ${i}`, '  template:', '    src: app.conf.hbs', `    dest: "{{base}}/t${i}.conf"`, '  when: not skip_templates'],
    (i) => [`- name: set_fact ${i}`, '  set_fact:', `    fact_${i}: "{{greeting}}-{{item}}"`, '  loop: [x, y]', '  when: item != "z"'],
  ];
  const lines = [
    '- name: syntax bench',
    '  hosts: localhost',
    '  gather_facts: false',
    '  vars:',
    '    greeting: hello',
    '    base: /tmp/tsplay-bench',
    '    enabled: true',
    '    skip_templates: false',
    '    ports: [80, 443]',
    '  roles:',
    '    - role: bench_role',
    '      tags: [role]',
    '  tasks:',
  ];
  for (let i = 0; i < 190; i++) lines.push(...kinds[i % kinds.length](i).map((l) => `    ${l}`));
  lines.push('  handlers:', '    - name: changed', '      debug:', '        msg: changed');
  writeFileSync(join(dir, 'syntax200.yml'), lines.join('\n') + '\n');
}

// ---------------------------------------------------------------- measurements

async function perTask(dir, label, task, expectOk) {
  const big = join(dir, `${label}-${N}.yml`);
  const one = join(dir, `${label}-1.yml`);
  writeFileSync(big, play(N, task));
  writeFileSync(one, play(1, task));
  // a checked run each (also the warm-up): the recap must say every task ran
  for (const [file, n] of [[big, N], [one, 1]]) {
    const r = await timed(process.execPath, [cli, file], { cwd: dir, capture: true });
    if (!new RegExp(`localhost\\s*:\\s*ok=${expectOk(n)} .*failed=0`).test(r.stdout)) {
      throw new Error(`${label}: unexpected recap for ${file}\n${r.stdout.slice(-600)}`);
    }
  }
  const bigRuns = [];
  const oneRuns = [];
  for (let i = 0; i < reps.perTask; i++) { // interleaved, so drift hits both alike
    bigRuns.push(await timed(process.execPath, [cli, big], { cwd: dir }));
    oneRuns.push(await timed(process.execPath, [cli, one], { cwd: dir }));
  }
  const b = median(bigRuns.map((r) => r.ms));
  const o = median(oneRuns.map((r) => r.ms));
  const hasCpu = [...bigRuns, ...oneRuns].every((r) => r.cpuMs !== null);
  const bc = hasCpu ? median(bigRuns.map((r) => r.cpuMs)) : null;
  const oc = hasCpu ? median(oneRuns.map((r) => r.cpuMs)) : null;
  return {
    tasks: N,
    runs: reps.perTask,
    wall1000Ms: round(b),
    wall1Ms: round(o),
    perTaskMs: round((b - o) / (N - 1), 3),
    cpu1000Ms: hasCpu ? round(bc) : null,
    cpu1Ms: hasCpu ? round(oc) : null,
    cpuPerTaskMs: hasCpu ? round((bc - oc) / (N - 1), 3) : null,
    file: big,
  };
}

async function ansibleRun(dir) {
  const which = spawnSync('sh', ['-c', 'command -v ansible-playbook'], { encoding: 'utf8' });
  if (which.status !== 0) return null;
  const bin = which.stdout.trim();
  const ver = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const env = {
    ...process.env,
    ANSIBLE_HOME: join(dir, '.ansible'),
    ANSIBLE_LOCAL_TEMP: join(dir, '.ansible/tmp'),
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_LOCALHOST_WARNING: '0',
  };
  const run = async (count) => {
    const file = join(dir, `ansible-debug-${count}.yml`);
    writeFileSync(file, play(count, debugTask, 'jinja'));
    const r = await timed(bin, ['-i', 'localhost,', '-c', 'local', file], { cwd: dir, env, capture: true });
    if (!new RegExp(`localhost\\s*:\\s*ok=${count} `).test(r.stdout)) throw new Error(`ansible: unexpected recap\n${r.stdout.slice(-600)}`);
    return r;
  };
  const big = await run(N);
  const one = await run(1);
  const cpu = big.cpuMs !== null && one.cpuMs !== null;
  return {
    version: ver.trim(),
    runs: 1,
    wall1000Ms: round(big.ms),
    wall1Ms: round(one.ms),
    perTaskMs: round((big.ms - one.ms) / (N - 1), 3),
    cpu1000Ms: cpu ? round(big.cpuMs) : null,
    cpu1Ms: cpu ? round(one.cpuMs) : null,
    cpuPerTaskMs: cpu ? round((big.cpuMs - one.cpuMs) / (N - 1), 3) : null,
  };
}

/**
 * The floor under "local exec per task": the same shell command the stat module
 * runs (statCommand from dist/), spawned from this process the way the local
 * connection does (`/bin/sh -c`, piped stdio), without the engine around it.
 */
async function spawnFloor(target, times) {
  const { statCommand } = await import(join(repo, 'dist/engine/run/host-files.js'));
  const cmd = statCommand(target, { checksum: true });
  const once = () => new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn('/bin/sh', ['-c', cmd], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdout.on('data', () => {});
    child.stderr.on('data', () => {});
    child.stdin.on('error', () => {});
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`stat command exited ${code}`))));
    child.stdin.end('');
  });
  for (let i = 0; i < 10; i++) await once();
  const ms = [];
  for (let i = 0; i < times; i++) ms.push(await once());
  return { spawns: times, medianMs: round(median(ms), 2), meanMs: round(ms.reduce((a, b) => a + b, 0) / ms.length, 2) };
}

// ---------------------------------------------------------------- main

const dir = mkdtempSync(join(tmpdir(), 'tsplay-bench-'));
try {
  const info = machineInfo();
  log(`tsplay bench (${info.mode}) in ${dir}`);

  log('1/5 --version vs node -e 0');
  const nodeRuns = await sample(reps.version, process.execPath, ['-e', '0'], { cwd: dir });
  const versionRuns = await sample(reps.version, process.execPath, [cli, '--version'], { cwd: dir });

  log('2/5 --syntax-check of 200 tasks');
  syntaxProject(dir);
  const sc = await timed(process.execPath, [cli, '--syntax-check', 'syntax200.yml'], { cwd: dir, capture: true });
  if (!/playbook: /.test(sc.stdout)) throw new Error(`syntax check printed:\n${sc.stdout}${sc.stderr}`);
  const listed = await timed(process.execPath, [cli, '--list-tasks', 'syntax200.yml'], { cwd: dir, capture: true });
  const syntaxTasks = listed.stdout.split('\n').filter((l) => /^ {6}\S/.test(l)).length;
  const syntaxRuns = await sample(reps.syntax, process.execPath, [cli, '--syntax-check', 'syntax200.yml'], { cwd: dir });

  log(`3/5 per-task overhead (${reps.perTask} runs each of ${N} and 1 tasks)`);
  const statTarget = join(dir, 'stat-target.txt');
  writeFileSync(statTarget, 'a small file\n');
  const debug = await perTask(dir, 'debug', debugTask, (n) => n);
  const setFact = await perTask(dir, 'set_fact', setFactTask, (n) => n);
  const stat = await perTask(dir, 'stat', statTask(statTarget), (n) => n);
  const floor = await spawnFloor(statTarget, reps.spawnFloor);

  log('4/5 peak RSS');
  const rssBig = await peakRssKb([cli, debug.file], dir);
  const rssOne = await peakRssKb([cli, join(dir, 'debug-1.yml')], dir);
  const rssStat = await peakRssKb([cli, stat.file], dir);

  let ansible = null;
  if (withAnsible) {
    log('5/5 ansible-playbook, one run each of 1000 and 1 debug tasks');
    ansible = await ansibleRun(dir);
    if (!ansible) log('    ansible-playbook not found: skipped');
  }

  info.loadAvgAtEnd = loadavg().map((l) => round(l, 2));
  const result = {
    machine: info,
    version: {
      runs: reps.version,
      tsplay: summary(versionRuns),
      nodeFloor: summary(nodeRuns),
      ratio: round(median(versionRuns.ms) / median(nodeRuns.ms), 2),
    },
    syntaxCheck: { tasks: syntaxTasks, runs: reps.syntax, ...summary(syntaxRuns) },
    perTask: {
      debug: { ...debug, file: undefined },
      setFact: { ...setFact, file: undefined },
      localExec: { ...stat, file: undefined, module: 'stat', spawnFloor: floor },
    },
    peakRss: {
      how: rssBig.how,
      debug1000MiB: round(rssBig.kb / 1024),
      debug1MiB: round(rssOne.kb / 1024),
      stat1000MiB: round(rssStat.kb / 1024),
    },
    ansible,
  };

  if (asJson) process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  else process.stdout.write(table(result));
} finally {
  if (keep) log(`inputs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}

function table(r) {
  const m = r.machine;
  const cpu = (v) => (v === null || v === undefined ? '-' : `${v} ms`);
  // columns: what, repetitions, wall (median), CPU (median, user+sys), notes
  const rows = [
    ['', 'runs', 'wall', 'cpu', ''],
    ['node -e 0 (floor)', r.version.runs, `${r.version.nodeFloor.medianMs} ms`, cpu(r.version.nodeFloor.cpuMedianMs), `p90 ${r.version.nodeFloor.p90Ms} ms`],
    ['tsplay --version', r.version.runs, `${r.version.tsplay.medianMs} ms`, cpu(r.version.tsplay.cpuMedianMs), `p90 ${r.version.tsplay.p90Ms} ms, ${r.version.ratio}x floor`],
    [`--syntax-check, ${r.syntaxCheck.tasks} tasks + role`, r.syntaxCheck.runs, `${r.syntaxCheck.medianMs} ms`, cpu(r.syntaxCheck.cpuMedianMs), `p90 ${r.syntaxCheck.p90Ms} ms`],
  ];
  for (const [name, t] of [['debug', r.perTask.debug], ['set_fact', r.perTask.setFact], ['stat (local exec)', r.perTask.localExec]]) {
    rows.push([`${name}, ${t.tasks} tasks`, t.runs, `${t.wall1000Ms} ms`, cpu(t.cpu1000Ms), '']);
    rows.push([`${name}, 1 task`, t.runs, `${t.wall1Ms} ms`, cpu(t.cpu1Ms), '']);
    rows.push([`  ${name} per task`, '', `${t.perTaskMs} ms`, cpu(t.cpuPerTaskMs), name.startsWith('stat') ? 'local exec per task (one spawn each)' : 'engine overhead per task']);
  }
  const f = r.perTask.localExec.spawnFloor;
  rows.push([`  floor: stat's shell command alone`, f.spawns, `${f.medianMs} ms`, '-', `mean ${f.meanMs} ms; spawned from the bench, no engine`]);
  rows.push(
    [`peak RSS, ${N} debug tasks`, 1, `${r.peakRss.debug1000MiB} MiB`, '', `1 task: ${r.peakRss.debug1MiB} MiB (${r.peakRss.how})`],
    [`peak RSS, ${N} stat tasks`, 1, `${r.peakRss.stat1000MiB} MiB`, '', ''],
  );
  if (r.ansible) {
    const a = r.ansible;
    const ratio = (x, y) => (x === null || y === null || !y ? '-' : `${round(x / y, 1)}x`);
    rows.push(
      [`ansible-playbook, ${N} debug`, 1, `${a.wall1000Ms} ms`, cpu(a.cpu1000Ms), 'one run, not a median'],
      ['ansible-playbook, 1 debug', 1, `${a.wall1Ms} ms`, cpu(a.cpu1Ms), 'one run'],
      ['  ansible per task', '', `${a.perTaskMs} ms`, cpu(a.cpuPerTaskMs), `${ratio(a.perTaskMs, r.perTask.debug.perTaskMs)} tsplay wall, ${ratio(a.cpuPerTaskMs, r.perTask.debug.cpuPerTaskMs)} cpu`],
    );
  }
  const cells = rows.map((row) => row.map(String));
  const widths = [0, 1, 2, 3].map((c) => Math.max(...cells.map((row) => row[c].length)));
  const fmt = (row) => `  ${row[0].padEnd(widths[0])}  ${row[1].padStart(widths[1])}  ${row[2].padStart(widths[2])}  ${row[3].padStart(widths[3])}  ${row[4]}`.trimEnd() + '\n';
  return [
    `tsplay engine benchmark, ${m.timestamp}\n`,
    `machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGiB} GiB, ${m.platform}, node ${m.node}, commit ${m.commit}, ${m.mode} mode\n`,
    `load average (1/5/15 min): ${m.loadAvgAtStart.join(' ')} at start, ${m.loadAvgAtEnd.join(' ')} at end\n\n`,
    ...cells.map(fmt),
    r.ansible ? `\n  ansible: ${r.ansible.version}, -i localhost, -c local\n` : '\n',
    `  wall and cpu are medians; cpu = user+sys of the child (all threads). per task = (${N} tasks - 1 task) / ${N - 1}\n`,
  ].join('');
}
