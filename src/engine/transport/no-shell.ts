/** A shell module (command, copy, ...) was pointed at an API host: an HTTP API or a Kubernetes API server. */
import { TsplayError } from '../errors.js';

const API = {
  http: { what: 'an HTTP API endpoint (tsplay_connection: http)', modules: 'uri, nsx_*, govc_*' },
  kubernetes: { what: 'a Kubernetes API server (tsplay_connection: kubernetes)', modules: 'k8s, k8s_info, k8s_drain' },
} as const;

export class NoShellError extends TsplayError {
  readonly code = 'E_NO_SHELL';
  readonly host: string;
  constructor(host: string, what: string, kind: keyof typeof API = 'http') {
    super(`host '${host}' is ${API[kind].what}; shell modules can't run on it (${what})`, {
      hint: `use an API module (${API[kind].modules}) for this host, or delegate_to a host with a shell`,
    });
    this.host = host;
  }
}
