#!/usr/bin/env node
/**
 * `npm run bench`: the SSH benchmark (scripts/bench/ssh.mjs), then the engine
 * benchmark (scripts/bench/engine.mjs). Prints figures, never asserts on them.
 *
 *   node scripts/bench/index.mjs [--hosts N] [--tasks T] [--big-hosts M] [--quick] [--json] [--no-ansible] [--keep]
 *
 * --quick, --json, --no-ansible and --keep go to both; --hosts, --tasks and
 * --big-hosts to the SSH benchmark only. With --json, stdout holds one
 * document: { ssh, engine }. Each benchmark runs as a child process with its
 * own clean-up (the SSH one removes its containers on error and on Ctrl-C);
 * this process waits for it rather than dying first.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
if (argv.includes('-h') || argv.includes('--help')) {
  process.stdout.write('usage: node scripts/bench/index.mjs [--hosts N] [--tasks T] [--big-hosts M] [--quick] [--json] [--no-ansible] [--keep]\n');
  process.exit(0);
}
const shared = ['--quick', '--json', '--no-ansible', '--keep'];
const json = argv.includes('--json');
const engineArgs = argv.filter((a) => shared.includes(a));

// Ctrl-C reaches the children through the terminal's process group; they clean up and exit.
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => { interrupted = true; });

function runChild(script, args) {
  return new Promise((ok) => {
    const child = spawn(process.execPath, [join(here, script), ...args], { stdio: ['ignore', json ? 'pipe' : 'inherit', 'inherit'] });
    const out = [];
    child.stdout?.on('data', (b) => out.push(b));
    child.on('close', (code, signal) => ok({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString('utf8') }));
  });
}

const ssh = await runChild('ssh.mjs', argv);
if (interrupted) process.exit(130);
if (ssh.code !== 0) process.stderr.write(`ssh benchmark exited ${ssh.code}; going on with the engine benchmark\n`);
const engine = await runChild('engine.mjs', engineArgs);
if (interrupted) process.exit(130);
if (json) {
  const parse = (r) => { try { return JSON.parse(r.stdout); } catch { return { error: `exit ${r.code}` }; } };
  process.stdout.write(JSON.stringify({ ssh: parse(ssh), engine: parse(engine) }, null, 2) + '\n');
}
process.exitCode = ssh.code || engine.code;
