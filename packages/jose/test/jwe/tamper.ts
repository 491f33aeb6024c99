// Helpers that take a compact JWE apart and put a modified one back together.
import { Buffer } from 'node:buffer'

/** The five segments of a compact JWE, decoded (the header as an object). */
export interface Segments {
  header: Record<string, unknown>
  encryptedKey: Buffer
  iv: Buffer
  ciphertext: Buffer
  tag: Buffer
}

/** Splits a compact JWE. */
export function split(token: string): Segments {
  const [h, k, iv, c, t] = token.split('.') as [string, string, string, string, string]
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()),
    encryptedKey: Buffer.from(k, 'base64url'),
    iv: Buffer.from(iv, 'base64url'),
    ciphertext: Buffer.from(c, 'base64url'),
    tag: Buffer.from(t, 'base64url'),
  }
}

/** Joins segments into a compact JWE. */
export function join(parts: Segments): string {
  return [
    Buffer.from(JSON.stringify(parts.header)).toString('base64url'),
    ...[parts.encryptedKey, parts.iv, parts.ciphertext, parts.tag].map((b) =>
      b.toString('base64url'),
    ),
  ].join('.')
}

/** The token with `change` applied to its decoded parts. */
export function tamper(token: string, change: (parts: Segments) => void): string {
  const parts = split(token)
  change(parts)
  return join(parts)
}

/** A copy of `bytes` with one bit flipped at `index` (negative counts from the end). */
export function flip(bytes: Buffer, index = 0): Buffer {
  const copy = Buffer.from(bytes)
  const at = index < 0 ? copy.length + index : index
  copy[at] = copy[at]! ^ 1
  return copy
}
