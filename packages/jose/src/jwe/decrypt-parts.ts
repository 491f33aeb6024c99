// The decryption steps shared by jwe.decrypt, jwe.decryptJSON and jwt.decrypt (RFC 7516 section
// 5.2): for each recipient, check its header against the caller's lists, check the content's shape,
// then try each candidate key. Synchronous; an async variant can reuse every step but unwrapCek.
import type { Buffer } from 'node:buffer'
import type { JOSEError } from '../errors.js'
import { InvalidKeyError, JWEAlgorithmError, JWEDecryptionError } from '../errors.js'
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
  /** The keys to try, in order; empty when none can serve `alg` and `enc`. */
  keys: readonly Key[]
  /** Why no key can, when none can. */
  reason: string | undefined
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
  }
}

/** The content of a JWE, decoded: what every recipient shares. */
export interface JWEContent {
  iv: Buffer
  ciphertext: Buffer
  tag: Buffer
}

/**
 * Checks the content's shape for the recipient's `enc`, then tries each of its keys: recover the
 * CEK, decrypt, inflate. Returns the plaintext and the key, or undefined when no key decrypts
 * (every such failure looks the same). PBES2 derivations draw on `budget`, one per token.
 *
 * @throws JWEError, JWELimitError for a malformed or oversized content, InvalidKeyError for a key
 *   too weak to use
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
): { plaintext: Buffer; key: Key } | undefined {
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
  if (usable === 0 && weak !== undefined) throw weak
  return undefined
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
 * Decrypts parsed JWE parts with a key or a key set, under a compiled policy.
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
  let notAllowed: JOSEError | undefined
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
      if (!(err instanceof JWEAlgorithmError) || parts.recipients.length === 1) throw err
      notAllowed ??= err
      continue
    }
    unusable ??= plan.reason
    const opened = openRecipient(plan, recipient.encryptedKey, parts, aad, policy, budget)
    if (plan.keys.length > 0) attempted = true
    if (opened !== undefined) return { ...opened, recipientIndex: index, header }
  }
  if (!attempted && notAllowed !== undefined) throw notAllowed
  throw notDecrypted(attempted, unusable)
}

function candidates(
  key: Key | KeySet,
  { alg, enc }: HeaderAlgorithms,
  header: Record<string, unknown>,
): { keys: Key[]; reason?: string } {
  if (key instanceof Key) {
    const reason = key.unusableForEncryption(alg, enc, 'decrypt')
    return reason === undefined ? { keys: [key] } : { keys: [], reason }
  }
  const kid = header.kid as string | undefined
  const keys = key.keys.filter(
    (k) =>
      (kid === undefined || k.kid === kid) &&
      k.unusableForEncryption(alg, enc, 'decrypt') === undefined,
  )
  return keys.length > 0 ? { keys } : { keys, reason: `no key in the set can decrypt ${alg.name}` }
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
