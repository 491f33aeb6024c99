import type { Buffer } from 'node:buffer'
import { InvalidTokenError, toJWTError } from '../errors.js'
import { isJsonObject, parseJson, withinDepth } from '../internal/json.js'
import type { ResolvedLimits } from '../internal/limits.js'
import { readOptions } from '../internal/options.js'
import { resolveKey, type KeyInput } from '../keys/import.js'
import { parseCompactJWE } from '../jwe/compact.js'
import { decryptParts } from '../jwe/decrypt-parts.js'
import { compileDecryptPolicy, type JWEDecryptOptions } from '../jwe/policy.js'
import { checkClaims } from './claims.js'
import { decode } from './decode.js'
import type { Claims } from './payload.js'
import { compilePolicy, normalizeTyp, type ClaimOptions } from './policy.js'

/** How to verify the signed JWT inside a nested JWT: jwt.decode's key and algorithms. */
export interface VerifyWith {
  key: KeyInput
  /** The signature algorithms accepted; required unless the key has its own `alg`. */
  algorithms?: string | readonly string[]
  /** Accept keys too weak for their algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/**
 * Options for {@link decrypt}: the JWE allow-lists and limits of jwe.decrypt, every claim option of
 * jwt.decode, and `verifyWith` for a signed JWT inside.
 */
export interface DecryptOptions extends ClaimOptions, JWEDecryptOptions {
  /** Verify a nested JWT (`cty: "JWT"`) with this key; required for, and only for, nested JWTs. */
  verifyWith?: VerifyWith
}

/**
 * Decrypts a JWT that is a compact JWE and returns its claims, after every check jwt.decode makes.
 * A nested JWT (`cty: "JWT"`, signed then encrypted) needs `verifyWith`, and its inner JWS is
 * verified with it by jwt.decode; without `verifyWith` it is refused, so the claims of an
 * unverified inner token are never returned. Everything it throws is a {@link JWTError}.
 *
 * @param token - the compact JWE
 * @param key - the recipient's key: a Key, KeySet, JWK, JWKS, PEM, secret or KeyObject
 * @param opts - `algorithms` and `encryptions` (of the JWE), claim options, `verifyWith`
 * @returns the claims
 *
 * @example
 * ```ts
 * const claims = jwt.decrypt(token, recipientPrivateKey, {
 *   algorithms: ['RSA-OAEP-256'],
 *   encryptions: ['A256GCM'],
 *   verifyWith: { key: issuerPublicKey, algorithms: ['ES256'] },
 *   audience: 'api',
 * })
 * ```
 */
export function decrypt(token: string, key: KeyInput, opts?: DecryptOptions): Claims {
  try {
    const options = readOptions(opts)
    const claimPolicy = compilePolicy(options)
    const resolved = resolveKey(key)
    const policy = compileDecryptPolicy(options, resolved)
    const parts = parseCompactJWE(token, policy.limits, true)
    const { plaintext, header } = decryptParts(parts, resolved, policy)
    const nested = typeof header.cty === 'string' && normalizeTyp(header.cty) === 'jwt'
    if (options.verifyWith !== undefined) {
      if (!nested) {
        throw new InvalidTokenError('verifyWith expects a signed JWT inside (cty "JWT")')
      }
      const verifyWith = readOptions(options.verifyWith)
      return decode(plaintext.toString('utf8'), verifyWith.key as KeyInput, {
        ...options,
        algorithms: verifyWith.algorithms,
        insecureAllowWeakKeys: verifyWith.insecureAllowWeakKeys,
        options: { ...options.options, verifySignature: true },
      })
    }
    if (nested) {
      throw new InvalidTokenError(
        'the JWE holds a signed JWT (cty "JWT"); pass verifyWith to verify it',
      )
    }
    const claims = parseClaims(plaintext, claimPolicy.limits)
    checkClaims(claimPolicy, header, claims, undefined)
    return claims
  } catch (err) {
    throw toJWTError(err)
  }
}

function parseClaims(bytes: Buffer, limits: ResolvedLimits): Claims {
  const claims = parseJson(bytes.toString('utf8'))
  if (!isJsonObject(claims)) throw new InvalidTokenError('the plaintext is not a JSON object')
  if (!withinDepth(claims, limits.maxJsonDepth)) {
    throw new InvalidTokenError('the claims nest too deeply')
  }
  return claims
}
