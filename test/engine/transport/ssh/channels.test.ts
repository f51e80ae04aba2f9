import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// the MaxSessions 3 host needs sshd to re-read its configuration first
import { labAvailable, startSshHosts, type SshLabHost } from '../../../lab/index.js';
import { asSsh, sshFixture, type SshFixture } from './fixture.js';

const ready = await labAvailable(['sshd']);

describe.skipIf(!ready)('SSH channel limit', () => {
  let fx: SshFixture;
  let hosts: SshLabHost[] = [];

  beforeAll(async () => {
    fx = await sshFixture();
    hosts = await startSshHosts(2, { authorizedKeys: [fx.key.publicKey], namePrefix: 'chan' });
    await fx.trust(hosts);
    // the second host allows only 3 sessions per connection (SIGHUP: sshd re-executes itself with the new config)
    const r = await hosts[1]!.exec(`echo 'MaxSessions 3' >> /etc/ssh/sshd_config && kill -HUP 1`);
    expect(r.exitCode, r.stderr).toBe(0);
    await new Promise((res) => setTimeout(res, 500));
  });
  afterAll(async () => {
    await Promise.allSettled(hosts.map((h) => h.stop()));
    await fx?.cleanup();
  });

  it('runs 30 concurrent execs on one connection against MaxSessions 10: all succeed, at most 10 at once', async () => {
    const conn = asSsh(await fx.factory()(fx.settings(hosts[0]!)));
    try {
      const t0 = performance.now();
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) => conn.exec(`echo $$ >> /tmp/running; sleep 0.2; n=$(wc -l < /tmp/running); echo "${i} $n"`)),
      );
      const wall = performance.now() - t0;
      console.log(`ssh: 30 concurrent 0.2 s execs in ${wall.toFixed(0)} ms (limit 10)`);
      expect(results.every((r) => r.exitCode === 0)).toBe(true);
      expect(results.map((r) => Number(r.stdout.split(' ')[0]))).toEqual(Array.from({ length: 30 }, (_, i) => i));
      // three waves of ten
      expect(wall).toBeGreaterThanOrEqual(600);
      const t1 = performance.now();
      await Promise.all(Array.from({ length: 100 }, () => conn.exec('true')));
      console.log(`ssh: 100 concurrent 'true' execs: ${((performance.now() - t1) / 100).toFixed(2)} ms each (wall/100)`);
    } finally {
      await conn.close();
    }
  });

  it('waits and retries when the server refuses channels below our limit (MaxSessions 3)', async () => {
    const conn = asSsh(await fx.factory()(fx.settings(hosts[1]!)));
    try {
      const results = await Promise.all(Array.from({ length: 12 }, (_, i) => conn.exec(`sleep 0.1; echo ${i}`)));
      expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
      expect(conn.maxChannels).toBeLessThanOrEqual(3);
    } finally {
      await conn.close();
    }
  });

  it('honours tsplay_ssh_max_sessions', async () => {
    const conn = asSsh(await fx.factory()(fx.settings(hosts[0]!, { tsplay_ssh_max_sessions: 2 })));
    try {
      expect(conn.maxChannels).toBe(2);
      const t0 = performance.now();
      await Promise.all(Array.from({ length: 4 }, () => conn.exec('sleep 0.2')));
      expect(performance.now() - t0).toBeGreaterThanOrEqual(400);
    } finally {
      await conn.close();
    }
  });
});
