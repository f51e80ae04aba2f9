import { describe, expect, it } from 'vitest';
import { ChannelLimit } from '../../../../src/engine/transport/ssh/channel-limit.js';
import { parseJumpSpec } from '../../../../src/engine/transport/ssh/jump-spec.js';
import { remoteCommand } from '../../../../src/engine/transport/ssh/remote-command.js';

describe('ChannelLimit', () => {
  it('admits up to capacity and serves waiters first come, first served', async () => {
    const limit = new ChannelLimit(2);
    await limit.acquire();
    await limit.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((i) => limit.acquire().then(() => order.push(i)));
    expect(limit.waiting).toBe(3);
    limit.release();
    await waiters[0];
    limit.release();
    limit.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(limit.inUse).toBe(2);
  });

  it('releases the loan when the borrower throws', async () => {
    const limit = new ChannelLimit(1);
    await expect(limit.with(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(limit.inUse).toBe(0);
    expect(await limit.with(async () => 7)).toBe(7);
  });

  it('learns a lower limit and never goes below one', async () => {
    const limit = new ChannelLimit(10);
    limit.lowerTo(3);
    expect(limit.capacity).toBe(3);
    limit.lowerTo(0);
    expect(limit.capacity).toBe(1);
    limit.lowerTo(5);
    expect(limit.capacity).toBe(1);
  });
});

describe('jump specs', () => {
  it('reads [user@]host[:port] hops', () => {
    expect(parseJumpSpec('bastion')).toEqual([{ host: 'bastion' }]);
    expect(parseJumpSpec('ops@bastion:2200, b2')).toEqual([{ user: 'ops', host: 'bastion', port: 2200 }, { host: 'b2' }]);
    expect(parseJumpSpec('ssh://u@[::1]:22')).toEqual([{ user: 'u', host: '::1', port: 22 }]);
    expect(parseJumpSpec('none')).toEqual([]);
    expect(() => parseJumpSpec('a:b:c')).toThrow(/expected \[user@\]host\[:port\]/);
  });
});

describe('remote command line', () => {
  it('always runs the command with /bin/sh -c, quoted once', () => {
    expect(remoteCommand(`echo 'a b'`).line).toBe(`exec /bin/sh -c 'echo '\\''a b'\\'''`);
  });
  it('exports env values quoted and changes directory before the command', () => {
    const { line } = remoteCommand('env', { env: { A: `x'y` }, cwd: '/tmp/d d' });
    expect(line).toBe(`exec /bin/sh -c 'export A='\\''x'\\''\\'\\'''\\''y'\\''; cd '\\''/tmp/d d'\\'' && exec /bin/sh -c env'`);
  });
  it('puts a become password on stdin, never in the line', () => {
    const r = remoteCommand('id -u', { become: { user: 'root', password: 's3cret-pw' }, stdin: 'data' });
    expect(r.line).not.toContain('s3cret-pw');
    expect(r.stdin?.toString()).toBe('s3cret-pw\ndata');
    expect(r.line).toContain('sudo -H -S');
  });
});
