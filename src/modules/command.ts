/**
 * command: runs a program on the host without a shell. The free-form line is
 * split into words (quotes honoured) and each word is passed literally, so
 * `command: echo $HOME` prints `$HOME`, as with Ansible. Use `shell` for
 * pipes, redirections and variables.
 */
import { defineModule, ModuleFailure, Type } from '../engine/module.js';
import { argvToShell, CommandLineError, inDirectory, splitCommandLine, withInlineParams } from './support/cmd-args.js';
import { planCommand, runPlannedCommand, stdinText, type CommandState } from './support/cmd-run.js';
import { mutuallyExclusive, requiredOneOf } from './support/schema.js';

const params = Type.Object(
  {
    cmd: Type.Optional(Type.String({ minLength: 1, description: 'The command line; split into words like a shell would, but nothing is expanded (no $VAR, globs, pipes).' })),
    argv: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'The command as a list of words, each passed as one argument; instead of `cmd`.' })),
    chdir: Type.Optional(Type.String({ minLength: 1, description: 'Change into this directory before running the command.' })),
    creates: Type.Optional(Type.String({ minLength: 1, description: 'A path or glob; when it exists the command is not run (and nothing changes).' })),
    removes: Type.Optional(Type.String({ minLength: 1, description: 'A path or glob; when it does not exist the command is not run.' })),
    stdin: Type.Optional(Type.String({ description: 'Text passed to the command on standard input.' })),
    stdin_add_newline: Type.Boolean({ default: true, description: 'Append a newline to `stdin` when it has none.' }),
  },
  { additionalProperties: false, allOf: [requiredOneOf('cmd', 'argv'), mutuallyExclusive(['cmd', 'argv'])] },
);

export default defineModule({
  name: 'command',
  description: 'Runs a command on the host without a shell; reports rc, stdout and stderr.',
  params,
  freeForm: 'cmd',
  async check(ctx, given) {
    const p = withInlineParams(given, ['creates', 'removes', 'chdir', 'stdin']);
    const argv = p.argv ?? wordsOf(p.cmd ?? '');
    const state: CommandState = { shellText: inDirectory(argvToShell(argv), p.chdir), display: argv };
    return planCommand(ctx, p, state);
  },
  async apply(ctx, plan, given) {
    const p = withInlineParams(given, ['creates', 'removes', 'chdir', 'stdin']);
    return { result: await runPlannedCommand(ctx, plan.state, stdinText(p.stdin, p.stdin_add_newline)) };
  },
});

function wordsOf(line: string): string[] {
  try {
    const words = splitCommandLine(line);
    if (words.length === 0) throw new ModuleFailure('no command given', { cmd: line });
    return words;
  } catch (e) {
    if (e instanceof CommandLineError) throw new ModuleFailure(e.message, { cmd: line });
    throw e;
  }
}
