/** The typed HTTP API a host reached over `tsplay_connection: http` offers to modules (through `ctx.http()`). */

/** One HTTP request to the host's API, relative to its base URL (`tsplay_http_url`). */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** path below the base URL, e.g. `/policy/api/v1/infra/services/k8s-api` */
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** an object is sent as JSON; a string as it is (set `content-type` for XML) */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** statuses the caller handles itself instead of getting an HttpError (e.g. [404]) */
  readonly accept?: readonly number[];
}

/** The methods a reader may send: GET, and POST for calls that only read (a SOAP `RetrieveProperties`, a search). */
export type ReadMethod = 'GET' | 'POST';

/** A request that reads: never PUT, PATCH or DELETE. */
export interface ReadRequest extends Omit<HttpRequest, 'method'> {
  readonly method: ReadMethod;
}

export interface HttpResponse<T = unknown> {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** parsed JSON when the response is JSON, the text otherwise */
  readonly data: T;
}

/**
 * The API of a host reached over `tsplay_connection: http` (NSX Manager,
 * vCenter). The connection owns the base URL, TLS, authentication (basic,
 * sessions, re-login when one expires), timeouts and retries on 429/503;
 * modules only say what to send. Statuses outside 2xx (and `accept`) throw
 * an HttpError that names the method, the URL without secrets, the status
 * and the API's own message.
 */
export interface HttpReader {
  /** a GET */
  get<T = unknown>(path: string, opts?: Omit<HttpRequest, 'method' | 'path' | 'body'>): Promise<HttpResponse<T>>;
  /**
   * A request that reads but is not a GET: a SOAP `RetrieveProperties`, a
   * search. Allowed in check mode, so use it only for calls that change nothing;
   * PUT, PATCH and DELETE are refused, by the types and at run time.
   */
  read<T = unknown>(req: ReadRequest): Promise<HttpResponse<T>>;
}

export interface HttpClient extends HttpReader {
  /** any request, writes included; only `apply` gets it */
  request<T = unknown>(req: HttpRequest): Promise<HttpResponse<T>>;
}
