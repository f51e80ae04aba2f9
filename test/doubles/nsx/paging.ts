/**
 * List paging (BDC 4.2.1 `method_ListShares.html`, `types_*ListResult.html`; domain-reference 1.2):
 * query `cursor`, `page_size` (0–1000, default 1000), `sort_by`, `sort_ascending`,
 * `include_mark_for_delete_objects`; answer `{results, result_count (first page only), cursor, sort_by,
 * sort_ascending}`.
 * The last page of a paged listing carries a cursor starting with "0000" (vmware-nsxlib stops on an empty cursor
 * or one starting with `NULL_CURSOR_PREFIX = '0000'`), unless `lastPageCursor: 'omit'`. A listing that fits in
 * one page has no cursor. Sending the null cursor back is a 400 here, so a client that does not stop on it
 * fails loudly instead of looping (what NSX does then is [U]).
 */
import { invalidRequest } from './errors.js';
import { fieldText, type Body } from './kinds.js';

export interface PagingOptions {
  /** page size when the client sends none (NSX: 1000) */
  readonly defaultPageSize: number;
  readonly lastPageCursor: 'null-prefix' | 'omit';
}

const NULL_CURSOR = '0000';

function encodeCursor(offset: number, listing: string): string {
  return `0001${Buffer.from(`${offset}:${listing}`).toString('base64url')}`;
}

function decodeCursor(cursor: string, listing: string): number {
  if (cursor.startsWith(NULL_CURSOR)) throw invalidRequest([`The cursor ${cursor} marks the end of the listing; there is no next page.`]);
  const raw = Buffer.from(cursor.slice(4), 'base64url').toString('utf8');
  const m = /^(\d+):(.*)$/.exec(raw);
  if (!cursor.startsWith('0001') || !m || m[2] !== listing) throw invalidRequest([`Invalid cursor ${cursor}.`]);
  return Number(m[1]);
}

export function page(all: readonly Body[], query: URLSearchParams, listing: string, opts: PagingOptions): Body {
  const problems: string[] = [];
  const sizeParam = query.get('page_size');
  let size = opts.defaultPageSize;
  if (sizeParam !== null) {
    const n = Number(sizeParam);
    if (!/^\d+$/.test(sizeParam) || n > 1000) problems.push(`Query parameter page_size must be an integer from 0 to 1000, not ${sizeParam}.`);
    else if (n > 0) size = Math.min(n, opts.defaultPageSize);
  }
  const asc = query.get('sort_ascending');
  if (asc !== null && asc !== 'true' && asc !== 'false') problems.push(`Query parameter sort_ascending must be true or false.`);
  if (problems.length > 0) throw invalidRequest(problems);

  const sortBy = query.get('sort_by');
  let sorted = [...all];
  if (sortBy) {
    sorted.sort((a, b) => fieldText(a[sortBy]).localeCompare(fieldText(b[sortBy]), 'en', { numeric: true }));
    if (asc === 'false') sorted = sorted.reverse();
  }
  const cursor = query.get('cursor');
  const offset = cursor ? decodeCursor(cursor, listing) : 0;
  const results = sorted.slice(offset, offset + size);
  const next = offset + size;
  const out: Body = { results };
  if (offset === 0) out['result_count'] = sorted.length;
  if (next < sorted.length) out['cursor'] = encodeCursor(next, listing);
  else if (offset > 0 && opts.lastPageCursor === 'null-prefix') out['cursor'] = `${NULL_CURSOR}${sorted.length}`;
  if (sortBy) {
    out['sort_by'] = sortBy;
    out['sort_ascending'] = asc !== 'false';
  }
  return out;
}
