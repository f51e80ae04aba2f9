/**
 * What follows a status line at each verbosity:
 *
 *  - failed/unreachable: the message (or the compact result when there is none);
 *    from -v the whole result.
 *  - changed: nothing; from -v the result.
 *  - ok: nothing, except a module that declares `showsResult` (debug), whose payload always shows
 *    (`ok: [h] => {"msg": "..."}`); from -vv the result.
 *  - skipped: nothing; from -vv the result.
 */
import type { HostResultEvent } from './event-kinds.js';
import { debugPayload, dumpResult, type ResultFormat } from './result-dump.js';

function isEmpty(result: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(result).length === 0;
}

function failureResult(r: HostResultEvent): Readonly<Record<string, unknown>> {
  return r.msg !== undefined && !('msg' in r.result) ? { ...r.result, msg: r.msg } : r.result;
}

export function resultDetail(r: HostResultEvent, verbosity: number, format: ResultFormat): string | undefined {
  switch (r.status) {
    case 'failed':
    case 'unreachable':
      if (verbosity >= 1) return dumpResult(failureResult(r), format);
      return r.msg ?? JSON.stringify(r.result);
    case 'changed':
      return verbosity >= 1 && !isEmpty(r.result) ? dumpResult(r.result, format) : undefined;
    case 'ok':
      if (verbosity >= 2 && !isEmpty(r.result)) return dumpResult(r.result, format);
      if (r.task.showsResult) return dumpResult(debugPayload(r.result, r.msg), format);
      return undefined;
    case 'skipped':
      return verbosity >= 2 && !isEmpty(r.result) ? dumpResult(r.result, format) : undefined;
  }
}
