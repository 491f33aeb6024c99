// The decryption steps shared by jwe.decrypt, jwe.decryptJSON and jwt.decrypt (RFC 7516 section
// 5.2): for each recipient, check its header against the caller's lists, check the content's shape,
// then try each candidate key. Synchronous; an async variant can reuse every step but unwrapCek.
import type { Buffer } from 'node:buffer'
import type { KeyManagementAlgorithm } from '../algorithms/registry.js'
import type { JOSEError } from '../errors.js'
import { InvalidKeyError, JWEAlgorithmError, JWEDecryptionError, JWEError } from '../errors.js'
import { isJsonObject } from '../internal/json.js'
import { Key } from '../keys/key.js'
import type { KeySet } from '../keys/key-set.js'
import { checkContentShape, contentAad, decryptionFailed, openContent } from './content.js'
import { checkHeader, joinHeaders, type HeaderAlgorithms } from './header.js'
import type { JWEParts } from './parts.js'
import type { DecryptPolicy } from './policy.js'
import { unwrapCek, type Pbes2Budget } from './unwrap.js'
import { inflate } from './zip.js'

/** A decrypted JWE: the plaintext, and which recipient, header and key it was for. */
export interface DecryptedJWE {
  plaintext: Buffer
  /** The index of the recipient whose encrypted key was used (0 for compact). */
  recipientIndex: number
  /** That recipient's JOSE Header: protected, shared unprotected and per-recipient, joined. */
  header: Record<string, unknown>
  /** The key that decrypted it. */
  key: Key
}

/**
 * What one recipient's header settles before any key is used: its `alg` and `enc` from the
 * caller's lists, whether the content is compressed, and the keys that may decrypt it. It depends
 * on the header alone, so a compiled decrypter makes it once per distinct header.
 */
export interface RecipientPlan {
  /** The recipient's joined header. */
  header: Record<string, unknown>
  algs: HeaderAlgorithms
  compressed: boolean
  /** The keys to try, in order; empty when none can serve `alg` and `enc`, or the `epk`. */
  keys: readonly Key[]
  /** Why no key can serve `alg` and `enc`, when none can. */
  reason: string | undefined
  /**
   * Why no key is tried when some could serve `alg` and `enc` but none is on the curve of the
   * ECDH-ES `epk`: the error for a JWE with this recipient alone. With several recipients this
   * one is skipped; it is for someone else's key.
   */
  mismatch: JWEError | undefined
}

/**
 * Checks one recipient's joined header under the policy and finds the keys that may decrypt it.
 *
 * @throws JWEError for a header rule broken, JWEAlgorithmError for `alg` or `enc` not allowed
 * @example
 * ```ts
 * const plan = planRecipient(header, protectedHeader, key, policy)
 * ```
 */
export function planRecipient(
  header: Record<string, unknown>,
  protectedHeader: Record<string, unknown> | undefined,
  key: Key | KeySet,
  policy: DecryptPolicy,
): RecipientPlan {
  const algs = checkHeader(header, protectedHeader, policy)
  const found = candidates(key, algs, header)
  return {
    header,
    algs,
    compressed: header.zip !== undefined,
    keys: found.keys,
    reason: found.reason,
    mismatch: found.mismatch,
  }
}

/** The content of a JWE, decoded: what every recipient shares. */
export interface JWEContent {
  iv: Buffer
  ciphertext: Buffer
  tag: Buffer
}

/** A recipient opened: its plaintext, and the key that decrypted it. */
export interface OpenedRecipient {
  plaintext: Buffer
  key: Key
}

/**
 * Checks the content's shape for the recipient's `enc`, then tries each of its keys: recover the
 * CEK, decrypt, inflate. Returns the plaintext and the key, or undefined when no key decrypts
 * (every such failure looks the same). PBES2 derivations draw on `budget`, one per token.
 *
 * @throws JWEError, JWELimitError for a malformed or oversized content, InvalidKeyError when every
 *   candidate is too weak to use
 * @example
 * ```ts
 * const opened = openRecipient(plan, encryptedKey, content, contentAad(protectedB64, undefined), policy)
 * ```
 */
