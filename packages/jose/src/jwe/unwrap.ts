// Key management on the receiving side (RFC 7516 section 5.2, steps 6-10): recover the CEK for one
// recipient with one key. Every failure that depends on the key or on secret data is the same
// decryption error, including an unwrapped CEK of the wrong length; header parameters that are
// malformed whatever the key are JWEErrors, and a PBES2 count out of bounds is a JWELimitError.
import type { Buffer } from 'node:buffer'
import { aesUnwrap } from '../algorithms/aes-kw.js'
import { GCM_IV_BYTES, GCM_TAG_BYTES, gcmDecrypt } from '../algorithms/aes-gcm.js'
import { pbes2Salt, pbkdf2 } from '../algorithms/pbes2.js'
import type { ContentEncryptionAlgorithm, KeyManagementAlgorithm } from '../algorithms/registry.js'
import { oaepDecrypt, type OaepHash } from '../algorithms/rsa-oaep.js'
import { pkcs1DecryptCek } from '../algorithms/rsa1_5.js'
import { JWEError, JWELimitError } from '../errors.js'
import type { Key } from '../keys/key.js'
import { deriveAgreedKey } from './agreement.js'
import { cekLength, decryptionFailed, type Cek } from './content.js'
import { agreeWithEpk } from './epk.js'
import { decodePart } from './parts.js'

/** The PBES2 bounds in force. */
export interface Pbes2Bounds {
  readonly minPbes2Count: number
  readonly maxPbes2Count: number
}

/**
 * The PBES2 iterations one decryption may still spend. Every derivation of one token (each
 * recipient, each candidate password) draws on the same budget of maxPbes2Count, so a JSON JWE with
 * many PBES2 recipients, or a set of many passwords, costs no more than one derivation at the bound.
 */
export interface Pbes2Budget {
  remaining: number
}

/**
 * Recovers the CEK for one recipient with one key, already checked with unusableForEncryption.
 *
 * @param header - the recipient's joined header
 * @param budget - the PBES2 iterations this token may still spend; a derivation draws on it
 * @throws JWEDecryptionError when the key does not yield a CEK of the length `enc` needs
 * @example
 * ```ts
 * const cek = unwrapCek(alg, enc, key, recipient.encryptedKey, header, policy, budget)
 * ```
 */
export function unwrapCek(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  key: Key,
  encryptedKey: Buffer,
  header: Record<string, unknown>,
  bounds: Pbes2Bounds,
  budget: Pbes2Budget,
): Cek {
  const cek = recover(alg, enc, key, encryptedKey, header, bounds, budget)
  if (cek === undefined || cekLength(cek) !== enc.cekBytes) throw decryptionFailed()
  return cek
}

function recover(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  key: Key,
  encryptedKey: Buffer,
  header: Record<string, unknown>,
  bounds: Pbes2Bounds,
  budget: Pbes2Budget,
): Cek | undefined {
  if (alg.direct && encryptedKey.length !== 0) {
    throw new JWEError(`${alg.name} has no encrypted key; the JWE carries one`)
  }
  switch (alg.family) {
    case 'dir':
      return key.keyObject
    case 'aes-kw':
      return aesUnwrap(key.keyObject, encryptedKey)
    case 'aes-gcm-kw': {
      const iv = decodePart(header.iv, '"iv" header parameter')
      const tag = decodePart(header.tag, '"tag" header parameter')
      if (iv.length !== GCM_IV_BYTES) throw new JWEError(`"iv" must be ${GCM_IV_BYTES} bytes`)
      if (tag.length !== GCM_TAG_BYTES) return undefined
      return gcmDecrypt(key.keyObject, iv, encryptedKey, tag)
    }
    case 'rsa-oaep':
      return oaepDecrypt(alg.hash as OaepHash, key.keyObject, encryptedKey)
    case 'rsa1_5':
      return pkcs1DecryptCek(key.keyObject, encryptedKey, enc.cekBytes)
    case 'ecdh-es': {
      const z = agreeWithEpk(header.epk, key)
      if (z === undefined) return undefined
      const derived = deriveAgreedKey(alg, enc, z, header)
      return alg.direct ? derived : aesUnwrap(derived, encryptedKey)
    }
    case 'pbes2': {
      const { p2s, p2c } = readPbes2(header, bounds)
      if (p2c > budget.remaining) {
        throw new JWELimitError(
          `the PBES2 derivations of this JWE exceed ${bounds.maxPbes2Count} iterations in all`,
        )
      }
      budget.remaining -= p2c
      const kek = pbkdf2(alg.hash!, key.keyObject, pbes2Salt(alg.name, p2s), p2c, alg.wrapKeyBytes!)
      return aesUnwrap(kek, encryptedKey)
    }
    default:
      return undefined
  }
}

// p2c is bounded on both sides before any work: too high is a denial of service (jose
// CVE-2022-36083, jwcrypto CVE-2023-6681), too low a weak derivation.
function readPbes2(header: Record<string, unknown>, bounds: Pbes2Bounds) {
  const p2s = decodePart(header.p2s, '"p2s" header parameter')
  if (p2s.length < 8) throw new JWEError('"p2s" must be at least 8 bytes')
  const p2c = header.p2c
  if (typeof p2c !== 'number' || !Number.isSafeInteger(p2c) || p2c < 1) {
    throw new JWEError('"p2c" must be a positive integer')
  }
  if (p2c > bounds.maxPbes2Count) {
    throw new JWELimitError(`"p2c" is above the maximum of ${bounds.maxPbes2Count}`)
  }
  if (p2c < bounds.minPbes2Count) {
    throw new JWELimitError(`"p2c" is below the minimum of ${bounds.minPbes2Count}`)
  }
  return { p2s, p2c }
}
