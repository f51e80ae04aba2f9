/**
 * A small vim25 SOAP client over the host's typed HTTP API (`ctx.http()`).
 * Reads (RetrieveProperties, FindByInventoryPath, GetCustomizationSpec) go
 * through `read`, allowed in check mode; writes (CloneVM_Task, ...) need the
 * full client `apply` gets. Login, the session cookie and re-login belong to
 * the connection (auth `vsphere_soap`), not to this client.
 */
import type { HttpClient, HttpReader, ReadRequest } from '../../../engine/module.js';
import { faultFromSoap, VimFault } from './fault.js';
import { child, escapeXml, parseXml, path, type XmlNode } from './xml.js';

export interface MoRef {
  readonly type: string;
  readonly value: string;
}

/** vim25 API version sent as SOAPAction; vCenter 7 and 8 both accept 7.0.3.0. */
export const VIM_VERSION = '7.0.3.0';
export const DEFAULT_SDK_PATH = '/sdk';

export function moRefXml(tag: string, ref: MoRef): string {
  return `<${tag} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${tag}>`;
}

export function envelope(bodyXml: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<soapenv:Body>${bodyXml}</soapenv:Body></soapenv:Envelope>`
  );
}

/** A SOAP method call: `<Method xmlns="urn:vim25"><_this .../>args</Method>`. */
export function methodXml(method: string, self: MoRef, argsXml: string): string {
  return `<${method} xmlns="urn:vim25">${moRefXml('_this', self)}${argsXml}</${method}>`;
}

export interface ServiceContent {
  readonly rootFolder: MoRef;
  readonly propertyCollector: MoRef;
  readonly searchIndex: MoRef;
  readonly customizationSpecManager?: MoRef;
}

export interface CallResult {
  /** the `<MethodResponse>` element */
  readonly response: XmlNode;
  /** the raw response text, for passing server objects back unchanged */
  readonly raw: string;
}

const SERVICE_INSTANCE: MoRef = { type: 'ServiceInstance', value: 'ServiceInstance' };

export function moRefOf(node: XmlNode | undefined): MoRef | undefined {
  if (node === undefined || typeof node === 'string') return undefined;
  const type = node['@type'];
  const value = node['#text'];
  return typeof type === 'string' && typeof value === 'string' ? { type, value } : undefined;
}

export class VimClient {
  private serviceContent: Promise<ServiceContent> | undefined;

  constructor(
    private readonly http: HttpReader | HttpClient,
    private readonly sdkPath: string = DEFAULT_SDK_PATH,
  ) {}

  /** True when this client was given the full HTTP client (apply), so writes are possible. */
  get canWrite(): boolean {
    return 'request' in this.http;
  }

  /** A method that changes nothing on the server. */
  read(method: string, self: MoRef, argsXml = ''): Promise<CallResult> {
    return this.call(method, self, argsXml, false);
  }

  /** A method that changes the inventory (CloneVM_Task, ReconfigVM_Task, PowerOnVM_Task, ...). */
  write(method: string, self: MoRef, argsXml = ''): Promise<CallResult> {
    return this.call(method, self, argsXml, true);
  }

  content(): Promise<ServiceContent> {
    this.serviceContent ??= this.read('RetrieveServiceContent', SERVICE_INSTANCE).then(({ response }) => {
      const rv = child(response, 'returnval');
      const ref = (name: string): MoRef | undefined => moRefOf(child(rv, name));
      const need = (name: string): MoRef => {
        const r = ref(name);
        if (!r) throw new VimFault('InvalidResponse', `the service content has no ${name}: is this a vCenter SDK endpoint?`);
        return r;
      };
      const csm = ref('customizationSpecManager');
      return { rootFolder: need('rootFolder'), propertyCollector: need('propertyCollector'), searchIndex: need('searchIndex'), ...(csm ? { customizationSpecManager: csm } : {}) };
    });
    this.serviceContent.catch(() => (this.serviceContent = undefined));
    return this.serviceContent;
  }

  private async call(method: string, self: MoRef, argsXml: string, write: boolean): Promise<CallResult> {
    const req: ReadRequest = {
      method: 'POST',
      path: this.sdkPath,
      body: envelope(methodXml(method, self, argsXml)),
      headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: `urn:vim25/${VIM_VERSION}` },
      // a SOAP fault comes with 500: parsed here into a VimFault, not a bare HTTP error
      accept: [500],
    };
    let res;
    if (write) {
      if (!('request' in this.http)) throw new Error(`internal: ${method} is a write and this client may only read (check mode)`);
      res = await this.http.request(req);
    } else {
      res = await this.http.read(req);
    }
    const raw = typeof res.data === 'string' ? res.data : res.data === undefined || res.data === null ? '' : JSON.stringify(res.data);
    let doc: XmlNode;
    try {
      doc = parseXml(raw);
    } catch (e) {
      throw new VimFault('InvalidResponse', `${method}: the answer is not XML (HTTP ${res.status}): ${(e as Error).message}`);
    }
    const body = path(doc, 'Envelope', 'Body');
    const fault = child(body, 'Fault');
    if (fault !== undefined) throw faultFromSoap(fault);
    const response = child(body, `${method}Response`);
    if (response === undefined) throw new VimFault('InvalidResponse', `${method}: HTTP ${res.status} without a ${method}Response: is ${this.sdkPath} a vCenter SDK endpoint?`);
    return { response, raw };
  }
}
