import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkHostKey, entryMatchesHost, knownHostName, knownKeyTypes, parseKnownHosts } from '../../../../src/engine/transport/ssh/known-hosts.js';
import { describeHostKey, hostKeyAlgorithms } from '../../../../src/engine/transport/ssh/host-key.js';

function hashed(name: string): string {
  const salt = randomBytes(20);
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`;
}

const KEY_A = 'AAAAC3NzaC1lZDI1NTE5AAAAIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const KEY_B = 'AAAAC3NzaC1lZDI1NTE5AAAAIBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB';

describe('known_hosts', () => {
  it('names hosts as OpenSSH does', () => {
    expect(knownHostName('h', 22)).toBe('h');
    expect(knownHostName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('parses entries, markers and comments; skips junk', () => {
    const e = parseKnownHosts(`# c\n\nh1,h2 ssh-ed25519 ${KEY_A} comment\n@revoked * ssh-ed25519 ${KEY_B}\n@cert-authority *.x ssh-ed25519 ${KEY_A}\nbroken\n@weird h ssh-rsa X\n`, 'f');
    expect(e.map((x) => [x.marker, x.hosts, x.line])).toEqual([
      [undefined, 'h1,h2', 3],
      ['revoked', '*', 4],
      ['cert-authority', '*.x', 5],
    ]);
  });

  it('matches plain, wildcard, negated, [host]:port and hashed names', () => {
    const table: [string, string, boolean][] = [
      ['h1,h2', 'h2', true],
      ['*.example.com', 'a.example.com', true],
      ['*.example.com,!bad.example.com', 'bad.example.com', false],
      ['[127.0.0.1]:2222', '[127.0.0.1]:2222', true],
      ['[127.0.0.1]:2222', '127.0.0.1', false],
      ['127.0.0.1', '[127.0.0.1]:2222', false],
      [hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2222', true],
      [hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2223', false],
      [hashed('host.example'), 'host.example', true],
      ['|1|garbage', 'x', false],
    ];
    for (const [hosts, name, want] of table) expect(entryMatchesHost(hosts, name), `${hosts} ~ ${name}`).toBe(want);
  });

  it('classifies a key as known, unknown, changed or revoked', () => {
    const name = '[127.0.0.1]:2222';
    const entries = parseKnownHosts(`${hashed(name)} ssh-ed25519 ${KEY_A}\nother ssh-ed25519 ${KEY_B}\n`, 'kh');
    expect(checkHostKey(entries, name, 'ssh-ed25519', KEY_A).status).toBe('known');
    expect(checkHostKey(entries, name, 'ssh-ed25519', KEY_B).status).toBe('changed');
    expect(checkHostKey(entries, name, 'ecdsa-sha2-nistp256', 'AAAA').status).toBe('unknown');
    expect(checkHostKey(entries, 'new', 'ssh-ed25519', KEY_A).status).toBe('unknown');
    const revoked = parseKnownHosts(`@revoked * ssh-ed25519 ${KEY_A}\n${name} ssh-ed25519 ${KEY_A}\n`, 'kh');
    expect(checkHostKey(revoked, name, 'ssh-ed25519', KEY_A).status).toBe('revoked');
    expect(knownKeyTypes(entries, name)).toEqual(['ssh-ed25519']);
  });

  it('describes a key blob: type and SHA256 fingerprint as ssh-keygen prints it', () => {
    const blob = Buffer.from(KEY_A, 'base64');
    const d = describeHostKey(blob);
    expect(d.type).toBe('ssh-ed25519');
    expect(d.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
  });

  it('offers known key types first when negotiating', () => {
    expect(hostKeyAlgorithms(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithms([])[0]).toBe('ssh-ed25519');
    expect(new Set(hostKeyAlgorithms(['ecdsa-sha2-nistp256'])).size).toBe(7);
  });
});
