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
 * Refuses text that cannot be an HMAC secret: anything holding an SSH key, or base64 of a DER key
 * anywhere in it, or whose bytes are DER. PEM is handled before this by importPem.
 */
export function assertNotKeyMaterialText(text: string): void {
  if (SSH_KEY.test(text)) {
    throw new InvalidKeyError(
      'the text holds an SSH key, which cannot be an HMAC secret; convert it to PEM (ssh-keygen -e -m PKCS8)',
    )
  }
  for (const run of text.match(BASE64_RUN) ?? []) {
    const bytes = Buffer.from(run.replace(/=+$/, ''), /[_-]/.test(run) ? 'base64url' : 'base64')
    if (parseDer(bytes) !== undefined) {
      throw new InvalidKeyError(
        'the text holds base64 DER key material, which cannot be an HMAC secret; pass it as PEM',
      )
    }
  }
  assertNotDer(Buffer.from(text, 'latin1'))
}

/** Refuses bytes that are a DER-encoded asymmetric key. */
export function assertNotDer(bytes: Buffer): void {
  if (parseDer(bytes) !== undefined) {
    throw new InvalidKeyError(
      'the bytes are DER key material, which cannot be an HMAC secret; pass a KeyObject or PEM',
    )
  }
}
