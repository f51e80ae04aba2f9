/** A file on a host that could not be read, written or examined (permissions, a full disk, a missing directory). */
import { TsplayError } from '../errors.js';

export type HostFileOperation = 'read' | 'write' | 'stat';

export class HostFileError extends TsplayError {
  readonly code = 'E_HOST_FILE';
  readonly path: string;
  readonly operation: HostFileOperation;
  readonly host: string | undefined;
  /** `detail`: what the host said (stderr), or the exit status */
  constructor(operation: HostFileOperation, path: string, detail: string, host?: string) {
    super(`${host ? `${host}: ` : ''}cannot ${operation} ${path}: ${detail}`);
    this.operation = operation;
    this.path = path;
    this.host = host;
  }
}
