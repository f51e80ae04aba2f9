/**
 * uri: one request to the API of a host on `tsplay_connection: http`
 * (a subset of Ansible's ansible.builtin.uri). The connection supplies the
 * base URL, TLS, credentials, sessions and retries; the task says what to
 * send. A GET only reads, so it runs in `check` (in check mode too) and never
 * reports a change. Any other method is a change: check mode reports it
 * without sending anything, and a real run sends it in `apply`.
 */
import { defineModule, ModuleFailure, Type, type HttpReader, type HttpRequest, type HttpResponse } from '../engine/module.js';
import { mutuallyExclusive, requiredOneOf } from './support/schema.js';

const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const params = Type.Object(
  {
    path: Type.Optional(Type.String({ minLength: 1, description: 'Path below the host\'s `tsplay_http_url`, e.g. `/policy/api/v1/infra/services`; may carry a query string.' })),
    url: Type.Optional(
      Type.String({ minLength: 1, description: 'Full URL instead of `path`; it must start with the host\'s `tsplay_http_url` (credentials are only sent there).' }),
    ),
    method: Type.Union(
      methods.map((m) => Type.Literal(m)),
      { default: 'GET', description: 'GET only reads (runs in check mode too); POST, PUT, PATCH and DELETE are changes, sent only in a real run.' },
    ),
    body: Type.Optional(Type.Unknown({ description: 'Request body: with body_format json any value, sent as JSON; with raw a string sent as it is.' })),
    body_format: Type.Union([Type.Literal('json'), Type.Literal('raw')], { default: 'json', description: 'json: send `body` as JSON (a string body is taken as JSON text already); raw: send the string as it is (set content-type in headers).' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Extra request headers. Credentials come from the connection, not from here.' })),
    status_code: Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.Array(Type.Integer({ minimum: 100, maximum: 599 }), { minItems: 1 })], {
      default: [200],
      description: 'Status code(s) that mean success; any other fails the task.',
    }),
    return_content: Type.Boolean({ default: false, description: 'Register the response body as `content` (text); a JSON body is always registered as `json`.' }),
  },
  { additionalProperties: false, ...requiredOneOf('path', 'url'), ...mutuallyExclusive(['path', 'url']) },
);

type Params = typeof params.static;

export default defineModule({
  name: 'uri',
  uses: 'http',
  description: 'Sends one request to the API of a host on tsplay_connection http (GET reads, other methods change); checks the status and registers the answer.',
  params,
  async check(ctx, p) {
    const req = request(p, ctx.vars.tsplay_http_url);
    const what = `${req.method} ${req.path}`;
    if (req.method !== 'GET') {
      return {
        changed: true,
        summary: `${what} would be sent`,
        ...(p.body !== undefined ? { diff: [{ label: what, after: diffable(req.body) }] } : {}),
        result: { method: req.method, path: req.path },
      };
    }
    const reader: HttpReader = await ctx.http();
    return { changed: false, summary: what, result: outcome(p, req, await reader.get(req.path, headersAndAccept(req))) };
  },
  async apply(ctx, _plan, p) {
    const req = request(p, ctx.vars.tsplay_http_url);
    const client = await ctx.http();
    return { result: outcome(p, req, await client.request(req)) };
  },
});

function statuses(p: Params): number[] {
  return typeof p.status_code === 'number' ? [p.status_code] : p.status_code;
}

function request(p: Params, base: unknown): HttpRequest & { path: string } {
  const path = p.path ?? relative(p.url!, baseText(base));
  const body = p.body === undefined ? undefined : p.body_format === 'raw' ? rawBody(p.body) : p.body;
  const headers = { ...p.headers };
  if (p.body_format === 'json' && typeof body === 'string' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['content-type'] = 'application/json';
  }
  return {
    method: p.method,
    path,
    ...(body !== undefined ? { body } : {}),
    ...(Object.keys(headers).length ? { headers } : {}),
    accept: statuses(p),
  };
}

function headersAndAccept(req: HttpRequest): Pick<HttpRequest, 'headers' | 'accept'> {
  return { ...(req.headers ? { headers: req.headers } : {}), ...(req.accept ? { accept: req.accept } : {}) };
}

/** The host's tsplay_http_url as text, to check a full `url` against (the connection validates the URL itself). */
function baseText(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string' || typeof v === 'number') return String(v);
  throw new ModuleFailure(
    `url needs the host's tsplay_http_url as plain text to compare with, and it is ${Array.isArray(v) ? 'a list' : 'not text (a mapping or a vaulted value)'}; use path instead`,
    {},
  );
}

function relative(url: string, base: string): string {
  const b = base.replace(/\/+$/, '');
  if (!b) throw new ModuleFailure('url needs the host\'s tsplay_http_url to compare with; use path instead', {});
  if (url !== b && !url.startsWith(`${b}/`) && !url.startsWith(`${b}?`)) {
    throw new ModuleFailure(`url must start with the host's tsplay_http_url (${b}); credentials are only sent there`, {});
  }
  return url.slice(b.length) || '/';
}

function rawBody(body: unknown): string {
  if (typeof body !== 'string') throw new ModuleFailure('body_format raw needs a string body (use body_format json for objects)', {});
  return body;
}

function diffable(body: unknown): string | Record<string, unknown> | unknown[] | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string' || Array.isArray(body)) return body;
  if (body !== null && typeof body === 'object') return body as Record<string, unknown>;
  return JSON.stringify(body);
}

function outcome(p: Params, req: HttpRequest, res: HttpResponse): Record<string, unknown> {
  const result: Record<string, unknown> = {
    status: res.status,
    method: req.method,
    path: req.path,
    content_type: res.headers['content-type'] ?? '',
    ...(res.data !== null && typeof res.data === 'object' ? { json: res.data } : {}),
    ...(p.return_content ? { content: typeof res.data === 'string' ? res.data : JSON.stringify(res.data) } : {}),
  };
  const wanted = statuses(p);
  if (!wanted.includes(res.status)) {
    throw new ModuleFailure(`Status code was ${res.status} and not [${wanted.join(', ')}]: ${req.method} ${req.path}`, result);
  }
  return { ...result, msg: `OK (${res.status})` };
}
