/**
 * What every Connection must do, whatever carries the commands: one table of
 * cases that the local, docker and SSH transport tests all run.
 */
import { expect, it } from 'vitest';
import type { Connection } from '../../../src/engine/transport/transport.js';

export function connectionContract(conn: () => Connection): void {
  it('returns exit codes without throwing', async () => {
    expect((await conn().exec('true')).exitCode).toBe(0);
    expect((await conn().exec('exit 3')).exitCode).toBe(3);
    expect((await conn().exec('nosuchcommand')).exitCode).toBe(127);
  });

  it('separates stdout and stderr', async () => {
    const r = await conn().exec('echo out; echo err >&2; echo out2');
    expect(r.stdout).toBe('out\nout2\n');
    expect(r.stderr).toBe('err\n');
  });

  it('feeds stdin, string or Buffer', async () => {
    expect((await conn().exec('cat', { stdin: 'hello\nworld' })).stdout).toBe('hello\nworld');
    const bin = Buffer.from([0, 1, 2, 255, 10]);
    expect((await conn().exec('od -An -tx1', { stdin: bin })).stdout.trim()).toBe('00 01 02 ff 0a');
    expect((await conn().exec('wc -c')).stdout.trim()).toBe('0');
  });

  it('decodes multibyte output once, whatever the chunking', async () => {
    const r = await conn().exec(`i=0; while [ $i -lt 20000 ]; do printf 'é€😀'; i=$((i+1)); done`);
    expect(r.stdout).toBe('é€😀'.repeat(20000));
  });

  it('passes env values and cwd', async () => {
    const value = `it's "quoted" $HOME; and spaced`;
    const r = await conn().exec('printf %s "$CONTRACT_X"; echo; pwd', { env: { CONTRACT_X: value }, cwd: '/etc' });
    expect(r.stdout).toBe(`${value}\n/etc\n`);
  });

  it('round-trips a file through put and get, atomically replacing the old one', async () => {
    const path = `/tmp/tsplay-contract-${process.pid}.bin`;
    const content = Buffer.from([...Array(4096).keys()].map((i) => i % 256));
    await conn().put(path, Buffer.from('old'));
    await conn().put(path, content, { mode: '0640' });
    expect(Buffer.compare((await conn().get(path)) ?? Buffer.alloc(0), content)).toBe(0);
    expect((await conn().exec(`stat -c %a ${path}; rm -f ${path}`)).stdout.trim()).toBe('640');
    expect(await conn().get(path)).toBeNull();
  });
}
