// AES-CBC with HMAC-SHA-2 (RFC 7518 section 5.2): the CEK is MAC_KEY || ENC_KEY; the tag is the first
// half of HMAC(MAC_KEY, AAD || IV || ciphertext || AL), checked in constant time before any
// decryption, so a padding error can never be told apart from a forgery.
import { Buffer } from 'node:buffer'
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto'
import type { ContentEncryptionAlgorithm } from './registry.js'
import type { Sealed } from './aes-gcm.js'

/**
 * Encrypts with AES-CBC and PKCS#7 padding: the CBC half of the composite.
 *
 * @example
 * ```ts
 * const ciphertext = cbcEncrypt(aesKey, randomBytes(16), plaintext)
 * ```
 */
export function cbcEncrypt(key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  const cipher = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv)
  return Buffer.concat([cipher.update(plaintext), cipher.final()])
}

/**
 * Decrypts AES-CBC and removes PKCS#7 padding; undefined for bad padding or a bad length. Only ever
 * called on ciphertext whose MAC has already been checked.
 *
 * @example
 * ```ts
 * const plaintext = cbcDecrypt(aesKey, iv, ciphertext)
 * ```
 */
export function cbcDecrypt(key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv(`aes-${key.length * 8}-cbc`, key, iv)
    return Buffer.concat([decipher.update(ciphertext), decipher.final()])
  } catch {
    return undefined
  }
}

/**
 * Encrypts with AES_CBC_HMAC_SHA2 (A128CBC-HS256, A192CBC-HS384, A256CBC-HS512).
 *
 * @param enc - the registry entry
 * @param cek - MAC key || AES key, `enc.cekBytes` long
 * @example
 * ```ts
 * const { ciphertext, tag } = cbcHsEncrypt(entry, cek, randomBytes(16), plaintext, aad)
 * ```
 */
export function cbcHsEncrypt(
  enc: ContentEncryptionAlgorithm,
  cek: Buffer,
  iv: Buffer,
  plaintext: Buffer,
  aad: Buffer,
): Sealed {
  const half = cek.length / 2
  const ciphertext = cbcEncrypt(cek.subarray(half), iv, plaintext)
  return { ciphertext, tag: macTag(enc, cek.subarray(0, half), aad, iv, ciphertext) }
}

/**
 * Checks the tag (length first, then its bytes in constant time), and only then decrypts. Returns
 * undefined for every failure: wrong key size, truncated or padded tag, wrong MAC, bad padding.
 *
 * @example
 * ```ts
 * const plaintext = cbcHsDecrypt(entry, cek, iv, ciphertext, tag, aad)
 * ```
 */
export function cbcHsDecrypt(
  enc: ContentEncryptionAlgorithm,
  cek: Buffer,
  iv: Buffer,
  ciphertext: Buffer,
  tag: Buffer,
  aad: Buffer,
): Buffer | undefined {
  if (cek.length !== enc.cekBytes || iv.length !== enc.ivBytes) return undefined
  const half = cek.length / 2
  const expected = macTag(enc, cek.subarray(0, half), aad, iv, ciphertext)
  // The tag's length is public; a truncated or padded tag never reaches the comparison.
  if (tag.length !== expected.length || !timingSafeEqual(tag, expected)) return undefined
  return cbcDecrypt(cek.subarray(half), iv, ciphertext)
}

function macTag(
  enc: ContentEncryptionAlgorithm,
  macKey: Buffer,
  aad: Buffer,
  iv: Buffer,
  ciphertext: Buffer,
): Buffer {
  // AL: the AAD length in bits, as a 64-bit big-endian integer.
  const al = Buffer.alloc(8)
  al.writeBigUInt64BE(BigInt(aad.length) * 8n)
  const mac = createHmac(enc.hash!, macKey).update(aad).update(iv).update(ciphertext).update(al)
  return mac.digest().subarray(0, enc.tagBytes)
}
