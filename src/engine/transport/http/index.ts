/** The HTTP transport (`tsplay_connection: http`) for API hosts such as NSX Manager and vCenter. See docs/http.md. */
export { createHttpConnectionFactory, openHttpConnection, authFor, type HttpFactoryOptions } from './factory.js';
export { HttpConnection, NoShellError } from './connection.js';
export { AxiosHttpClient, type HttpClientOptions } from './client.js';
export { HttpError, HttpUnreachableError, type HttpFailure } from './errors.js';
export type { HttpAuth, RawResponse, RawSend, Credentials } from './auth.js';
export { BasicAuth, NoAuth } from './auth.js';
export { NsxSessionAuth } from './nsx-session.js';
export { VsphereSoapAuth, soapEnvelope, xmlEscape, SOAP_HEADERS, VIM_SOAP_PATH } from './vsphere-soap.js';
export { HTTP_VARS, httpSettings, type HttpSettings } from './settings.js';
