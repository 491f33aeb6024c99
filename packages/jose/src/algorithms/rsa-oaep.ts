// RSAES-OAEP (RFC 7518 section 4.3; RSA-OAEP-384 and -512 from the IANA JOSE registry): an empty
// label and MGF1 with the OAEP hash, all from node:crypto.
import type { Buffer } from 'node:buffer'
import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto'

/** An OAEP hash as node:crypto names it. */
export type OaepHash = 'sha1' | 'sha256' | 'sha384' | 'sha512'

/**
 * Encrypts a key with RSA-OAEP.
 *
 * @param hash - the OAEP and MGF1 hash
 * @param key - an RSA public key (or a private key, whose public half is used)
 * @example
 * ```ts
 * const encryptedKey = oaepEncrypt('sha256', publicKey, cek)
 * ```
 */
export function oaepEncrypt(hash: OaepHash, key: KeyObject, data: Buffer): Buffer {
  return publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data)
}

/**
 * Decrypts RSA-OAEP; undefined, never a throw, when the ciphertext does not decrypt.
 *
 * @example
 * ```ts
 * const cek = oaepDecrypt('sha256', privateKey, encryptedKey)
 * ```
 */
export function oaepDecrypt(hash: OaepHash, key: KeyObject, data: Buffer): Buffer | undefined {
  try {
    return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: hash }, data)
  } catch {
    return undefined
  }
}
