// Strict base64url (RFC 7515 section 2): the alphabet [A-Za-z0-9_-], no padding, no whitespace, and
// canonical trailing bits. Buffer.from(s, 'base64url') alone is lenient (it skips junk, stops at
// '=', takes the standard alphabet's '+' and '/', and reads a UTF-16 code unit by its low byte), so
// it is never the only check.
import { Buffer } from 'node:buffer'

const ALPHABET = /^[A-Za-z0-9_-]*$/
// A UTF-16 code unit beyond Latin-1. V8 keeps text without one in one byte per character, and on
// such a string this test returns at once, whatever its length.
const WIDE = /[\u0100-\uffff]/
const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

// Value of each base64url character, for the canonical-tail check.
const VALUE = new Int8Array(128).fill(-1)
for (const [i, c] of [...CHARS].entries()) VALUE[c.charCodeAt(0)] = i

// The decoding of the empty string: no bytes, so nothing a caller could change in it.
const NO_BYTES = Buffer.alloc(0)

// Strings this long or shorter are checked against the alphabet; longer ones are decoded first.
const SHORT = 64

/**
 * Whether Buffer's decoder drops every one-byte character outside the base64 and base64url
 * alphabets (it skips it, or stops decoding there), so that such a character always shortens the
 * output. The length check in decodeBase64url relies on it; it is verified here once, for every
 * such character and at both ends of a group, and should a future decoder ever behave otherwise,
 * the alphabet check is used instead.
 */
const DECODER_DROPS_JUNK = ((): boolean => {
  for (let code = 0; code < 256; code++) {
    if ((code < 128 && VALUE[code]! >= 0) || code === 0x2b || code === 0x2f) continue
    const c = String.fromCharCode(code)
    if (Buffer.from(`QU${c}D`, 'base64url').length > 2) return false
    if (Buffer.from(`${c}QUJD`, 'base64url').length > 3) return false
  }
  return true
})()

/** True when `s` is canonical, unpadded base64url. */
export function isBase64url(s: string): boolean {
  if (s.length > SHORT && DECODER_DROPS_JUNK) return decodeBase64url(s) !== undefined
  const rem = s.length & 3
  if (rem === 1 || !ALPHABET.test(s)) return false
  return canonicalTail(s, rem)
}

/**
 * Decodes canonical base64url, or returns undefined for anything else: exactly the strings
 * isBase64url accepts. Decoding comes first, and the checks after it are cheaper than a pass of the
 * alphabet over the text: every one-byte character outside both alphabets shortens the output (see
 * DECODER_DROPS_JUNK), so the full length proves that each character is in one of them, unless it
 * is beyond Latin-1 (the decoder reads a UTF-16 code unit by its low byte, so 'Ł', U+0141, would
 * pass for 'A'), which WIDE refuses; neither of the standard alphabet's '+' and '/' may appear;
 * and the unused bits of the last character must be zero.
 */
export function decodeBase64url(s: string): Buffer | undefined {
  const n = s.length
  // An empty segment (a dir JWE's encrypted key) is common; Buffer.from('') costs ~0.25 us.
  if (n === 0) return NO_BYTES
  const rem = n & 3
  if (rem === 1) return undefined
  if (!DECODER_DROPS_JUNK) return ALPHABET.test(s) && canonicalTail(s, rem) ? decode(s) : undefined
  const bytes = decode(s)
  return bytes.length === (n * 3) >>> 2 &&
    s.indexOf('+') === -1 &&
    s.indexOf('/') === -1 &&
    !WIDE.test(s) &&
    canonicalTail(s, rem)
    ? bytes
    : undefined
}

// The last character carries 4 (rem 2) or 2 (rem 3) unused bits, which must be zero. The caller
// has checked that the character is in the alphabet.
function canonicalTail(s: string, rem: number): boolean {
  if (rem === 0) return true
  const last = VALUE[s.charCodeAt(s.length - 1)]!
  return (last & (rem === 2 ? 0x0f : 0x03)) === 0
}

function decode(s: string): Buffer {
  return Buffer.from(s, 'base64url')
}

/** Encodes bytes or UTF-8 text as unpadded base64url. */
export function encodeBase64url(input: Uint8Array | string): string {
  if (typeof input === 'string') return Buffer.from(input, 'utf8').toString('base64url')
  // A Buffer encodes itself; any other view first gets a Buffer over the same bytes.
  if (Buffer.isBuffer(input)) return input.toString('base64url')
  return Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('base64url')
}
