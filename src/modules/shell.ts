/**
 * shell: runs a command line through a shell on the host (`/bin/sh -c` by
 * default, or `executable -c`), so pipes, redirections and variables work.
 */
import { defineModule, quote, Type } from '../engine/module.js';
import { inDirectory, withInlineParams } from './support/cmd-args.js';

/** parameters Ansible also takes inline in the command line (`shell: make >log chdir=/src`) */
const SHELL_INLINE = ['creates', 'removes', 'chdir', 'executable', 'stdin'] as const;
import { planCommand, runPlannedCommand, stdinText, type CommandState } from './support/cmd-run.js';

const params = Type.Object(
  {
    cmd: Type.String({ minLength: 1, description: 'The command line, run by the shell as written.' }),
    executable: Type.Optional(Type.String({ minLength: 1, description: 'The shell to run it with, called as `executable -c cmd` (default /bin/sh).' })),
    chdir: Type.Optional(Type.String({ minLength: 1, description: 'Change into this directory before running the command.' })),
    creates: Type.Optional(Type.String({ minLength: 1, description: 'A path or glob; when it exists the command is not run (and nothing changes).' })),
    removes: Type.Optional(Type.String({ minLength: 1, description: 'A path or glob; when it does not exist the command is not run.' })),
    stdin: Type.Optional(Type.String({ description: 'Text passed to the command on standard input.' })),
    stdin_add_newline: Type.Boolean({ default: true, description: 'Append a newline to `stdin` when it has none.' }),
  },
  { additionalProperties: false },
);

export default defineModule({
  name: 'shell',
  description: 'Runs a command line through a shell on the host; reports rc, stdout and stderr.',
  params,
  freeForm: 'cmd',
  async check(ctx, given) {
    const p = withInlineParams(given, SHELL_INLINE);
    const state: CommandState = { shellText: inDirectory(`exec ${quote(p.executable ?? '/bin/sh')} -c ${quote(p.cmd)}`, p.chdir), display: p.cmd };
    return planCommand(ctx, p, state);
  },
  async apply(ctx, plan, given) {
    const p = withInlineParams(given, SHELL_INLINE);
    return { result: await runPlannedCommand(ctx, plan.state, stdinText(p.stdin, p.stdin_add_newline)) };
  },
});
