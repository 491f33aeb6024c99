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
import { unwrapCek } from './unwrap.js'
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
  for (const [index, recipient] of parts.recipients.entries()) {
    const header = joinHeaders(parts.protectedHeader, parts.unprotected, recipient.header)
    let algs: HeaderAlgorithms
    try {
      algs = checkHeader(header, parts.protectedHeader, policy)
    } catch (err) {
      // With several recipients, one we may not use is skipped; the others may be for us.
      if (!(err instanceof JWEAlgorithmError) || parts.recipients.length === 1) throw err
      notAllowed ??= err
      continue
    }
    const compressed = header.zip !== undefined
    checkContentShape(algs.enc, parts, compressed, policy.maxCompressedBytes)
    const found = candidates(key, algs, header)
    unusable ??= found.reason
    for (const candidate of found.keys) {
      attempted = true
      checkStrength(candidate, policy.insecureAllowWeakKeys)
      let plaintext: Buffer
      try {
        const cek = unwrapCek(algs.alg, algs.enc, candidate, recipient.encryptedKey, header, policy)
        plaintext = openContent(algs.enc, cek, parts.iv, parts.ciphertext, parts.tag, aad)
      } catch (err) {
        if (err instanceof JWEDecryptionError) continue
        throw err
      }
      if (compressed) {
        plaintext = inflate(plaintext, policy.maxCompressedBytes, policy.maxInflatedBytes)
      }
      return { plaintext, recipientIndex: index, header, key: candidate }
    }
  }
  if (!attempted && notAllowed !== undefined) throw notAllowed
  if (!attempted && unusable !== undefined) {
    throw new JWEDecryptionError(`the key cannot decrypt this JWE: ${unusable}`)
  }
  throw decryptionFailed()
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