export function openRecipient(
  plan: RecipientPlan,
  encryptedKey: Buffer,
  content: JWEContent,
  aad: Buffer,
  policy: DecryptPolicy,
  budget: Pbes2Budget = { remaining: policy.maxPbes2Count },
): OpenedRecipient | undefined {
  const outcome = tryKeys(plan, encryptedKey, content, aad, policy, budget)
  if (outcome instanceof InvalidKeyError) throw outcome
  return outcome
}

// openRecipient, with "every candidate is too weak" returned (the first one's InvalidKeyError)
// rather than thrown, so that decryptParts can go on to the next recipient.
function tryKeys(
  plan: RecipientPlan,
  encryptedKey: Buffer,
  content: JWEContent,
  aad: Buffer,
  policy: DecryptPolicy,
  budget: Pbes2Budget,
): OpenedRecipient | InvalidKeyError | undefined {
  const { algs, header, compressed } = plan
  checkContentShape(algs.enc, content, compressed, policy.maxCompressedBytes)
  // A key too weak to use is skipped, so that a set holding an old weak key still opens what its
  // strong keys can, whatever their order; when every candidate is too weak, the first one's
  // InvalidKeyError says why nothing could.
  let weak: InvalidKeyError | undefined
  let usable = 0
  for (const candidate of plan.keys) {
    try {
      checkStrength(candidate, policy.insecureAllowWeakKeys)
    } catch (err) {
      if (!(err instanceof InvalidKeyError)) throw err
      weak ??= err
      continue
    }
    usable++
    let plaintext: Buffer
    try {
      const cek = unwrapCek(algs.alg, algs.enc, candidate, encryptedKey, header, policy, budget)
      plaintext = openContent(algs.enc, cek, content.iv, content.ciphertext, content.tag, aad)
    } catch (err) {
      if (err instanceof JWEDecryptionError) continue
      throw err
    }
    if (compressed) {
      plaintext = inflate(plaintext, policy.maxCompressedBytes, policy.maxInflatedBytes)
    }
    return { plaintext, key: candidate }
  }
  return usable === 0 ? weak : undefined
}

/**
 * The error for a recipient none of whose keys decrypted it: the reason no key could serve it,
 * when none could, else the one decryption error.
 *
 * @example
 * ```ts
 * if (opened === undefined) throw notDecrypted(plan.keys.length > 0, plan.reason)
 * ```
 */
export function notDecrypted(attempted: boolean, unusable: string | undefined): JWEDecryptionError {
  if (!attempted && unusable !== undefined) {
    return new JWEDecryptionError(`the key cannot decrypt this JWE: ${unusable}`)
  }
  return decryptionFailed()
}

/**
 * Decrypts parsed JWE parts with a key or a key set, under a compiled policy. With several
 * recipients, one whose `alg` is not allowed, whose `epk` is on a curve none of the keys is on, or
 * that only keys too weak to use could open is skipped; a JWE with one recipient gets its error.
 *
 * @throws JWEError, JWEAlgorithmError, JWEDecryptionError, JWELimitError, JWENotSupportedError,
 *   InvalidKeyError
 * @example
 * ```ts
 * const { plaintext } = decryptParts(parseCompactJWE(token, policy.limits), key, policy)
 * ```
 */
