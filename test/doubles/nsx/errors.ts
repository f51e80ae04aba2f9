/**
 * The NSX Policy API error body and the errors the emulator answers with.
 *
 * Shape: `PolicyApiError` / `ApiError` = {httpStatus?, error_code, error_message, module_name, details?,
 * related_errors[]} (BDC `types_PolicyApiError.html`; domain-reference 1.2). `httpStatus` is the Java enum
 * name NSX puts there ("BAD_REQUEST"); public fixtures show it on auth errors
 * ({"httpStatus":"FORBIDDEN","error_code":403,"module_name":"common-services",...}).
 * Error codes the emulator uses and where they come from:
 * - 403 / error_code 403 "The credentials were incorrect or the account specified has been locked."
 *   (module common-services): saltext-vmware test fixtures of NSX-T responses, vmware-tanzu/nsx-operator tests.
 * - 403 / error_code 98: bad or missing XSRF token (vmware-nsxlib client.py maps 403+98 to BadXSRFToken).
 * - 404 / error_code 600 "The path=[...] is invalid.": the message NSX gives for a missing policy object
 *   (sapcc networking-nsx-t matches /The path.*is invalid/ on it). The code 600 is [U].
 * - 412 / error_code 604: stale _revision (status from NSX errors_412.html; the code is [U]).
 * - 400 / error_code 255 for schema violations, 500012 for invalid references, 500030 for referenced-object
 *   deletes, 503040 for semantic rule errors: status 400 per the API guide; the codes are [U], chosen here.
 */

export interface NsxErrorBody {
  httpStatus?: string;
  error_code: number;
  error_message: string;
  module_name: string;
  details?: string;
  related_errors: NsxErrorBody[];
}

const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'TOO_MANY_REQUESTS',
  500: 'INTERNAL_SERVER_ERROR',
  503: 'SERVICE_UNAVAILABLE',
};

/** error codes the emulator answers with (see the header for their provenance) */
export const ErrorCode = {
  badCredentials: 403,
  badXsrfToken: 98,
  sessionExpired: 401,
  notFound: 600,
  staleRevision: 604,
  invalidRequest: 255,
  invalidPath: 500012,
  referenced: 500030,
  invalidRule: 503040,
  conflict: 409,
  tooManyRequests: 429,
  unavailable: 503,
  methodNotAllowed: 405,
} as const;

export class NsxApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: number,
    message: string,
    readonly related: readonly NsxApiError[] = [],
    readonly moduleName = 'policy',
    readonly details?: string,
  ) {
    super(message);
    this.name = 'NsxApiError';
  }

  body(): NsxErrorBody {
    return {
      httpStatus: STATUS_NAMES[this.status] ?? String(this.status),
      error_code: this.errorCode,
      error_message: this.message,
      module_name: this.moduleName,
      ...(this.details === undefined ? {} : { details: this.details }),
      related_errors: this.related.map((e) => e.body()),
    };
  }
}

/** one 400 for a list of validation problems: the first is the message, the others `related_errors` */
export function invalidRequest(problems: readonly string[], code: number = ErrorCode.invalidRequest): NsxApiError {
  const [first = 'Invalid request', ...rest] = problems;
  return new NsxApiError(400, code, first, rest.map((p) => new NsxApiError(400, code, p)));
}

export function notFound(path: string): NsxApiError {
  return new NsxApiError(404, ErrorCode.notFound, `The path=[${path}] is invalid.`);
}

export function staleRevision(path: string, sent: unknown, current: unknown): NsxApiError {
  return new NsxApiError(
    412,
    ErrorCode.staleRevision,
    `The object ${path} was modified by somebody else: _revision ${JSON.stringify(sent)} is not the current ${JSON.stringify(current)}. Re-fetch the object and re-submit the request.`,
  );
}
