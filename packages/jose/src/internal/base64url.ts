// Strict base64url (RFC 7515 section 2): the alphabet [A-Za-z0-9_-], no padding, no whitespace, and
// canonical trailing bits. Buffer.from(s, 'base64url') alone is lenient (it skips junk and stops at
// '='), so it is never the only check.
import { Buffer } from 'node:buffer'

const ALPHABET = /^[A-Za-z0-9_-]*$/

// Value of each base64url character, for the canonical-tail check.
const VALUE = new Int8Array(128).fill(-1)
for (const [i, c] of [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
].entries()) {
  VALUE[c.charCodeAt(0)] = i
}

/** True when `s` is canonical, unpadded base64url. */
export function isBase64url(s: string): boolean {
  const rem = s.length & 3
  if (rem === 1 || !ALPHABET.test(s)) return false
  if (rem === 0) return true
  // The last character carries 4 (rem 2) or 2 (rem 3) unused bits, which must be zero.
  const last = VALUE[s.charCodeAt(s.length - 1)]!
  return (last & (rem === 2 ? 0x0f : 0x03)) === 0
}

/** Decodes canonical base64url, or returns undefined for anything else. */
export function decodeBase64url(s: string): Buffer | undefined {
  return isBase64url(s) ? Buffer.from(s, 'base64url') : undefined
}

/** Encodes bytes or UTF-8 text as unpadded base64url. */
export function encodeBase64url(input: Uint8Array | string): string {
  return typeof input === 'string'
    ? Buffer.from(input, 'utf8').toString('base64url')
    : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('base64url')
}
