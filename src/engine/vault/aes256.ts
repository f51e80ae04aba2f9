/**
 * The AES256 vault cipher, as ansible-core's VaultAES256: PBKDF2-HMAC-SHA256
 * (10000 iterations, 32-byte salt) gives 80 bytes — a 32-byte AES key, a
 * 32-byte HMAC key and a 16-byte CTR counter; the plaintext is PKCS#7-padded
 * to 16 bytes, encrypted with AES-256-CTR and authenticated with HMAC-SHA256
 * over the ciphertext. The payload is hexlify(hex(salt) \n hex(hmac) \n hex(ciphertext)).
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { VaultError, type SourceLocation } from '../errors.js';

const ITERATIONS = 10000;
const KEY_LENGTH = 32;
const IV_LENGTH = 16;
const BLOCK = 16;
export const SALT_LENGTH = 32;

export interface VaultKeys {
  readonly cipherKey: Buffer;
  readonly hmacKey: Buffer;
  readonly iv: Buffer;
}

export interface VaultPayload {
  readonly salt: Buffer;
  readonly hmac: Buffer;
  readonly ciphertext: Buffer;
}

export function deriveKeys(password: Buffer, salt: Buffer): VaultKeys {
  const derived = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LENGTH + IV_LENGTH, 'sha256');
  return {
    cipherKey: derived.subarray(0, KEY_LENGTH),
    hmacKey: derived.subarray(KEY_LENGTH, 2 * KEY_LENGTH),
    iv: derived.subarray(2 * KEY_LENGTH),
  };
}

/** Encrypts and returns the hexlified payload (the part of the envelope after the header). */
export function encryptPayload(plaintext: Buffer, salt: Buffer, keys: VaultKeys): string {
  const cipher = createCipheriv('aes-256-ctr', keys.cipherKey, keys.iv);
  const ciphertext = Buffer.concat([cipher.update(pad(plaintext)), cipher.final()]);
  const hmac = createHmac('sha256', keys.hmacKey).update(ciphertext).digest();
  const inner = [salt.toString('hex'), hmac.toString('hex'), ciphertext.toString('hex')].join('\n');
  return Buffer.from(inner, 'latin1').toString('hex');
}

export function parsePayload(payloadHex: string, where: SourceLocation): VaultPayload {
  const inner = unhex(payloadHex, where).toString('latin1');
  const parts = inner.split('\n');
  if (parts.length !== 3) {
    throw new VaultError('vault format error: the payload does not hold salt, HMAC and ciphertext', { location: where });
  }
  const [salt, hmac, ciphertext] = parts.map((p) => unhex(p, where)) as [Buffer, Buffer, Buffer];
  return { salt, hmac, ciphertext };
}

/** Constant-time check of the HMAC over the ciphertext: false means wrong password or modified data. */
export function hmacMatches(payload: VaultPayload, keys: VaultKeys): boolean {
  const expected = createHmac('sha256', keys.hmacKey).update(payload.ciphertext).digest();
  return expected.length === payload.hmac.length && timingSafeEqual(expected, payload.hmac);
}

/** Decrypts a payload whose HMAC has been verified. */
export function decryptPayload(payload: VaultPayload, keys: VaultKeys, where: SourceLocation): Buffer {
  const decipher = createDecipheriv('aes-256-ctr', keys.cipherKey, keys.iv);
  const padded = Buffer.concat([decipher.update(payload.ciphertext), decipher.final()]);
  const plain = unpad(padded);
  if (!plain) throw new VaultError('vault format error: bad padding after decryption', { location: where });
  return plain;
}

function pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer): Buffer | undefined {
  const n = data.at(-1);
  if (n === undefined || n < 1 || n > BLOCK || data.length % BLOCK !== 0) return undefined;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return undefined;
  return data.subarray(0, data.length - n);
}

function unhex(hex: string, where: SourceLocation): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new VaultError('vault format error: the payload is not valid hexadecimal', { location: where });
  }
  return Buffer.from(hex, 'hex');
}
