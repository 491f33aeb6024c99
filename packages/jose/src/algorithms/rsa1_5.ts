// RSAES-PKCS1-v1_5 (RFC 7518 section 4.2), for decrypting legacy tokens only. Bleichenbacher and
// Marvin attacks live on telling bad padding apart from good: every failure here yields a random
// CEK of the right length, by the same path, so the failure shows up later as a wrong tag.
//
// Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809) unless its OpenSSL does implicit
// rejection. Whether this runtime allows it is found out once, with a throwaway key.
import type { Buffer } from 'node:buffer'
import {
  constants,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
  randomBytes,
  type KeyObject,
} from 'node:crypto'
import { JWENotSupportedError } from '../errors.js'

let supported: boolean | undefined

/**
 * Whether node:crypto performs PKCS#1 v1.5 private decryption here. Tried once (a 1024-bit throwaway
 * key and a known message), then remembered.
 *
 * @example
 * ```ts
 * if (!pkcs1DecryptionSupported()) console.warn('RSA1_5 tokens cannot be decrypted here')
 * ```
 */
export function pkcs1DecryptionSupported(): boolean {
  if (supported === undefined) {
    try {
      const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 })
      const probe = randomBytes(16)
      const encrypted = publicEncrypt(
        { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
        probe,
      )
      const decrypted = privateDecrypt(
        { key: privateKey, padding: constants.RSA_PKCS1_PADDING },
        encrypted,
      )
      supported = decrypted.equals(probe)
    } catch {
      supported = false
    }
  }
  return supported
}

/**
 * Decrypts a PKCS#1 v1.5 encrypted CEK. Bad padding, a wrong length or any other failure gives a
 * random CEK of `cekBytes` bytes instead: there is no error to observe here.
 *
 * @param key - the RSA private key
 * @param data - the JWE encrypted key
 * @param cekBytes - the CEK length the content encryption needs
 * @throws JWENotSupportedError when this runtime refuses PKCS#1 v1.5 decryption
 * @example
 * ```ts
 * const cek = pkcs1DecryptCek(privateKey, encryptedKey, 32) // then the tag check decides
 * ```
 */
export function pkcs1DecryptCek(key: KeyObject, data: Buffer, cekBytes: number): Buffer {
  if (!pkcs1DecryptionSupported()) {
    throw new JWENotSupportedError(
      'RSA1_5 decryption is not available on this runtime: its OpenSSL refuses PKCS#1 v1.5 (CVE-2023-46809); ask the sender to use RSA-OAEP-256',
    )
  }
  // The substitute is made before decrypting, so both outcomes take the same steps.
  const substitute = randomBytes(cekBytes)
  let cek: Buffer | undefined
  try {
    cek = privateDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, data)
  } catch {
    cek = undefined
  }
  return cek !== undefined && cek.length === cekBytes ? cek : substitute
}
