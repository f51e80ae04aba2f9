/** runOrFail and commandFailure: the one "run a command or fail the task" of the modules, in each module's words. */
import { describe, expect, it } from 'vitest';
import { ModuleFailure, type ApplyContext, type CommandResult } from '../../../src/engine/module.js';
import { commandFailure, runOrFail, type CommandFailureOptions } from '../../../src/modules/support/host-commands.js';

const r = (exitCode: number, stdout: string, stderr: string): CommandResult => ({ exitCode, stdout, stderr });
const LONG = 'Reading package lists...\nE: one\nE: two\nE: three\n';

describe('commandFailure', () => {
  it.each<{ name: string; r: CommandResult; opts?: CommandFailureOptions; message: string; result: Record<string, unknown> }>([
    { name: 'stderr', r: r(1, 'out', ' no such file \n'), message: 'chmod 0644 /x failed: no such file', result: { rc: 1 } },
    { name: 'stdout when stderr is empty', r: r(2, 'said on stdout\n', ''), message: 'chmod 0644 /x failed: said on stdout', result: { rc: 2 } },
    { name: 'the exit status when both are empty', r: r(3, '', ' \n'), message: 'chmod 0644 /x failed: exit 3', result: { rc: 3 } },
    { name: 'all lines by default', r: r(1, '', LONG), message: `chmod 0644 /x failed: ${LONG.trim()}`, result: { rc: 1 } },
    // apt and apt_pin: the last lines, and the whole output in the result
    { name: 'apt', r: r(100, 'progress', LONG), opts: { lastLines: 3, withOutput: true, result: { changed: true } }, message: 'chmod 0644 /x failed: E: one\nE: two\nE: three', result: { rc: 100, stdout: 'progress', stderr: LONG, changed: true } },
    { name: 'the last lines of a short exit status', r: r(4, '', ''), opts: { lastLines: 3 }, message: 'chmod 0644 /x failed: exit 4', result: { rc: 4 } },
    // apt_repo and systemd word it their own way
    { name: 'another wording', r: r(1, '', 'denied'), opts: { message: 'could not create /etc/apt/keyrings', result: { name: 'web' } }, message: 'could not create /etc/apt/keyrings: denied', result: { rc: 1, name: 'web' } },
  ])('$name', ({ r: res, opts, message, result }) => {
    const e = commandFailure('chmod 0644 /x', res, opts);
    expect(e).toBeInstanceOf(ModuleFailure);
    expect(e.message).toBe(message);
    expect(e.result).toEqual(result);
  });
});

describe('runOrFail', () => {
  const ctx = (res: CommandResult, ran: string[] = []): ApplyContext =>
    ({
      run: async (command: string) => {
        ran.push(command);
        return res;
      },
    }) as unknown as ApplyContext;

  it('returns the result of a command that exits 0', async () => {
    const ran: string[] = [];
    await expect(runOrFail(ctx(r(0, 'ok\n', ''), ran), 'true', 'nothing')).resolves.toEqual(r(0, 'ok\n', ''));
    expect(ran).toEqual(['true']);
  });

  it('fails with commandFailure otherwise', async () => {
    await expect(runOrFail(ctx(r(1, '', 'nope')), 'false', 'the step', { result: { changed: true } })).rejects.toThrow(
      expect.objectContaining({ message: 'the step failed: nope', result: { rc: 1, changed: true } }),
    );
  });
});
