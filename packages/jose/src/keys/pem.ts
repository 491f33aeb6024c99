// Text and bytes that hold asymmetric key material. Such input is imported as the key it is, or
// refused; it never becomes an HMAC secret (python-jose CVE-2024-33663, fast-jwt CVE-2023-48223
// and its bypasses by leading whitespace or invisible characters, authlib CVE-2024-37568).
import { Buffer } from 'node:buffer'
import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto'
import { InvalidKeyError } from '../errors.js'

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/
const PEM_MARKER = /-{3,}\s*BEGIN/i
const SSH_KEY =
  /(ssh-(rsa|dss|ed25519|ed448)|ecdsa-sha2-nistp\d+|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com|BEGIN OPENSSH|BEGIN SSH2)/i
// Runs of base64 long enough to hold the smallest DER key (an Ed25519 SPKI is 44 bytes).
const BASE64_RUN = /[A-Za-z0-9+/_-]{56,}={0,2}/g

/**
 * Imports the first PEM block in `text` (SPKI, PKCS#8, PKCS#1, SEC1 or an X.509 certificate).
 * Returns undefined when the text holds no PEM marker; throws when it holds one that cannot be used.
 */
export function importPem(text: string): KeyObject | undefined {
  if (!PEM_MARKER.test(text)) return undefined
  const block = PEM_BLOCK.exec(text)
  if (block === null) throw new InvalidKeyError('the text holds a malformed PEM block')
  const label = block[1]!
  const pem = block[0]
  try {
    switch (label) {
      case 'CERTIFICATE':
        return new X509Certificate(pem).publicKey
      case 'PUBLIC KEY':
      case 'RSA PUBLIC KEY':
        return createPublicKey(pem)
      case 'PRIVATE KEY':
      case 'RSA PRIVATE KEY':
      case 'EC PRIVATE KEY':
        return createPrivateKey(pem)
      default:
        throw new InvalidKeyError(`unsupported PEM block "${label.slice(0, 32)}"`)
    }
  } catch (cause) {
    if (cause instanceof InvalidKeyError) throw cause
    throw new InvalidKeyError(`the PEM block "${label.slice(0, 32)}" does not hold a valid key`, {
      cause,
    })
  }
}

/** Parses DER as SPKI, PKCS#8 or PKCS#1; undefined when it is none of them. */
export function parseDer(bytes: Buffer): KeyObject | undefined {
  // DER keys are an ASN.1 SEQUENCE; skip the parsers for anything else.
  if (bytes.length < 32 || bytes[0] !== 0x30) return undefined
  const attempts: (() => KeyObject)[] = [
    () => createPublicKey({ key: bytes, format: 'der', type: 'spki' }),
    () => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs8' }),
    () => createPublicKey({ key: bytes, format: 'der', type: 'pkcs1' }),
    () => createPrivateKey({ key: bytes, format: 'der', type: 'pkcs1' }),
    () => createPrivateKey({ key: bytes, format: 'der', type: 'sec1' }),
    () => new X509Certificate(bytes).publicKey,
  ]
  for (const attempt of attempts) {
    try {
      return attempt()
    } catch {
      // not this encoding
    }
  }
  return undefined
}

/**
 * Refuses text that cannot be an HMAC secret: anything holding an SSH key, a PEM marker, JWK JSON,
 * base64 of a DER key or DER bytes anywhere in it, once whitespace and invisible characters are
 * gone. A complete PEM block or JWK is handled before this by the caller.
 */
export function assertNotKeyMaterialText(text: string): void {
  assertVisibleTextNotKey(text)
  assertNotDerInside(Buffer.from(text, 'latin1'))
}

/** Refuses bytes that hold key material in any of the forms assertNotKeyMaterialText knows. */
export function assertNotKeyMaterialBytes(bytes: Buffer): void {
  // A file read as bytes may be Latin-1 or UTF-8; hidden characters differ between the two readings.
  assertVisibleTextNotKey(bytes.toString('latin1'))
  assertVisibleTextNotKey(bytes.toString('utf8'))
  assertNotDerInside(bytes)
}

// Whitespace and format characters (zero-width spaces, direction marks, BOM, soft hyphen) change
// nothing a human sees, so they are dropped before looking: a PEM body split into lines, or base64
// with a zero-width space in it, is still the key.
const HIDDEN = /[\s\p{Cf}]+/gu
const PEM_LABEL =
  /-{3,}BEGIN|BEGIN(RSA|EC|DSA|OPENSSH|ENCRYPTED)?(PUBLIC|PRIVATE)KEY|BEGINCERTIFICATE/i

function assertVisibleTextNotKey(text: string): void {
  const visible = text.replace(HIDDEN, '')
  if (SSH_KEY.test(visible)) {
    throw new InvalidKeyError(
      'the text holds an SSH key, which cannot be an HMAC secret; convert it to PEM (ssh-keygen -e -m PKCS8)',
    )
  }
  if (PEM_LABEL.test(visible)) {
    throw new InvalidKeyError(
      'the text holds a PEM label but no usable PEM block, and cannot be an HMAC secret',
    )
  }
  if (visible.includes('"kty"')) {
    throw new InvalidKeyError(
      'the text holds JWK key material that is not one JWK or JWK Set, and cannot be an HMAC secret',
    )
  }
  for (const run of visible.match(BASE64_RUN) ?? []) {
    // Characters glued in front shift the 4-character groups; one of four offsets realigns them.
    for (let offset = 0; offset < 4; offset++) {
      if (holdsDerKey(Buffer.from(run.slice(offset), 'base64'))) {
        throw new InvalidKeyError(
          'the text holds base64 DER key material, which cannot be an HMAC secret; pass it as PEM',
        )
      }
    }
  }
}

function assertNotDerInside(bytes: Buffer): void {
  if (holdsDerKey(bytes)) {
    throw new InvalidKeyError(
      'the key holds DER key material, which cannot be an HMAC secret; pass a KeyObject or PEM',
    )
  }
}

/** True when a DER key starts anywhere in `bytes`, whatever comes before or after it. */
function holdsDerKey(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(0x30); at !== -1; at = bytes.indexOf(0x30, at + 1)) {
    const end = sequenceEnd(bytes, at)
    if (end !== undefined && parseDer(bytes.subarray(at, end)) !== undefined) return true
  }
  return false
}

// Where the SEQUENCE at `at` ends, when its length fits and it opens with a SEQUENCE or an INTEGER
// as every key encoding does. Random bytes almost never pass, so the parsers rarely run.
function sequenceEnd(bytes: Buffer, at: number): number | undefined {
  const first = bytes[at + 1]
  if (first === undefined || first === 0x80 || first > 0x84) return undefined
  const lengthBytes = first > 0x80 ? first - 0x80 : 0
  const header = 2 + lengthBytes
  if (at + header >= bytes.length) return undefined
  const length = lengthBytes === 0 ? first : bytes.readUIntBE(at + 2, lengthBytes)
  const end = at + header + length
  if (length < 30 || end > bytes.length) return undefined
  const inner = bytes[at + header]
  return inner === 0x30 || inner === 0x02 ? end : undefined
}
