/**
 * Authentication as NSX Manager does it (domain-reference 1.1):
 * - Basic auth on every call (Broadcom KB 423054).
 * - Sessions: `POST /api/session/create` with a form body `j_username=..&j_password=..` answers
 *   `set-cookie: JSESSIONID=...` and an `x-xsrf-token` header; later calls send the cookie and
 *   `X-XSRF-TOKEN` (BDC `method_CreateAuthenticatedSession.html`). `POST /api/session/destroy` logs out.
 * Statuses:
 * - wrong or missing credentials: 403, error_code 403, module common-services, "The credentials were
 *   incorrect or the account specified has been locked." (the body public NSX-T fixtures record; NSX answers
 *   403, not 401, for a failed basic or form login).
 * - a session without, or with a wrong, XSRF token: 403 error_code 98 (vmware-nsxlib maps 403+98 to BadXSRFToken).
 * - an unknown or expired JSESSIONID: 401 by default (`sessionExpiredStatus`), so clients re-login. What a real
 *   manager sends for a timed-out session is [U]; nsxlib re-logins on 401 and on 403+98, so both are offered.
 * - `sessionIdleTimeoutMs`: a session unused that long expires [V BDC `types_HttpServiceProperties`:
 *   session_timeout, default 1800 s]; off unless given (tests expire sessions with `expireAll`).
 * - account lockout: after `maxFailures` failed logins of one user name within `resetMs`, the account is refused
 *   (the same 403) for `lockoutMs`, even with the right password [V BDC `types_AuthenticationPolicyProperties`:
 *   api_max_auth_failures 5, api_failed_auth_reset_period 900 s, api_failed_auth_lockout_period 900 s]. A client
 *   that retries a wrong password locks the account, as on a real manager.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ErrorCode, NsxApiError } from './errors.js';

interface Session {
  readonly user: string;
  readonly xsrf: string;
  lastUsed: number;
}

export interface AuthOptions {
  readonly users: Readonly<Record<string, string>>;
  /** status for a request on an unknown or expired session (default 401) */
  readonly sessionExpiredStatus?: 401 | 403;
  /** a session unused this long expires (NSX `session_timeout`, default 1800 s); no idle expiry when left out */
  readonly sessionIdleTimeoutMs?: number;
  /** account lockout after failed logins; false turns it off */
  readonly lockout?: LockoutPolicy | false;
}

export interface LockoutPolicy {
  /** failed logins that lock the account (NSX default 5) */
  readonly maxFailures: number;
  /** window in which the failures must fall (NSX default 900 s) */
  readonly resetMs: number;
  /** how long the account stays locked (NSX default 900 s) */
  readonly lockoutMs: number;
}

export const NSX_LOCKOUT: LockoutPolicy = { maxFailures: 5, resetMs: 900_000, lockoutMs: 900_000 };

const badCredentials = (): NsxApiError =>
  new NsxApiError(403, ErrorCode.badCredentials, 'The credentials were incorrect or the account specified has been locked.', [], 'common-services');

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

export class Authenticator {
  private readonly sessions = new Map<string, Session>();
  private readonly failures = new Map<string, number[]>();
  private readonly lockedUntil = new Map<string, number>();

  constructor(private readonly opts: AuthOptions, private readonly clock: () => number = Date.now) {}

  private check(user: string, password: string): boolean {
    const now = this.clock();
    const policy = this.opts.lockout === false ? undefined : (this.opts.lockout ?? NSX_LOCKOUT);
    if (policy && (this.lockedUntil.get(user) ?? 0) > now) return false;
    if (Object.hasOwn(this.opts.users, user) && this.opts.users[user] === password) {
      this.failures.delete(user);
      return true;
    }
    if (policy) {
      const recent = [...(this.failures.get(user) ?? []), now].filter((t) => now - t < policy.resetMs);
      this.failures.set(user, recent);
      if (recent.length >= policy.maxFailures) {
        this.lockedUntil.set(user, now + policy.lockoutMs);
        this.failures.delete(user);
      }
    }
    return false;
  }

  /** whether an account is locked out now */
  isLocked(user: string): boolean {
    return (this.lockedUntil.get(user) ?? 0) > this.clock();
  }

  /** lifts every lockout and forgets failed logins */
  unlockAll(): void {
    this.lockedUntil.clear();
    this.failures.clear();
  }

  /** the user a request acts as; throws the documented 401/403 */
  authenticate(req: IncomingMessage): string {
    const sessionId = cookie(req, 'JSESSIONID');
    if (sessionId !== undefined) {
      const session = this.sessions.get(sessionId);
      const idle = this.opts.sessionIdleTimeoutMs;
      if (session && idle !== undefined && this.clock() - session.lastUsed > idle) this.sessions.delete(sessionId);
      if (!session || !this.sessions.has(sessionId)) {
        const status = this.opts.sessionExpiredStatus ?? 401;
        throw new NsxApiError(status, status === 401 ? ErrorCode.sessionExpired : ErrorCode.badXsrfToken,
          'The session has expired or is not valid; log in again.', [], 'common-services');
      }
      if (req.headers['x-xsrf-token'] !== session.xsrf) {
        throw new NsxApiError(403, ErrorCode.badXsrfToken, 'Bad XSRF token', [], 'common-services');
      }
      session.lastUsed = this.clock();
      return session.user;
    }
    const header = req.headers.authorization ?? '';
    const m = /^Basic\s+(\S+)$/i.exec(header);
    if (!m) throw badCredentials();
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || !this.check(decoded.slice(0, colon), decoded.slice(colon + 1))) throw badCredentials();
    return decoded.slice(0, colon);
  }

  /** POST /api/session/create: returns the cookie and token, or throws 403 */
  createSession(form: string): { sessionId: string; xsrf: string; user: string } {
    const params = new URLSearchParams(form);
    const user = params.get('j_username') ?? '';
    if (!this.check(user, params.get('j_password') ?? '')) throw badCredentials();
    const sessionId = randomBytes(16).toString('hex').toUpperCase();
    const xsrf = randomBytes(18).toString('base64url');
    this.sessions.set(sessionId, { user, xsrf, lastUsed: this.clock() });
    return { sessionId, xsrf, user };
  }

  /** POST /api/session/destroy: ends the request's session (no-op without one) */
  destroySession(req: IncomingMessage): void {
    const id = cookie(req, 'JSESSIONID');
    if (id !== undefined) this.sessions.delete(id);
  }

  /** ends every session, as a manager's session timeout would */
  expireAll(): number {
    const n = this.sessions.size;
    this.sessions.clear();
    return n;
  }

  get sessionCount(): number {
    return this.sessions.size;
  }
}
