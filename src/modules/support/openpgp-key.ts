/**
 * OpenPGP public keys as apt wants them, without gpg: ASCII armor removed
 * (what `gpg --dearmor` writes: the base64 body decoded, its CRC-24 checked)
 * and the keys' fingerprints and user IDs read from the packets, so plans and
 * diffs name keys instead of dumping binary. Pure functions of bytes.
 */
import { createHash } from 'node:crypto';

/** A key the data could not be read as. The module turns it into a ModuleFailure. */
export class OpenPgpKeyError extends Error {
  readonly code = 'E_OPENPGP_KEY';
}

export interface PublicKeyInfo {
  /** upper-case hex, 40 characters (v4) or 64 (v5, v6) */
  readonly fingerprint: string;
  /** the first user ID after the key, when there is one */
  readonly userId?: string;
}

const ARMOR_BEGIN = /^-----BEGIN PGP PUBLIC KEY BLOCK-----\s*$/;
const ARMOR_END = /^-----END PGP PUBLIC KEY BLOCK-----\s*$/;

/**
 * The binary keyring for key material that is armored or already binary
 * (a key URL may serve either). Throws OpenPgpKeyError for anything else.
 */
export function toBinaryKeyring(data: Buffer): Buffer {
  const head = data.subarray(0, 64).toString('latin1').trimStart();
  const binary = head.startsWith('-----BEGIN') ? dearmor(data.toString('utf8')) : data;
  if (binary.length === 0 || (binary[0]! & 0x80) === 0) {
    throw new OpenPgpKeyError('not an OpenPGP public key (neither an ASCII-armored "PGP PUBLIC KEY BLOCK" nor binary key packets)');
  }
  if (publicKeys(binary).length === 0) throw new OpenPgpKeyError('the OpenPGP data holds no public key');
  return binary;
}

/** Every armored public key block's body, decoded and concatenated; the CRC-24 line, when present, must match. */
export function dearmor(text: string): Buffer {
  const lines = text.split(/\r?\n/);
  const blocks: Buffer[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!ARMOR_BEGIN.test(lines[i]!)) continue;
    i++;
    // armor headers ("Version: ...", "Comment: ...") end at the first blank line
    while (i < lines.length && /^[A-Za-z-]+: /.test(lines[i]!)) i++;
    if (lines[i]?.trim() === '') i++;
    let b64 = '';
    let crc: string | undefined;
    for (; i < lines.length && !ARMOR_END.test(lines[i]!); i++) {
      const l = lines[i]!.trim();
      if (/^=[A-Za-z0-9+/]{4}$/.test(l)) crc = l.slice(1);
      else b64 += l;
    }
    if (i >= lines.length) throw new OpenPgpKeyError('armored key block has no END line');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new OpenPgpKeyError('armored key block is not valid base64');
    const body = Buffer.from(b64, 'base64');
    if (crc !== undefined && crc24(body) !== Buffer.from(crc, 'base64').readUIntBE(0, 3)) {
      throw new OpenPgpKeyError('armored key block fails its CRC-24 checksum (damaged or truncated)');
    }
    blocks.push(body);
  }
  if (blocks.length === 0) throw new OpenPgpKeyError('no "-----BEGIN PGP PUBLIC KEY BLOCK-----" found');
  return Buffer.concat(blocks);
}

/** RFC 4880 6.1 */
export function crc24(data: Buffer): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}

interface Packet {
  readonly tag: number;
  readonly body: Buffer;
}

/** The packets of binary OpenPGP data (RFC 9580 4.2, old and new formats). */
export function packets(data: Buffer): Packet[] {
  const out: Packet[] = [];
  let i = 0;
  while (i < data.length) {
    const h = data[i]!;
    if ((h & 0x80) === 0) throw new OpenPgpKeyError(`bad OpenPGP packet header at byte ${i}`);
    let tag: number;
    let len: number;
    i++;
    if (h & 0x40) {
      tag = h & 0x3f;
      const o1 = need(data, i, 1)[0]!;
      if (o1 < 192) [len, i] = [o1, i + 1];
      else if (o1 < 224) [len, i] = [((o1 - 192) << 8) + need(data, i, 2)[1]! + 192, i + 2];
      else if (o1 === 255) [len, i] = [need(data, i + 1, 4).readUInt32BE(0), i + 5];
      else throw new OpenPgpKeyError('partial-length packets do not belong in a key');
    } else {
      tag = (h >> 2) & 0x0f;
      const type = h & 3;
      if (type === 3) len = data.length - i;
      else {
        const n = [1, 2, 4][type]!;
        [len, i] = [need(data, i, n).readUIntBE(0, n), i + n];
      }
    }
    out.push({ tag, body: need(data, i, len) });
    i += len;
  }
  return out;
}

function need(data: Buffer, at: number, n: number): Buffer {
  if (at + n > data.length) throw new OpenPgpKeyError('OpenPGP data is truncated');
  return data.subarray(at, at + n);
}

const PUBLIC_KEY = 6;
const USER_ID = 13;

/** The primary public keys in a keyring, in order, with their fingerprints. */
export function publicKeys(binary: Buffer): PublicKeyInfo[] {
  const keys: { fingerprint: string; userId?: string }[] = [];
  for (const p of packets(binary)) {
    if (p.tag === PUBLIC_KEY) keys.push({ fingerprint: fingerprint(p.body) });
    else if (p.tag === USER_ID && keys.length && keys.at(-1)!.userId === undefined) keys.at(-1)!.userId = p.body.toString('utf8');
  }
  return keys;
}

/** v4: SHA-1 over 0x99, a 2-byte length and the key body; v5 and v6: SHA-256 over 0x9a/0x9b and a 4-byte length. */
function fingerprint(body: Buffer): string {
  const version = body[0];
  if (version === 4) {
    const len = Buffer.alloc(2);
    len.writeUInt16BE(body.length);
    return createHash('sha1').update(Buffer.from([0x99])).update(len).update(body).digest('hex').toUpperCase();
  }
  if (version === 5 || version === 6) {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(body.length);
    return createHash('sha256').update(Buffer.from([version === 5 ? 0x9a : 0x9b])).update(len).update(body).digest('hex').toUpperCase();
  }
  throw new OpenPgpKeyError(`OpenPGP key version ${String(version)} is not supported`);
}

/** How a key shows in plans and diffs: `FINGERPRINT user id`. */
export function describeKeys(keys: readonly PublicKeyInfo[]): string[] {
  return keys.map((k) => (k.userId ? `${k.fingerprint} ${k.userId}` : k.fingerprint));
}

/** Fingerprints as users write them (spaces, lower case, 0x) made comparable. */
export function normaliseFingerprint(fp: string): string {
  return fp.replace(/^0x/i, '').replace(/\s+/g, '').toUpperCase();
}
