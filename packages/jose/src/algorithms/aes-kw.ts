// AES Key Wrap (RFC 3394, RFC 7518 section 4.4) through node:crypto's id-aesNNN-wrap ciphers.
import { Buffer } from 'node:buffer'
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto'

// The RFC 3394 default initial value.
const DEFAULT_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex')

/**
 * Wraps a key (at least 16 bytes, a multiple of 8) under a 16, 24 or 32-byte key-encryption key.
 *
 * @example
 * ```ts
 * const wrapped = aesWrap(kek, cek) // cek.length + 8 bytes
 * ```
 */
export function aesWrap(kek: Buffer | KeyObject, key: Buffer): Buffer {
  const cipher = createCipheriv(wrapCipher(kek), kek, DEFAULT_IV)
  return Buffer.concat([cipher.update(key), cipher.final()])
}

/**
 * Unwraps a wrapped key. Returns undefined, never throws, when the integrity check fails or the
 * input cannot be a wrapped key: node:crypto accepts an empty input, so the length is checked here
 * (a multiple of 8 and at least 24 bytes, i.e. a wrapped key of at least 16 bytes).
 *
 * @example
 * ```ts
 * const cek = aesUnwrap(kek, wrapped) // undefined if it was not wrapped under kek
 * ```
 */
export function aesUnwrap(kek: Buffer | KeyObject, wrapped: Buffer): Buffer | undefined {
  if (wrapped.length < 24 || wrapped.length % 8 !== 0) return undefined
  try {
    const decipher = createDecipheriv(wrapCipher(kek), kek, DEFAULT_IV)
    return Buffer.concat([decipher.update(wrapped), decipher.final()])
  } catch {
    return undefined
  }
}

function wrapCipher(kek: Buffer | KeyObject): string {
  const bytes = Buffer.isBuffer(kek) ? kek.length : (kek.symmetricKeySize ?? 0)
  return `id-aes${bytes * 8}-wrap`
}
