#!/usr/bin/env node
/**
 * Start-up of a one-task playbook (debug on localhost, no facts): the bundle
 * bin/tsplay.js runs (dist/bundle: one file per chunk, validators
 * precompiled) against the plain `tsc` output of the same sources
 * (dist/cli/main.js: one file per source module, validators compiled at run
 * time), interleaved, with `node -e 0` as the floor. Prints medians of wall
 * and CPU (user+sys) time. Build first: `npm run build`.
 *
 *   node scripts/bench/startup.mjs [--runs N]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 15) || 15;
const dir = mkdtempSync(join(tmpdir(), 'tsplay-startup-'));
const play = join(dir, 'play.yml');
writeFileSync(play, '- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: {msg: hi}\n');
const unbundled = join(dir, 'unbundled.mjs');
writeFileSync(unbundled, `import { main } from ${JSON.stringify(join(repo, 'dist/cli/main.js'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`);

const variants = {
  'node -e 0 (floor)': ['-e', '0'],
  'tsplay, unbundled dist/cli': [unbundled, play],
  'tsplay, dist/bundle (bin)': [join(repo, 'bin/tsplay.js'), play],
};

/** wall ms and cpu ms (user+sys of the child, from /usr/bin/time's format) of one run */
function once(args) {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', process.execPath, ...args], { cwd: dir, encoding: 'utf8' });
  const wall = performance.now() - t0;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const [u, s] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
  return { wall, cpu: (u + s) * 1000 };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const res = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
const load0 = loadavg().map((x) => x.toFixed(2)).join(' ');
for (const args of Object.values(variants)) once(args); // warm-up
for (let i = 0; i < runs; i++) for (const [k, args] of Object.entries(variants)) res[k].push(once(args));
rmSync(dir, { recursive: true, force: true });

console.log(`start-up of a 1-task playbook, ${runs} runs each, interleaved; load average ${load0} at start, ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end`);
console.log(`${''.padEnd(30)} ${'wall'.padStart(9)} ${'cpu'.padStart(9)}`);
for (const [k, rs] of Object.entries(res)) {
  console.log(`${k.padEnd(30)} ${median(rs.map((r) => r.wall)).toFixed(0).padStart(6)} ms ${median(rs.map((r) => r.cpu)).toFixed(0).padStart(6)} ms`);
}
