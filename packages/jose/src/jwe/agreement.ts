// The ECDH-ES key derivation shared by both directions (RFC 7518 section 4.6.2): the Concat KDF
// over the agreed secret Z, keyed by `enc` (direct agreement) or `alg` (agreement then wrap), with
// PartyUInfo and PartyVInfo from `apu` and `apv`.
import { Buffer } from 'node:buffer'
import { concatKdf } from '../algorithms/ecdh-es.js'
import type { ContentEncryptionAlgorithm, KeyManagementAlgorithm } from '../algorithms/registry.js'
import { decodePart } from './parts.js'

// Absent `apu` and `apv` are empty; one Buffer of no bytes serves every token.
const EMPTY = Buffer.alloc(0)

/**
 * Derives the CEK (ECDH-ES) or the key-wrapping key (ECDH-ES+A*KW) from the shared secret `z`.
 *
 * @param header - the joined header, for `apu` and `apv`
 * @example
 * ```ts
 * const kek = deriveAgreedKey(alg, enc, agreeWithEpk(header.epk, recipientKey), header)
 * ```
 */
export function deriveAgreedKey(
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  z: Buffer,
  header: Record<string, unknown>,
): Buffer {
  const apu = header.apu === undefined ? EMPTY : decodePart(header.apu, '"apu"')
  const apv = header.apv === undefined ? EMPTY : decodePart(header.apv, '"apv"')
  return alg.direct
    ? concatKdf(z, enc.cekBytes, enc.name, apu, apv)
    : concatKdf(z, alg.wrapKeyBytes!, alg.name, apu, apv)
}
