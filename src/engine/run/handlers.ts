/**
 * Handlers run when flushed (end of pre_tasks, tasks and post_tasks, or
 * `meta: flush_handlers`), in the order they are defined, on the hosts that
 * notified them by name or by a `listen` topic. A handler may notify a later
 * one; the flush goes on until nothing notified is left.
 */
import { fromPlay } from './inherited.js';
import { activeHosts, runTask, type NodeRunner } from './node-runner.js';

export async function flushHandlers(r: NodeRunner, hosts: readonly string[]): Promise<void> {
  const { rc, ps } = r;
  const inh = fromPlay(ps.play);
  for (let round = 0; round < 100; round++) {
    let ran = false;
    for (const handler of ps.play.handlers) {
      const names = [handler.name, ...(handler.listen ?? [])].filter((n): n is string => Boolean(n));
      const targets = activeHosts(r, hosts).filter((h) => names.some((n) => rc.hosts.get(h).notified.has(n)));
      if (targets.length === 0) continue;
      for (const h of targets) for (const n of names) rc.hosts.get(h).notified.delete(n);
      ran = true;
      await runTask(r, handler, targets, handler.role ? { ...inh, role: handler.role } : inh, true);
    }
    if (!ran) return;
  }
}

/** Notifications that match no handler: reported once per play as a warning. */
export function unknownNotifications(r: NodeRunner, hosts: readonly string[]): string[] {
  const known = new Set(r.ps.play.handlers.flatMap((h) => [h.name, ...(h.listen ?? [])]).filter(Boolean));
  const out = new Set<string>();
  for (const h of hosts) for (const n of r.rc.hosts.get(h).notified) if (!known.has(n)) out.add(n);
  return [...out];
}
