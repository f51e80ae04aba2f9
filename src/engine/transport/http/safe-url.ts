/**
 * URLs as they may appear in messages: no user or password, and the value of
 * every query parameter whose name looks like a credential masked.
 */
const SECRET_PARAM = /pass|pwd|token|secret|session|key|auth|cred|sig/i;

export function safeUrl(url: URL | string): string {
  const u = new URL(String(url));
  u.username = '';
  u.password = '';
  u.hash = '';
  if (u.search) {
    const params = new URLSearchParams(u.search);
    const out = new URLSearchParams();
    for (const [k, v] of params) out.append(k, SECRET_PARAM.test(k) ? '***' : v);
    u.search = out.toString().replaceAll('%2A%2A%2A', '***');
  }
  return u.toString();
}
