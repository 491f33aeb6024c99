import type { Buffer } from 'node:buffer'
import { decodeBase64url } from '../internal/base64url.js'
import { readOptions } from '../internal/options.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { decryptParts } from './decrypt-parts.js'
import { parseJsonJWE, type JWEJSON } from './json.js'
import { compileDecryptPolicy, type JWEDecryptOptions } from './policy.js'

/** What {@link decryptJSON} returns. */
export interface DecryptedJSON {
  plaintext: Buffer
  /** The protected header, if there was one. */
  protectedHeader: Record<string, unknown> | undefined
  /** The shared unprotected header (`unprotected`), if there was one. */
  unprotectedHeader: Record<string, unknown> | undefined
  /** The header of the recipient that was decrypted, if it had one. */
  recipientHeader: Record<string, unknown> | undefined
  /** The decoded `aad`, if there was one. */
  aad: Buffer | undefined
  /** Which recipient's encrypted key was used. */
  recipientIndex: number
}

/**
 * Decrypts a JWE in the JSON Serialization, general or flattened, given as an object or as JSON
 * text. Each recipient is tried in order with the key (or with the keys of a set that match its
 * `kid`); one whose `alg` the caller does not allow is skipped. Under the same rules as
 * jwe.decrypt: the allow-lists, `zip` only protected and capped, PBES2 and RSA1_5 only when named.
 *
 * @param jwe - the JSON-serialized JWE
 * @param key - a Key, KeySet, JWK, JWKS, PEM, secret, password or KeyObject
 * @param opts - as for jwe.decrypt
 * @throws as jwe.decrypt
 *
 * @example
 * ```ts
 * const { plaintext, recipientIndex } = jwe.decryptJSON(json, bobKek, { algorithms: ['A256KW'] })
 * ```
 */
export function decryptJSON(
  jwe: JWEJSON | string,
  key: KeyInput,
  opts?: JWEDecryptOptions,
): DecryptedJSON {
  const options = readOptions(opts)
  const resolved = resolveKey(key)
  const policy = compileDecryptPolicy(options, resolved)
  const parts = parseJsonJWE(jwe, policy.limits)
  const result = decryptParts(parts, resolved, policy)
  return {
    plaintext: result.plaintext,
    protectedHeader: parts.protectedHeader,
    unprotectedHeader: parts.unprotected,
    recipientHeader: parts.recipients[result.recipientIndex]!.header,
    aad: parts.aadB64 === undefined ? undefined : decodeBase64url(parts.aadB64),
    recipientIndex: result.recipientIndex,
  }
}
