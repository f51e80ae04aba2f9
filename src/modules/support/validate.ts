/**
 * Running a task's `validate` command on new content before it replaces a
 * file: the content goes to a temporary file beside the destination, the
 * command runs with `%s` replaced by that file's path, and the temporary file
 * is removed whatever the outcome. The destination is not touched here.
 */
import { randomBytes } from 'node:crypto';
import { ModuleFailure, quote, sh, type ApplyContext } from '../../engine/module.js';
import { baseName, parentDir } from './host-commands.js';

export class ValidationFailure extends ModuleFailure {}

export async function validateContent(ctx: ApplyContext, dest: string, content: Buffer, command: string): Promise<void> {
  const tmp = `${parentDir(dest)}/.${baseName(dest)}.tsplay-validate-${randomBytes(4).toString('hex')}`;
  await ctx.writeFile(tmp, content, { mode: '0600' });
  try {
    const r = await ctx.run(command.replaceAll('%s', quote(tmp)));
    if (r.exitCode !== 0) {
      throw new ValidationFailure(`failed to validate: '${command}' exited ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`, {
        rc: r.exitCode,
        stdout: r.stdout,
        stderr: r.stderr,
      });
    }
  } finally {
    await ctx.run(sh`rm -f ${tmp}`);
  }
}
