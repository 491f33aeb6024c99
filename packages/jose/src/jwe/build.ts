// The encryption steps shared by jwe.encrypt, jwe.encryptJSON and jwt.encrypt (RFC 7516 section
// 5.1): key management for each recipient, the protected header, compression, content encryption.
import { Buffer } from 'node:buffer'
import { randomBytes } from 'node:crypto'
import type { ContentEncryptionAlgorithm, KeyManagementAlgorithm } from '../algorithms/registry.js'
import { InvalidKeyError, InvalidOptionsError } from '../errors.js'
import { encodeBase64url } from '../internal/base64url.js'
import { fixedValues } from '../internal/jwe-fixed.js'
import { stringifyJson } from '../internal/json.js'
import type { Key } from '../keys/key.js'
import { contentAad, sealContent, type Cek } from './content.js'
import { checkStrength } from './decrypt-parts.js'
import { checkHeader, joinHeaders } from './header.js'
import type { JWEParts } from './parts.js'
import { wrapCek } from './wrap.js'
import { deflate } from './zip.js'

/** One recipient to encrypt to, and where its `alg` and algorithm parameters go. */
export interface RecipientSpec {
  key: Key
  alg: KeyManagementAlgorithm
  /** The recipient's own unprotected header (JSON serialization only). */
  header: Record<string, unknown> | undefined
  /**
   * Where `alg` and the algorithm's parameters (`epk`, `p2s`, ...) go: the protected or the shared
   * unprotected header (only with one recipient), or the recipient's own header.
   */
  placement: 'protected' | 'unprotected' | 'recipient'
}

/** Everything needed to build a JWE. */
export interface BuildInput {
  plaintext: Buffer
  enc: ContentEncryptionAlgorithm
  /** The caller's protected header members; `enc` (unless unprotected) and `zip` are set here. */
  protectedHeader: Record<string, unknown>
  unprotected: Record<string, unknown> | undefined
  /** Where `enc` goes: the protected header (the default) or the shared unprotected header. */
  encPlacement: 'protected' | 'unprotected'
  aad: Buffer | undefined
  zip: boolean
  recipients: readonly RecipientSpec[]
  p2c: number
  insecureAllowWeakKeys: boolean
}

/**
 * Builds a JWE for one or more recipients. Checks every key for its algorithm first, refuses weak
 * RSA keys, and applies to the result the header rules decryption applies.
 *
 * @example
 * ```ts
 * const parts = buildJWE({ plaintext, enc, protectedHeader: {}, recipients: [spec], ... })
 * ```
 */
