/** What machine a benchmark ran on: printed with every table, so figures can be compared. */
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

export function machine(repo) {
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' });
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'bin'], { cwd: repo, encoding: 'utf8' });
  return {
    timestamp: new Date().toISOString(),
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model?.trim() ?? 'unknown',
    memGiB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    commit: git.status === 0 ? git.stdout.trim() + (dirty.stdout.trim() ? ' (src/bin modified)' : '') : 'unknown',
    loadAvgAtStart: loadavg().map((l) => round(l, 2)),
  };
}
