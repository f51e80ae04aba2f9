/**
 * Waiting for vCenter tasks: polls `Task.info` through the PropertyCollector
 * (a read) until the task succeeds or fails, backing off from 100 ms to 1 s.
 * A failed task becomes a VimFault with the task's own fault.
 */
import { moRefOf, type MoRef, type VimClient } from './client.js';
import { faultFromTaskError, VimFault } from './fault.js';
import { readOne } from './properties.js';
import { child, text, type XmlNode } from './xml.js';

export interface TaskOutcome {
  /** the task's result when it is a managed object (CloneVM_Task: the new VM) */
  readonly result?: MoRef;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export async function waitForTask(vim: VimClient, task: MoRef, opts: { timeoutMs?: number; what?: string } = {}): Promise<TaskOutcome> {
  const deadline = Date.now() + (opts.timeoutMs ?? 3_600_000);
  for (let delay = 100; ; delay = Math.min(delay * 2, 1000)) {
    const info: XmlNode | undefined = (await readOne(vim, task, ['info'])).get('info');
    const state = text(child(info, 'state'));
    if (state === 'success') {
      const result = moRefOf(child(info, 'result'));
      return result ? { result } : {};
    }
    if (state === 'error') {
      const error = child(info, 'error');
      if (error === undefined) throw new VimFault('TaskFailed', `${opts.what ?? task.value} failed without a fault`);
      throw faultFromTaskError(error);
    }
    if (Date.now() >= deadline) throw new VimFault('Timeout', `${opts.what ?? task.value} still ${state ?? 'unknown'} after ${Math.round((opts.timeoutMs ?? 0) / 1000)} s`);
    await sleep(delay);
  }
}

/** Calls a `..._Task` method and waits for the task it returns. */
export async function runTask(vim: VimClient, method: string, self: MoRef, argsXml: string, opts: { timeoutMs?: number; what?: string } = {}): Promise<TaskOutcome> {
  const { response } = await vim.write(method, self, argsXml);
  const task = moRefOf(child(response, 'returnval'));
  if (!task) throw new VimFault('InvalidResponse', `${method} returned no task`);
  return waitForTask(vim, task, { ...opts, what: opts.what ?? method });
}