export function buildJWE(
  input: BuildInput,
): JWEParts & { protectedHeader: Record<string, unknown> } {
  const { enc, recipients } = input
  if (recipients.length === 0) throw new InvalidOptionsError('name at least one recipient')
  for (const { key, alg, placement } of recipients) {
    checkEncryptionKey(key, alg, enc, input.insecureAllowWeakKeys)
    if ((alg.direct || placement !== 'recipient') && recipients.length > 1) {
      throw new InvalidOptionsError(`${alg.name} encrypts to exactly one recipient`)
    }
  }
  const fixed = fixedValues()
  const protectedHeader: Record<string, unknown> = { ...input.protectedHeader }
  const unprotected: Record<string, unknown> = { ...input.unprotected }
  ;(input.encPlacement === 'protected' ? protectedHeader : unprotected).enc = enc.name
  if (input.zip) protectedHeader.zip = 'DEF'
  let cek: Cek | undefined = recipients[0]!.alg.direct
    ? undefined
    : (fixed?.cek ?? randomBytes(enc.cekBytes))
  const built = recipients.map(({ key, alg, header, placement }) => {
    const own = placement === 'recipient' ? { ...header, alg: alg.name } : header
    const target =
      placement === 'protected' ? protectedHeader : placement === 'unprotected' ? unprotected : own!
    target.alg = alg.name
    const wrapped = wrapCek(
      alg,
      enc,
      key,
      cek,
      joinHeaders(protectedHeader, unprotected, own),
      input.p2c,
    )
    cek = wrapped.cek
    Object.assign(target, wrapped.params)
    return { header: own, encryptedKey: wrapped.encryptedKey }
  })
  for (const [index, { header }] of built.entries()) {
    const joined = joinHeaders(protectedHeader, unprotected, header)
    checkBuiltHeader(joined, protectedHeader, recipients[index]!.alg, enc)
  }
  const ordered =
    fixed?.headerOrder === undefined ? protectedHeader : reorder(protectedHeader, fixed.headerOrder)
  const json = stringifyJson(ordered)
  if (json === undefined) throw new InvalidOptionsError('the header cannot be serialized as JSON')
  // With nothing to protect there is no protected header, and the AAD starts empty.
  const protectedB64 = Object.keys(ordered).length === 0 ? '' : encodeBase64url(json)
  const aadB64 = input.aad === undefined ? undefined : encodeBase64url(input.aad)
  const plaintext = input.zip ? (fixed?.compressed ?? deflate(input.plaintext)) : input.plaintext
  const iv = fixed?.iv ?? randomBytes(enc.ivBytes)
  const { ciphertext, tag } = sealContent(
    enc,
    cek!,
    iv,
    plaintext,
    contentAad(protectedB64, aadB64),
  )
  return {
    protectedB64,
    protectedHeader: ordered,
    unprotected: Object.keys(unprotected).length === 0 ? undefined : unprotected,
    recipients: built,
    iv,
    ciphertext,
    tag,
    aadB64,
  }
}

/**
 * Checks that `key` may encrypt with `alg` and `enc` (its type, size, `alg`, `use` and `key_ops`),
 * and refuses weak RSA keys unless allowed.
 *
 * @throws InvalidKeyError
 * @example
 * ```ts
 * checkEncryptionKey(key, alg, enc, options.insecureAllowWeakKeys === true)
 * ```
 */
export function checkEncryptionKey(
  key: Key,
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
  insecureAllowWeakKeys: boolean,
): void {
  const reason = key.unusableForEncryption(alg, enc, 'encrypt')
  if (reason !== undefined) throw new InvalidKeyError(reason)
  checkStrength(key, insecureAllowWeakKeys)
}

/**
 * Applies to a header being made the rules decryption applies (`crit`, `zip`, the types of `kid`,
 * `typ` and `cty`), with the caller's own `crit` names understood.
 *
 * @throws JWEError
 * @example
 * ```ts
 * checkBuiltHeader(protectedHeader, protectedHeader, alg, enc)
 * ```
 */
export function checkBuiltHeader(
  joined: Record<string, unknown>,
  protectedHeader: Record<string, unknown>,
  alg: KeyManagementAlgorithm,
  enc: ContentEncryptionAlgorithm,
): void {
  checkHeader(joined, protectedHeader, {
    algorithms: new Map([[alg.name, alg]]),
    encryptions: new Map([[enc.name, enc]]),
    crit: new Set(Array.isArray(joined.crit) ? (joined.crit as string[]) : []),
  })
}

/**
 * Reads a plaintext: text is encoded as UTF-8, bytes are used as they are.
 *
 * @example
 * ```ts
 * const bytes = plaintextBytes('secret text')
 * ```
 */
export function plaintextBytes(plaintext: unknown): Buffer {
  if (typeof plaintext === 'string') return Buffer.from(plaintext, 'utf8')
  if (Buffer.isBuffer(plaintext)) return plaintext
  // A view, not a copy: encryption reads the bytes synchronously, within this call.
  if (plaintext instanceof Uint8Array) {
    return Buffer.from(plaintext.buffer, plaintext.byteOffset, plaintext.byteLength)
  }
  throw new InvalidOptionsError('the plaintext must be a string or bytes')
}

function reorder(
  header: Record<string, unknown>,
  order: readonly string[],
): Record<string, unknown> {
  const first = order.filter((name) => Object.hasOwn(header, name))
  return { ...Object.fromEntries(first.map((name) => [name, header[name]])), ...header }
}
