// The compiled decrypting path: the key import and the policy (allow-lists, limits, zip caps, PBES2
// bounds) are settled once; each distinct protected header is parsed and checked once.
import type { Buffer } from 'node:buffer'
import { InvalidOptionsError } from '../errors.js'
import { deepFreeze, isJsonObject } from '../internal/json.js'
import { SegmentCache } from '../internal/segment-cache.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { compactDots, decodeCompactBody } from './compact.js'
import { contentAad } from './content.js'
import { notDecrypted, openRecipient, planRecipient, type RecipientPlan } from './decrypt-parts.js'
import { parseProtectedHeader } from './parts.js'
import { compileDecryptPolicy, type JWEDecryptOptions } from './policy.js'

/** Options for {@link createDecrypter}: jwe.decrypt's options, and the key. */
export interface JWEDecrypterOptions extends JWEDecryptOptions {
  /** The key or keys: a Key, KeySet, JWK, JWKS, PEM, secret, password or KeyObject. */
  key: KeyInput
}

/** Decrypts a compact JWE and returns its plaintext; throws what jwe.decrypt throws. */
export type Decrypter = (token: string) => Buffer

// What a distinct protected header resolves to.
interface HeaderPlan {
  recipient: RecipientPlan
  /** The content's additional authenticated data: the segment's bytes. */
  aad: Buffer
  /** Whether the header carries a value made for this token alone, so that it never recurs. */
  once: boolean
}

// Key-management parameters made afresh for each token (RFC 7518 sections 4.6.1, 4.7.1, 4.8.1).
const PER_TOKEN_PARAMETERS = ['epk', 'iv', 'tag', 'p2s'] as const

const HEADER_CACHE_SIZE = 64

/**
 * Compiles a decrypter: what `jwe.decrypt(token, key, options)` does, with the key import and the
 * policy made here, once, and each distinct protected header parsed and checked (`crit`, `zip`,
 * `alg` and `enc` against the lists, the keys that can serve them) once; a header that carries a
 * value of its token alone (`epk`, `iv`, `tag`, `p2s`) is checked on its call and not kept. Every check that depends
 * on the token's other segments runs on every call: strict base64url, the IV and tag lengths, the
 * zip caps, the PBES2 bounds, the `epk` check and agreement, the CEK length, the tag.
 *
 * @param options - `key`, and jwe.decrypt's `algorithms`, `encryptions`, `limits`,
 *   `maxInflatedBytes`, `maxCompressedBytes`, `maxPbes2Count`, `minPbes2Count`, `crit`,
 *   `insecureAllowWeakKeys`
 * @returns a function from a compact JWE to its plaintext bytes
 * @throws (when compiling) InvalidOptionsError, JWEAlgorithmError, InvalidKeyError, JWKError;
 *   (per call) JWEError, JWEAlgorithmError, JWEDecryptionError, JWELimitError,
 *   JWENotSupportedError, InvalidKeyError
 *
 * @example
 * ```ts
 * const open = jwe.createDecrypter({ key: recipient, algorithms: ['RSA-OAEP-256'], encryptions: ['A256GCM'] })
 * open(token).toString() // the plaintext
 * ```
 */
export function createDecrypter(options: JWEDecrypterOptions): Decrypter {
  if (!isJsonObject(options)) throw new InvalidOptionsError('options must be an object')
  const key = resolveKey(options.key)
  const policy = compileDecryptPolicy(options, key)
  const { limits } = policy
  const plans = new SegmentCache<HeaderPlan>(
    HEADER_CACHE_SIZE,
    (segment) => {
      const header = deepFreeze(parseProtectedHeader(segment, limits))
      const recipient = planRecipient(header, header, key, policy)
      const once = PER_TOKEN_PARAMETERS.some((name) => Object.hasOwn(header, name))
      return { recipient, aad: contentAad(segment, undefined), once }
    },
    (plan) => !plan.once,
  )

  return (token) => {
    const dots = compactDots(token, limits)
    const { recipient, aad } = plans.get(token, dots[0])
    const body = decodeCompactBody(token, dots)
    if (recipient.mismatch !== undefined) throw recipient.mismatch
    const opened = openRecipient(recipient, body.encryptedKey, body, aad, policy)
    if (opened === undefined) throw notDecrypted(recipient.keys.length > 0, recipient.reason)
    return opened.plaintext
  }
}
