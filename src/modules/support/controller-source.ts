/** Finding a task's `src` on the control machine, failing as a module does ("src 'x' not found"). */
import { ModuleFailure, TsplayError, type HostContext } from '../../engine/module.js';

export function resolveSource(ctx: HostContext, src: string, kind: 'files' | 'templates'): string {
  try {
    return ctx.controller.resolve(src, kind);
  } catch (e) {
    const hint = TsplayError.isInstance(e) && e.hint ? ` (${e.hint})` : '';
    throw new ModuleFailure(`src '${src}' not found${hint}`, { src });
  }
}
