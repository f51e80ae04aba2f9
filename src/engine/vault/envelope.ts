/**
 * The Ansible Vault envelope: a header line `$ANSIBLE_VAULT;1.1;AES256` (or
 * `$ANSIBLE_VAULT;1.2;AES256;<vault-id>`) followed by the hexlified payload
 * wrapped at 80 characters, with a trailing newline — byte for byte what
 * ansible-vault writes.
 */
import { VaultError, type SourceLocation } from '../errors.js';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
export const VAULT_CIPHER = 'AES256';
/** The label Ansible uses when no vault id is given; such data is written as format 1.1. */
export const DEFAULT_VAULT_LABEL = 'default';
const LINE_WIDTH = 80;

export interface VaultEnvelope {
  readonly version: string;
  readonly cipher: string;
  /** The vault id from a 1.2 header; undefined for 1.1. */
  readonly label: string | undefined;
  /** The hexlified payload with the line breaks removed. */
  readonly payloadHex: string;
}

/** Does this text (or these bytes) start with the vault header, as Ansible checks? */
export function isVaultText(data: string | Buffer): boolean {
  const head = typeof data === 'string' ? data.slice(0, VAULT_HEADER.length) : data.subarray(0, VAULT_HEADER.length).toString('latin1');
  return head === VAULT_HEADER;
}

export function parseEnvelope(text: string, where: SourceLocation): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/);
  const header = (lines[0] ?? '').trim().split(';').map((p) => p.trim());
  const [magic, version, cipher, label] = header;
  if (magic !== VAULT_HEADER || !version || !cipher) {
    throw new VaultError('vault envelope format error: the header is not `$ANSIBLE_VAULT;<version>;<cipher>`', { location: where });
  }
  if (cipher !== VAULT_CIPHER) {
    throw new VaultError(`unsupported vault cipher '${cipher}' (only ${VAULT_CIPHER} is supported)`, { location: where });
  }
  const payloadHex = lines
    .slice(1)
    .map((l) => l.trim())
    .join('');
  return { version, cipher, label: label || undefined, payloadHex };
}

/** Header plus the payload wrapped at 80 columns, ending in a newline. Version 1.2 only when labelled (not 'default'). */
export function formatEnvelope(payloadHex: string, label: string | undefined): string {
  const labelled = label !== undefined && label !== '' && label !== DEFAULT_VAULT_LABEL;
  const header = labelled ? `${VAULT_HEADER};1.2;${VAULT_CIPHER};${label}` : `${VAULT_HEADER};1.1;${VAULT_CIPHER}`;
  const lines = [header];
  for (let i = 0; i < payloadHex.length; i += LINE_WIDTH) lines.push(payloadHex.slice(i, i + LINE_WIDTH));
  return `${lines.join('\n')}\n`;
}
