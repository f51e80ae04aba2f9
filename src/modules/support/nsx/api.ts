/**
 * NSX Policy API paths and the reads every NSX module needs: one object by
 * path (null when absent), a whole list across pages, and the bounded retry
 * on a conflicting write (412 stale `_revision`, 409 modified by someone
 * else): re-read, re-plan, re-send.
 */
import type { ApplyOutcome, HttpClient, HttpReader } from '../../../engine/module.js';

export const POLICY = '/policy/api/v1';
export const INFRA = `${POLICY}/infra`;

/** Paths as NSX writes them in references (`/infra/...`), and the URLs to read them. */
export const nsxPath = {
  group: (domain: string, id: string) => `/infra/domains/${domain}/groups/${id}`,
  service: (id: string) => `/infra/services/${id}`,
  policy: (domain: string, id: string) => `/infra/domains/${domain}/security-policies/${id}`,
  rules: (domain: string, policy: string) => `/infra/domains/${domain}/security-policies/${policy}/rules`,
  segment: (id: string) => `/infra/segments/${id}`,
  ports: (segment: string) => `/infra/segments/${segment}/ports`,
  port: (segment: string, id: string) => `/infra/segments/${segment}/ports/${id}`,
  spoofguardProfile: (id: string) => `/infra/spoofguard-profiles/${id}`,
  segmentBindingMaps: (segment: string) => `/infra/segments/${segment}/segment-security-profile-binding-maps`,
  segmentBindingMap: (segment: string, id: string) => `/infra/segments/${segment}/segment-security-profile-binding-maps/${id}`,
} as const;

/** A policy path (`/infra/...`) as a URL path below the manager's base URL. */
export const url = (path: string): string => `${POLICY}${path}`;

export type NsxObject = Record<string, unknown>;

/** GET one object; null on 404. */
export async function getObject(http: HttpReader, path: string): Promise<NsxObject | null> {
  const r = await http.get<NsxObject>(url(path), { accept: [404] });
  return r.status === 404 ? null : r.data;
}

interface ListPage {
  readonly results?: readonly NsxObject[];
  readonly cursor?: string;
}

/** The end of a list: no cursor, or one of the "null cursor" form nsxlib knows (starts with 0000). */
export function lastPage(cursor: string | undefined): boolean {
  return !cursor || cursor.startsWith('0000');
}

/** Every object of a Policy list (`/infra/...`), following `cursor` page by page. A missing parent (404) is an empty list. */
export function listAll(http: HttpReader, path: string, pageSize = 1000): Promise<NsxObject[]> {
  return listAllAt(http, url(path), {}, pageSize);
}

/** Every object of any NSX list URL (Policy or Manager API), page by page, with extra query filters. */
export async function listAllAt(http: HttpReader, urlPath: string, filters: Readonly<Record<string, string>>, pageSize = 1000): Promise<NsxObject[]> {
  const out: NsxObject[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const r = await http.get<ListPage>(urlPath, { query: { ...filters, page_size: pageSize, ...(cursor ? { cursor } : {}) }, accept: [404] });
    if (r.status === 404) return out;
    out.push(...(r.data.results ?? []));
    cursor = r.data.cursor;
    if (lastPage(cursor)) return out;
  }
  throw new Error(`listing ${urlPath} did not end after 10000 pages`);
}

/** The HTTP status of an error thrown by the connection (its HttpError), if any. */
export function httpStatus(e: unknown): number | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const s = (e as { status?: unknown }).status;
  return typeof s === 'number' ? s : undefined;
}

/** 412 (stale _revision) and 409 (modified by somebody else): re-read and try again. */
export const isConflict = (e: unknown): boolean => httpStatus(e) === 412 || httpStatus(e) === 409;

export interface ConflictRetry {
  readonly attempts: number;
  /** milliseconds to wait before attempt n (n ≥ 2) */
  readonly delayMs: (attempt: number) => number;
}

export const DEFAULT_CONFLICT_RETRY: ConflictRetry = { attempts: 5, delayMs: (n) => 100 * 2 ** (n - 2) + Math.floor(Math.random() * 100) };

/**
 * Runs `attempt` (read, plan, write) until it does not fail on a conflict,
 * at most `retry.attempts` times; `onConflict` hears about each retry.
 */
export async function retryOnConflict<T>(attempt: (n: number) => Promise<T>, onConflict: (e: unknown, n: number) => void, retry: ConflictRetry = DEFAULT_CONFLICT_RETRY): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (e) {
      if (!isConflict(e) || n >= retry.attempts) throw e;
      onConflict(e, n);
      await new Promise((r) => setTimeout(r, retry.delayMs(n + 1)));
    }
  }
}

/**
 * A module's apply for NSX: send the planned hierarchical PATCH of /infra; on
 * a conflict warn, re-read and plan again (`replan`, undefined when nothing
 * is left to write) and send that. Reports `changed: false` when a re-read
 * found nothing left to do, and how many conflicts it met.
 */
export async function patchInfraUntilApplied(
  ctx: { warn(message: string): void },
  http: HttpClient,
  planned: unknown,
  replan: () => Promise<unknown>,
): Promise<ApplyOutcome> {
  let retried = 0;
  const sent = await retryOnConflict(
    async (n) => {
      const body = n === 1 ? planned : await replan();
      if (!body) return false;
      await http.request({ method: 'PATCH', path: INFRA, body });
      return true;
    },
    (e, n) => {
      retried = n;
      ctx.warn(`NSX answered ${httpStatus(e)} (changed by someone else since it was read); reading again (attempt ${n + 1})`);
    },
  );
  return { ...(sent ? {} : { changed: false }), result: { conflict_retries: retried } };
}
