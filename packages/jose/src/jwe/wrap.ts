// Key management on the sending side (RFC 7516 section 5.1, steps 1-8): determine the CEK, and
// encrypt, wrap or agree it for one recipient, with the header parameters that takes.
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import { aesWrap } from '../algorithms/aes-kw.js'
import { GCM_IV_BYTES, gcmEncrypt } from '../algorithms/aes-gcm.js'
import { pbes2Salt, pbkdf2 } from '../algorithms/pbes2.js'
import type { ContentEncryptionAlgorithm, KeyManagementAlgorithm } from '../algorithms/registry.js'
import { oaepEncrypt, type OaepHash } from '../algorithms/rsa-oaep.js'
import { InvalidKeyError } from '../errors.js'
import { encodeBase64url } from '../internal/base64url.js'
import { fixedValues } from '../internal/jwe-fixed.js'
import type { Key } from '../keys/key.js'
import { deriveAgreedKey } from './agreement.js'
import type { Cek } from './content.js'
import { agreeEphemeral } from './epk.js'

/** One recipient's share: the CEK (given, or made here), its encrypted key and header parameters. */
export interface Wrapped {
  cek: Cek
  encryptedKey: Buffer
  params: Record<string, unknown>
}

// The encrypted key of the direct algorithms: no bytes, so one Buffer serves every token.
const EMPTY = Buffer.alloc(0)

/**
 * Produces the encrypted key for one recipient. `cek` is the shared CEK, or undefined for the
 * direct algorithms (dir, ECDH-ES), which determine it. The key has already been checked with
 * Key.unusableForEncryption.
 *
 * @param header - the recipient's joined header so far, for `apu` and `apv`
 * @param p2c - the PBES2 iteration count
 * @example
 * ```ts
 * const { encryptedKey, params } = wrapCek(alg, enc, key, cek, header, 10_000)
 * ```
 */
export function wrapCek(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  key: Key,
  cek: Cek | undefined,
  header: Record<string, unknown>,
  p2c: number,
): Wrapped {
  const fixed = fixedValues()
  // Only the direct algorithms make a CEK that is not bytes, and they take no CEK.
  const given = (): Buffer => cek as Buffer
  switch (alg.family) {
    case 'dir':
      return { cek: key.keyObject, encryptedKey: EMPTY, params: {} }
    case 'aes-kw':
      return { cek: given(), encryptedKey: aesWrap(key.keyObject, given()), params: {} }
    case 'aes-gcm-kw': {
      const iv = fixed?.wrapIv ?? randomBytes(GCM_IV_BYTES)
      const { ciphertext, tag } = gcmEncrypt(key.keyObject, iv, given())
      const params = { iv: encodeBase64url(iv), tag: encodeBase64url(tag) }
      return { cek: given(), encryptedKey: ciphertext, params }
    }
    case 'rsa-oaep':
      return {
        cek: given(),
        encryptedKey: oaepEncrypt(alg.hash as OaepHash, key.keyObject, given()),
        params: {},
      }
    case 'ecdh-es': {
      const { z, epk } = agreeEphemeral(key, fixed?.epk)
      if (z === undefined) throw new InvalidKeyError('no secret can be agreed with this key')
      const params = { epk }
      const derived = deriveAgreedKey(alg, enc, z, header)
      if (alg.direct) return { cek: derived, encryptedKey: EMPTY, params }
      return { cek: given(), encryptedKey: aesWrap(derived, given()), params }
    }
    case 'pbes2': {
      const p2s = fixed?.p2s ?? randomBytes(16)
      const salt = pbes2Salt(alg.name, p2s)
      const kek = pbkdf2(alg.hash!, key.keyObject, salt, p2c, alg.wrapKeyBytes!)
      const params = { p2s: encodeBase64url(p2s), p2c }
      return { cek: given(), encryptedKey: aesWrap(kek, given()), params }
    }
    default:
      throw new InvalidKeyError(`${alg.name} is only for decrypting legacy tokens`)
  }
}
