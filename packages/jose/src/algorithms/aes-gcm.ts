// AES-GCM (RFC 7518 sections 5.3 and 4.7): content encryption and key wrapping. JOSE uses one shape
// only: a 96-bit IV and a 128-bit tag, both checked here; node:crypto checks the key length.
import { Buffer } from 'node:buffer'
import { createCipheriv, createDecipheriv, type CipherGCMTypes, type KeyObject } from 'node:crypto'

/** The only IV length JOSE uses with AES-GCM, in bytes. */
export const GCM_IV_BYTES = 12
/** The only tag length JOSE uses with AES-GCM, in bytes. */
export const GCM_TAG_BYTES = 16

/** AES-GCM output: the ciphertext and its 128-bit tag. */
export interface Sealed {
  ciphertext: Buffer
  tag: Buffer
}

/**
 * Encrypts with AES-GCM under a 16, 24 or 32-byte key and a 12-byte IV.
 *
 * @param key - the AES key (its length picks AES-128, -192 or -256)
 * @param iv - 12 bytes, never reused with the same key
 * @param plaintext - the bytes to encrypt
 * @param aad - additional authenticated data, if any
 * @example
 * ```ts
 * const { ciphertext, tag } = gcmEncrypt(key, randomBytes(12), Buffer.from('hi'))
 * ```
 */
export function gcmEncrypt(
  key: Buffer | KeyObject,
  iv: Buffer,
  plaintext: Buffer,
  aad?: Buffer,
): Sealed {
  const cipher = createCipheriv(gcmCipher(key), key, iv, TAG_LENGTH)
  if (aad !== undefined) cipher.setAAD(aad)
  const ciphertext = joined(cipher.update(plaintext), cipher.final())
  return { ciphertext, tag: cipher.getAuthTag() }
}

/**
 * Decrypts AES-GCM. Returns undefined, never throws, when the IV or tag has the wrong length or the
 * tag does not verify, so that every failure looks the same to the caller.
 *
 * @example
 * ```ts
 * const plaintext = gcmDecrypt(key, iv, ciphertext, tag) // undefined if tampered with
 * ```
 */
export function gcmDecrypt(
  key: Buffer | KeyObject,
  iv: Buffer,
  ciphertext: Buffer,
  tag: Buffer,
  aad?: Buffer,
): Buffer | undefined {
  if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) return undefined
  try {
    const decipher = createDecipheriv(gcmCipher(key), key, iv, TAG_LENGTH)
    decipher.setAuthTag(tag)
    if (aad !== undefined) decipher.setAAD(aad)
    return joined(decipher.update(ciphertext), decipher.final())
  } catch {
    return undefined
  }
}

// GCM is a stream mode: final() returns no bytes, only checks or makes the tag, so update()'s
// output is the whole result. Buffer.concat would copy it all again (about a fifth of a 1 KB
// JWE's decryption); it is kept for a final() that ever returns bytes.
function joined(head: Buffer, tail: Buffer): Buffer {
  return tail.length === 0 ? head : Buffer.concat([head, tail])
}

// Made once rather than per call: a JWE is decrypted in a few microseconds.
const TAG_LENGTH = { authTagLength: GCM_TAG_BYTES }
const CIPHERS: Record<number, CipherGCMTypes> = {
  16: 'aes-128-gcm',
  24: 'aes-192-gcm',
  32: 'aes-256-gcm',
}

function gcmCipher(key: Buffer | KeyObject): CipherGCMTypes {
  const bytes = Buffer.isBuffer(key) ? key.length : (key.symmetricKeySize ?? 0)
  // Any other length is refused by node:crypto, as before, under a name it does not know.
  return CIPHERS[bytes] ?? (`aes-${bytes * 8}-gcm` as CipherGCMTypes)
}
