import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshUnreachableError, type SshConnection } from '../../../../src/engine/transport/ssh/index.js';
import { labAvailable, startSshHosts, type SshLabHost } from '../../../lab/index.js';
import { asSsh, sshFixture, type SshFixture } from './fixture.js';

const ready = await labAvailable(['sshd']);
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe.skipIf(!ready)('SSH files', () => {
  let fx: SshFixture;
  let host: SshLabHost;
  let conn: SshConnection;

  beforeAll(async () => {
    fx = await sshFixture();
    [host] = (await startSshHosts(1, { authorizedKeys: [fx.key.publicKey], namePrefix: 'files' })) as [SshLabHost];
    await fx.trust([host]);
    conn = asSsh(await fx.factory()(fx.settings(host)));
  });
  afterAll(async () => {
    await conn?.close();
    await host?.stop();
    await fx?.cleanup();
  });

  it('round-trips 5 MiB of binary data, checksum intact', async () => {
    const data = randomBytes(5 * 1024 * 1024);
    let t0 = performance.now();
    await conn.put('/tmp/big.bin', data, { mode: '0640' });
    const putMs = performance.now() - t0;
    expect((await host.exec('sha256sum /tmp/big.bin | cut -d" " -f1; stat -c %a /tmp/big.bin')).stdout).toBe(`${sha256(data)}\n640\n`);
    t0 = performance.now();
    const back = await conn.get('/tmp/big.bin');
    const getMs = performance.now() - t0;
    console.log(`ssh: 5 MiB put ${putMs.toFixed(0)} ms, get ${getMs.toFixed(0)} ms`);
    expect(back && sha256(back)).toBe(sha256(data));
  });

  it('get returns null for a missing file; put keeps mode and owner of an existing file', async () => {
    expect(await conn.get('/nonexistent/x')).toBeNull();
    await host.exec('useradd -m carol && echo old > /tmp/owned && chown carol /tmp/owned && chmod 0600 /tmp/owned');
    await conn.put('/tmp/owned', Buffer.from('new\n'));
    expect((await host.exec('cat /tmp/owned; stat -c "%U %a" /tmp/owned')).stdout).toBe('new\ncarol 600\n');
    await expect(conn.put('/nonexistent-dir/f', Buffer.from('x'))).rejects.toThrow(/cannot write \/nonexistent-dir\/f/);
  });

  it('an interrupted upload leaves the old file whole and no temporary file; the connection is reopened', async () => {
    await conn.put('/tmp/precious', Buffer.from('old content\n'));
    // large enough to be still on its way when the connection is cut
    const data = Buffer.alloc(96 * 1024 * 1024, 7);
    const upload = conn.put('/tmp/precious', data);
    await new Promise((r) => setTimeout(r, 150));
    conn.destroySocketForTest();
    const e = await upload.then(
      () => undefined,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(SshUnreachableError);
    expect((e as SshUnreachableError).failure).toBe('lost');
    // give the remote side a moment to see end-of-file and clean up
    for (let i = 0; i < 50 && (await host.exec('ls -a /tmp | grep -c tsplay || true')).stdout.trim() !== '0'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await host.exec('cat /tmp/precious').then((r) => r.stdout)).toBe('old content\n');
    expect((await host.exec('ls -a /tmp | grep tsplay || true')).stdout).toBe('');
    // the next command reopens the connection
    expect((await conn.exec('echo back')).stdout).toBe('back\n');
  });
});
