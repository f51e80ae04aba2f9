/** `ProxyJump` / `tsplay_ssh_jump` values: `[user@]host[:port]` hops, comma-separated, or `none`. */

export interface JumpHop {
  readonly user?: string;
  readonly host: string;
  readonly port?: number;
}

export class JumpSpecError extends Error {
  readonly code = 'E_SSH_JUMP_SPEC';
}

export function parseJumpSpec(spec: string): JumpHop[] {
  const text = spec.trim();
  if (text === '' || text.toLowerCase() === 'none') return [];
  return text.split(',').map((part) => parseHop(part.trim(), spec));
}

function parseHop(part: string, whole: string): JumpHop {
  const m = /^(?:ssh:\/\/)?(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d+))?$/.exec(part);
  if (!m) throw new JumpSpecError(`cannot read jump host ${JSON.stringify(part)} in ${JSON.stringify(whole)}: expected [user@]host[:port]`);
  const host = m[2]!.replace(/^\[(.*)\]$/, '$1');
  const port = m[3] === undefined ? undefined : Number(m[3]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new JumpSpecError(`bad port in jump host ${JSON.stringify(part)}`);
  return { host, ...(m[1] ? { user: m[1] } : {}), ...(port !== undefined ? { port } : {}) };
}
