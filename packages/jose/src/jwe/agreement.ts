// The ECDH-ES key derivation shared by both directions (RFC 7518 section 4.6.2): Z from the
// agreement, then the Concat KDF keyed by `enc` (direct agreement) or `alg` (agreement then wrap),
// with PartyUInfo and PartyVInfo from `apu` and `apv`.
import { Buffer } from 'node:buffer'
import type { KeyObject } from 'node:crypto'
import { concatKdf, ecdhSharedSecret } from '../algorithms/ecdh-es.js'
import type { ContentEncryptionAlgorithm, KeyManagementAlgorithm } from '../algorithms/registry.js'
import { decodePart } from './parts.js'

/**
 * Derives the CEK (ECDH-ES) or the key-wrapping key (ECDH-ES+A*KW); undefined when no secret can be
 * agreed (a low-order point, an all-zero result).
 *
 * @param header - the joined header, for `apu` and `apv`
 * @example
 * ```ts
 * const kek = deriveAgreedKey(alg, enc, recipientPrivateKey, epk, header)
 * ```
 */
export function deriveAgreedKey(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  privateKey: KeyObject,
  publicKey: KeyObject,
  header: Record<string, unknown>,
): Buffer | undefined {
  const z = ecdhSharedSecret(privateKey, publicKey)
  if (z === undefined) return undefined
  const apu = header.apu === undefined ? Buffer.alloc(0) : decodePart(header.apu, '"apu"')
  const apv = header.apv === undefined ? Buffer.alloc(0) : decodePart(header.apv, '"apv"')
  return alg.direct
    ? concatKdf(z, enc.cekBytes, enc.name, apu, apv)
    : concatKdf(z, alg.wrapKeyBytes!, alg.name, apu, apv)
}