export function decryptParts(
  parts: JWEParts,
  key: Key | KeySet,
  policy: DecryptPolicy,
): DecryptedJWE {
  const aad = contentAad(parts.protectedB64, parts.aadB64)
  const alone = parts.recipients.length === 1
  let notAllowed: JOSEError | undefined
  let weak: InvalidKeyError | undefined
  let unusable: string | undefined
  let attempted = false
  const budget: Pbes2Budget = { remaining: policy.maxPbes2Count }
  // RFC 7516 section 7.2.1: every recipient's header names must be disjoint from the shared ones,
  // checked for all of them up front, not only for those tried before one decrypts.
  const headers = parts.recipients.map((recipient) =>
    joinHeaders(parts.protectedHeader, parts.unprotected, recipient.header),
  )
  for (const [index, recipient] of parts.recipients.entries()) {
    const header = headers[index]!
    let plan: RecipientPlan
    try {
      plan = planRecipient(header, parts.protectedHeader, key, policy)
    } catch (err) {
      // With several recipients, one we may not use is skipped; the others may be for us.
      if (!(err instanceof JWEAlgorithmError) || alone) throw err
      notAllowed ??= err
      continue
    }
    // Skipped too, with several: one whose epk is on a curve none of our keys is on (it is for
    // someone else's key), and one only keys too weak to use could open (another may be for a
    // strong one).
    if (plan.mismatch !== undefined) {
      if (alone) throw plan.mismatch
      unusable ??= plan.mismatch.message
      continue
    }
    unusable ??= plan.reason
    const opened = tryKeys(plan, recipient.encryptedKey, parts, aad, policy, budget)
    if (opened instanceof InvalidKeyError) {
      if (alone) throw opened
      weak ??= opened
      continue
    }
    if (plan.keys.length > 0) attempted = true
    if (opened !== undefined) return { ...opened, recipientIndex: index, header }
  }
  // Nothing was tried with a usable key: say why, the weakness of our keys first.
  if (!attempted && weak !== undefined) throw weak
  if (!attempted && notAllowed !== undefined) throw notAllowed
  throw notDecrypted(attempted, unusable)
}

// The keys that may decrypt one recipient: the key, or the keys of the set with the header's `kid`,
// that can serve `alg` and `enc`; for ECDH-ES, only those on the curve of the header's `epk`.
function candidates(
  key: Key | KeySet,
  { alg, enc }: HeaderAlgorithms,
  header: Record<string, unknown>,
): { keys: Key[]; reason?: string; mismatch?: JWEError } {
  if (key instanceof Key) {
    const reason = key.unusableForEncryption(alg, enc, 'decrypt')
    if (reason !== undefined) return { keys: [], reason }
    if (!onEpkCurve(key, alg, header.epk)) {
      return { keys: [], mismatch: new JWEError(`"epk" must be a ${key.kty} key on ${key.crv}`) }
    }
    return { keys: [key] }
  }
  const kid = header.kid as string | undefined
  const keys = key.keys.filter(
    (k) =>
      (kid === undefined || k.kid === kid) &&
      k.unusableForEncryption(alg, enc, 'decrypt') === undefined,
  )
  if (keys.length === 0) return { keys, reason: `no key in the set can decrypt ${alg.name}` }
  const onCurve = keys.filter((k) => onEpkCurve(k, alg, header.epk))
  if (onCurve.length > 0) return { keys: onCurve }
  // In words of our own: the header's strings are the sender's choice.
  return { keys: [], mismatch: new JWEError('no key in the set is on the "epk"\'s curve') }
}

// Whether an ECDH-ES key is of the type and on the curve the `epk` names. This selects, like `kid`:
// `alg` is already from the caller's list, and agreeWithEpk still refuses any epk that is not a
// point on the key's own curve, so an epk whose label lies is refused, never agreed with.
// Anything but a JSON object is left for agreeWithEpk to refuse.
function onEpkCurve(key: Key, alg: KeyManagementAlgorithm, epk: unknown): boolean {
  if (alg.family !== 'ecdh-es' || !isJsonObject(epk)) return true
  return epk.kty === key.kty && epk.crv === key.crv
}

/**
 * Refuses RSA keys under 2048 bits unless the caller or the key accepted them as weak.
 *
 * @example
 * ```ts
 * checkStrength(key, options.insecureAllowWeakKeys === true) // throws InvalidKeyError if weak
 * ```
 */
export function checkStrength(key: Key, insecureAllowWeakKeys: boolean): void {
  if (
    key.kty === 'RSA' &&
    key.size < 2048 &&
    !insecureAllowWeakKeys &&
    !key.insecureAllowWeakKeys
  ) {
    throw new InvalidKeyError(
      `RSA keys must have at least 2048 bits (this one has ${key.size}); make one with jwk.generate('RSA-OAEP-256')`,
    )
  }
}
