/**
 * The session half of NSX Manager's authentication, as a Handler for
 * api-server.ts: `POST /api/session/create` with the form j_username /
 * j_password sets a JSESSIONID cookie and answers an x-xsrf-token header;
 * every other call needs both, or gets 401 (no or unknown session) or 403
 * with error_code 98 (bad XSRF token), as NSX does; `POST /api/session/destroy`
 * ends the caller's session. `expireAll()` ends every session, as the
 * manager's idle timeout would.
 */
import { randomBytes } from 'node:crypto';
import type { Handler, Reply, SeenRequest } from './api-server.js';

export interface NsxSessions {
  readonly handler: Handler;
  /** logins that succeeded */
  readonly logins: () => number;
  expireAll(): void;
  /** answer 403/98 once to the next call, as after an XSRF token rotation */
  breakXsrfOnce(): void;
}

function cookieOf(req: SeenRequest): string | undefined {
  const raw = req.headers.cookie;
  const text = Array.isArray(raw) ? raw.join('; ') : raw;
  return text ? /(?:^|;\s*)JSESSIONID=([^;]+)/.exec(text)?.[1] : undefined;
}

export function nsxSessions(user: string, password: string, api: Handler): NsxSessions {
  const sessions = new Map<string, string>(); // JSESSIONID -> xsrf token
  let logins = 0;
  let breakXsrf = false;
  const handler: Handler = (req, i) => {
    if (req.path === '/api/session/create' && req.method === 'POST') {
      const form = new URLSearchParams(req.body);
      if (req.headers['content-type'] !== 'application/x-www-form-urlencoded' || form.get('j_username') !== user || form.get('j_password') !== password) {
        return { status: 403, body: { error_code: 403, error_message: 'Not Authenticated: bad username or password' } };
      }
      const id = randomBytes(12).toString('hex');
      const xsrf = randomBytes(12).toString('hex');
      sessions.set(id, xsrf);
      logins++;
      return { status: 200, headers: { 'set-cookie': [`JSESSIONID=${id}; Path=/; Secure; HttpOnly`], 'x-xsrf-token': xsrf }, body: '' } satisfies Reply;
    }
    const id = cookieOf(req);
    if (!id || !sessions.has(id)) return { status: 401, body: { error_code: 401, error_message: 'The credentials were incorrect or the account specified has been locked.' } };
    if (breakXsrf || req.headers['x-xsrf-token'] !== sessions.get(id)) {
      breakXsrf = false;
      sessions.delete(id);
      return { status: 403, body: { error_code: 98, error_message: 'Bad XSRF token' } };
    }
    if (req.path === '/api/session/destroy' && req.method === 'POST') {
      sessions.delete(id);
      return { status: 200, body: '' };
    }
    return api(req, i);
  };
  return {
    handler,
    logins: () => logins,
    expireAll: () => sessions.clear(),
    breakXsrfOnce: () => {
      breakXsrf = true;
    },
  };
}
