// Content encryption (RFC 7518 section 5): the shape checks that need no key, and the dispatch to
// AES-GCM or AES-CBC-HMAC-SHA2. Every failure after the shape checks is the same error.
import { Buffer } from 'node:buffer'
import type { KeyObject } from 'node:crypto'
import { gcmDecrypt, gcmEncrypt, type Sealed } from '../algorithms/aes-gcm.js'
import { cbcHsDecrypt, cbcHsEncrypt } from '../algorithms/aes-cbc-hs.js'
import type { ContentEncryptionAlgorithm } from '../algorithms/registry.js'
import { JWEDecryptionError, JWEError, JWELimitError } from '../errors.js'

/**
 * A content encryption key: bytes, or a dir key's own secret KeyObject, which AES-GCM takes as it is
 * (exporting it would copy the secret on every call, about half a microsecond).
 */
export type Cek = Buffer | KeyObject

/**
 * The length of a CEK in bytes.
 *
 * @example
 * ```ts
 * if (cekLength(cek) !== enc.cekBytes) throw decryptionFailed()
 * ```
 */
export function cekLength(cek: Cek): number {
  return Buffer.isBuffer(cek) ? cek.length : (cek.symmetricKeySize ?? 0)
}

// AES-CBC-HMAC splits the CEK into its two halves, so it needs the bytes.
function cekBytes(cek: Cek): Buffer {
  return Buffer.isBuffer(cek) ? cek : cek.export()
}

/**
 * The one error for every decryption failure: wrong tag, wrong key, a CEK of the wrong length,
 * bad padding. Its message is the same whatever went wrong.
 *
 * @example
 * ```ts
 * if (cek === undefined) throw decryptionFailed()
 * ```
 */
export function decryptionFailed(): JWEDecryptionError {
  return new JWEDecryptionError('the JWE does not decrypt')
}

/**
 * Checks what can be checked without a key: the IV has exactly the length `enc` needs, the tag is
 * exactly the length it produces (a truncated or padded tag is a wrong tag), CBC ciphertext is
 * whole blocks, and compressed content is within its cap. Done before any key is touched.
 *
 * @example
 * ```ts
 * checkContentShape(enc, parts, false, Infinity)
 * ```
 */
export function checkContentShape(
  enc: ContentEncryptionAlgorithm,
  parts: { iv: Buffer; ciphertext: Buffer; tag: Buffer },
  compressed: boolean,
  maxCompressedBytes: number,
): void {
  if (parts.iv.length !== enc.ivBytes) {
    throw new JWEError(`${enc.name} needs a ${enc.ivBytes}-byte initialization vector`)
  }
  if (parts.tag.length !== enc.tagBytes) throw decryptionFailed()
  if (
    enc.family === 'aes-cbc-hs' &&
    (parts.ciphertext.length % 16 !== 0 || parts.ciphertext.length === 0)
  ) {
    throw decryptionFailed()
  }
  if (compressed && parts.ciphertext.length > maxCompressedBytes + 16) {
    throw new JWELimitError(`the compressed plaintext is longer than ${maxCompressedBytes} bytes`)
  }
}

/**
 * Encrypts content under the CEK.
 *
 * @example
 * ```ts
 * const { ciphertext, tag } = sealContent(enc, cek, iv, plaintext, aad)
 * ```
 */
export function sealContent(
  enc: ContentEncryptionAlgorithm,
  cek: Cek,
  iv: Buffer,
  plaintext: Buffer,
  aad: Buffer,
): Sealed {
  return enc.family === 'aes-gcm'
    ? gcmEncrypt(cek, iv, plaintext, aad)
    : cbcHsEncrypt(enc, cekBytes(cek), iv, plaintext, aad)
}

/**
 * Decrypts and authenticates content; throws the one decryption error on any failure.
 *
 * @example
 * ```ts
 * const plaintext = openContent(enc, cek, parts.iv, parts.ciphertext, parts.tag, aad)
 * ```
 */
export function openContent(
  enc: ContentEncryptionAlgorithm,
  cek: Cek,
  iv: Buffer,
  ciphertext: Buffer,
  tag: Buffer,
  aad: Buffer,
): Buffer {
  if (cekLength(cek) !== enc.cekBytes) throw decryptionFailed()
  const plaintext =
    enc.family === 'aes-gcm'
      ? gcmDecrypt(cek, iv, ciphertext, tag, aad)
      : cbcHsDecrypt(enc, cekBytes(cek), iv, ciphertext, tag, aad)
  if (plaintext === undefined) throw decryptionFailed()
  return plaintext
}

/**
 * The additional authenticated data: ASCII(protected header segment), then "." and the JSON `aad`
 * member when there is one (RFC 7516 section 5.1, step 14).
 *
 * @example
 * ```ts
 * const aad = contentAad(parts.protectedB64, parts.aadB64)
 * ```
 */
export function contentAad(protectedB64: string, aadB64: string | undefined): Buffer {
  return Buffer.from(aadB64 === undefined ? protectedB64 : `${protectedB64}.${aadB64}`, 'ascii')
}
