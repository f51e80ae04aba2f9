/** The connection variables of `tsplay_connection: http`, and the backoff they configure. */
import { describe, expect, it } from 'vitest';
import { Secret } from '../../../../src/engine/secret.js';
import { httpSettings } from '../../../../src/engine/transport/http/index.js';
import { backoffMs, retryAfterMs } from '../../../../src/engine/transport/http/retry.js';
import { safeUrl } from '../../../../src/engine/transport/http/safe-url.js';

const settings = (vars: Record<string, unknown>, user?: string) =>
  httpSettings({ host: 'nsx', connection: 'http', address: 'nsx', ...(user ? { user } : {}), vars });

describe('httpSettings', () => {
  it('defaults: TLS verified, 30 s timeout, 5 retries from 0.5 s to 5 s, basic auth when a user is set', () => {
    const s = settings({ tsplay_http_url: 'https://nsx.example:443/', tsplay_http_user: 'admin', tsplay_http_password: 'pw-1234' });
    expect(s).toMatchObject({ auth: 'basic', user: 'admin', validateCerts: true, timeoutMs: 30_000, retry: { retries: 5, baseDelayMs: 500, maxDelayMs: 5000 } });
    expect(s.password).toBeInstanceOf(Secret);
    expect(String(s.password)).toBe('********');
    expect(settings({ tsplay_http_url: 'http://x' }).auth).toBe('none');
  });

  it('takes the user from tsplay_user/ansible_user and the password from tsplay_password/ansible_password', () => {
    const s = settings({ tsplay_http_url: 'https://vc', tsplay_http_auth: 'vsphere_soap', ansible_password: new Secret('vault-pw') }, 'ops@vsphere.local');
    expect(s.user).toBe('ops@vsphere.local');
    expect(s.password?.reveal()).toBe('vault-pw');
    expect(settings({ tsplay_http_url: 'https://vc', tsplay_http_password: 'a1b', ansible_password: 'zzz' }, 'u').password?.reveal()).toBe('a1b');
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['no url', {}, "host 'nsx': tsplay_connection is http but tsplay_http_url is not set"],
    ['not a URL', { tsplay_http_url: 'nsx.example' }, `host 'nsx': tsplay_http_url is not a URL: "nsx.example"`],
    ['wrong scheme', { tsplay_http_url: 'ftp://nsx' }, "host 'nsx': tsplay_http_url must be an http:// or https:// URL, found ftp:"],
    ['credentials in the URL', { tsplay_http_url: 'https://admin:pw@nsx' }, "host 'nsx': tsplay_http_url must not carry credentials; use tsplay_http_user and tsplay_http_password"],
    ['unknown auth', { tsplay_http_url: 'https://nsx', tsplay_http_auth: 'oauth' }, `host 'nsx': tsplay_http_auth must be one of basic, nsx_session, vsphere_soap, vsphere_rest, none, found "oauth"`],
    ['session without password', { tsplay_http_url: 'https://nsx', tsplay_http_auth: 'nsx_session', tsplay_http_user: 'a' }, "host 'nsx': tsplay_http_auth nsx_session needs a user and a password"],
    ['bad bool', { tsplay_http_url: 'https://nsx', tsplay_http_validate_certs: 'maybe' }, `host 'nsx': tsplay_http_validate_certs must be true or false, found "maybe"`],
    ['bad timeout', { tsplay_http_url: 'https://nsx', tsplay_http_timeout: 0 }, "host 'nsx': tsplay_http_timeout must be a number >= 0.001, found 0"],
    ['fractional retries', { tsplay_http_url: 'https://nsx', tsplay_http_retries: 1.5 }, "host 'nsx': tsplay_http_retries must be an integer >= 0, found 1.5"],
    ['max delay below the delay', { tsplay_http_url: 'https://nsx', tsplay_http_retry_delay: 2, tsplay_http_retry_max_delay: 1 }, "host 'nsx': tsplay_http_retry_max_delay must be a number >= 2, found 1"],
  ];
  it.each(bad)('%s is refused clearly', (_name, vars, message) => {
    expect(() => settings(vars)).toThrow(message);
  });
});

describe('backoff', () => {
  const s = { retries: 5, baseDelayMs: 500, maxDelayMs: 5000 };
  it('doubles from the base with ±20 % jitter, never above the maximum (nsxlib: 400–600 ms, up to 5 s)', () => {
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(s, n, undefined, () => 0))).toEqual([400, 800, 1600, 3200, 4000, 4000]);
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffMs(s, n, undefined, () => 1))).toEqual([600, 1200, 2400, 4800, 5000, 5000]);
  });
  it('honours Retry-After (seconds or a date), up to a minute', () => {
    expect(backoffMs(s, 0, retryAfterMs('2'))).toBe(2000);
    expect(backoffMs(s, 0, retryAfterMs('3600'))).toBe(60_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
});

describe('safeUrl', () => {
  it.each([
    ['https://u:p@nsx/a?x=1', 'https://nsx/a?x=1'],
    ['https://nsx/a?password=p&j_password=q&token=t&session_id=s&api_key=k&cursor=00ab', 'https://nsx/a?password=***&j_password=***&token=***&session_id=***&api_key=***&cursor=00ab'],
  ])('%s → %s', (input, output) => {
    expect(safeUrl(input)).toBe(output);
  });
});
