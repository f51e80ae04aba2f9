/** --syntax-check, --list-hosts, --list-tasks and --list-tags, in ansible-playbook's layout. */
import { ExitCode } from '../errors.js';
import type { Play, TaskNode } from '../playbook/model.js';
import type { PlaybookRunRequest } from './run-request.js';
import type { PreparedRun } from './prepare.js';
import type { RunIO } from './run-io.js';
import { parseTagList, tagsSelect, type TagSelection } from './tags.js';

export function printListing(req: PlaybookRunRequest, p: PreparedRun, io: RunIO): number {
  const sel: TagSelection = { only: parseTagList(req.tags), skip: parseTagList(req.skipTags) };
  const out: string[] = [];
  for (const pb of p.playbooks) {
    out.push('', `playbook: ${pb.file}`);
    if (req.mode === 'syntax-check') continue;
    pb.plays.forEach((play, i) => {
      out.push('', `  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(',')}]`);
      if (req.mode === 'list-hosts') {
        const hosts = playHostsFor(p, play, req.limit);
        out.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
      } else if (req.mode === 'list-tasks') {
        out.push('    tasks:');
        for (const t of flatten([...play.preTasks, ...play.tasks, ...play.postTasks], play.tags)) {
          if (tagsSelect(t.tags, sel)) out.push(`      ${t.label}\tTAGS: [${[...t.tags].sort().join(', ')}]`);
        }
      } else {
        const tags = new Set<string>();
        // as ansible-playbook: the tags of the tasks that --tags/--skip-tags select (so not `never` ones by default)
        for (const t of flatten([...play.preTasks, ...play.tasks, ...play.postTasks], play.tags)) {
          if (tagsSelect(t.tags, sel)) for (const g of t.tags) tags.add(g);
        }
        out.push(`      TASK TAGS: [${[...tags].sort().join(', ')}]`);
      }
    });
  }
  io.stdout.write(`${out.join('\n')}\n`);
  return ExitCode.ok;
}

function playHostsFor(p: PreparedRun, play: Play, limit: string | undefined): string[] {
  const pattern = String(p.templates.render(play.hosts, { ...play.vars, ...p.extraVars }, play.location));
  const hosts = p.inventory.match(pattern).hosts;
  if (!limit) return hosts;
  const allowed = new Set(p.inventory.match(limit).hosts);
  return hosts.filter((h) => allowed.has(h));
}

interface ListedTask {
  readonly label: string;
  readonly tags: readonly string[];
}

function flatten(nodes: readonly TaskNode[], inherited: readonly string[]): ListedTask[] {
  const out: ListedTask[] = [];
  for (const n of nodes) {
    const tags = [...new Set([...inherited, ...n.tags])];
    if (n.kind === 'block') out.push(...flatten([...n.block, ...n.rescue, ...n.always], tags));
    else if (n.kind === 'task') out.push({ label: `${n.role ? `${n.role.name} : ` : ''}${n.name ?? n.module}`, tags });
    else if (n.kind === 'include_tasks') out.push({ label: `include_tasks: ${n.file}`, tags });
  }
  return out;
}
