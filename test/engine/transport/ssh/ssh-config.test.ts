import { describe, expect, it } from 'vitest';
import { expandTokens, hostMatchesPatterns, lookupSshConfig, parseSshConfig } from '../../../../src/engine/transport/ssh/ssh-config.js';

const CONFIG = `
# global options come first
IdentityFile ~/.ssh/global_key

Host web-* !web-secret
    HostName %h.example.internal
    User deploy
    Port 2222

Host db1 db2
    HostName=10.0.0.5
    user dbadmin
    IdentityFile "~/.ssh/my db key"
    ProxyJump ops@bastion:2200

Match host *.late
    User never

Host *
    User fallback
    Port 22
    IdentityFile ~/.ssh/id_%r_%h
    StrictHostKeyChecking accept-new
    UserKnownHostsFile ~/.ssh/kh_%h
`;

describe('ssh config', () => {
  const blocks = parseSshConfig(CONFIG);
  const cases: { host: string; expected: Record<string, unknown> }[] = [
    {
      host: 'web-1',
      expected: { hostName: '%h.example.internal', user: 'deploy', port: 2222, identityFiles: ['~/.ssh/global_key', '~/.ssh/id_%r_%h'] },
    },
    { host: 'web-secret', expected: { user: 'fallback', port: 22, identityFiles: ['~/.ssh/global_key', '~/.ssh/id_%r_%h'] } },
    {
      host: 'db2',
      expected: { hostName: '10.0.0.5', user: 'dbadmin', port: 22, proxyJump: 'ops@bastion:2200', identityFiles: ['~/.ssh/global_key', '~/.ssh/my db key', '~/.ssh/id_%r_%h'] },
    },
    { host: 'other.late', expected: { user: 'fallback' } },
    { host: 'WEB-2', expected: { user: 'deploy', port: 2222 } },
  ];
  for (const c of cases) {
    it(`resolves ${c.host}`, () => {
      const got = lookupSshConfig(blocks, c.host);
      expect(got).toMatchObject(c.expected);
      expect(got.strictHostKeyChecking).toBe('accept-new');
      expect(got.userKnownHostsFile).toBe('~/.ssh/kh_%h');
    });
  }

  it('takes the first value of a keyword and accumulates IdentityFile', () => {
    const b = parseSshConfig('Host a\n  Port 1\nHost *\n  Port 2\n  IdentityFile x\nHost a\n  IdentityFile y\n');
    expect(lookupSshConfig(b, 'a')).toEqual({ port: 1, identityFiles: ['x', 'y'] });
  });

  it('matches patterns: *, ?, negation, comma lists', () => {
    const table: [string, string[], boolean][] = [
      ['a.example.com', ['*.example.com'], true],
      ['example.com', ['*.example.com'], false],
      ['h1', ['h?'], true],
      ['h10', ['h?'], false],
      ['h1', ['h*', '!h1'], false],
      ['h2', ['h*', '!h1'], true],
      ['x', ['!y'], false],
      ['b', ['a,b'], true],
      ['a.b', ['a?b'], true],
      ['axb', ['a.b'], false],
    ];
    for (const [host, patterns, want] of table) expect(hostMatchesPatterns(host, patterns), `${host} ~ ${patterns.join(' ')}`).toBe(want);
  });

  it('expands ~ and %-tokens', () => {
    const t = { host: 'h.example', port: 2200, remoteUser: 'deploy', localUser: 'me', home: '/home/me' };
    expect(expandTokens('~/.ssh/id_%r@%h:%p', t)).toBe('/home/me/.ssh/id_deploy@h.example:2200');
    expect(expandTokens('%d/%u/100%%', t)).toBe('/home/me/me/100%');
    expect(expandTokens('/abs/~/x', t)).toBe('/abs/~/x');
  });
});
