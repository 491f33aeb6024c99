// Unsecured JWTs (RFC 7519 section 6, `alg: none`). They exist only here, behind names that say
// what they are; jwt.decode and jws.verify never accept them.
import { encodeBase64url } from '../internal/base64url.js'
import { stringifyJson } from '../internal/json.js'
import { readOptions } from '../internal/options.js'
import { parseCompact } from '../jws/compact.js'
import { checkCritical, understoodExtensions } from '../jws/header.js'
import { encodeHeader } from '../jws/sign.js'
import {
  InvalidAlgorithmError,
  InvalidTokenError,
  JWTClaimsError,
  JWTError,
  toJWTError,
} from '../errors.js'
import { checkClaims } from './claims.js'
import { normalizeClaims, type ClaimsInput } from './encode.js'
import { parseClaims, type Claims } from './payload.js'
import { compilePolicy, type ClaimOptions } from './policy.js'

/** Options for {@link encodeUnsecured}. */
export interface EncodeUnsecuredOptions {
  /** Extra header members; `alg` is always `none`. */
  headers?: Record<string, unknown>
}

/**
 * Makes an unsecured JWT (`alg: none`, empty signature). Anyone can forge one: use it only where
 * integrity comes from elsewhere.
 *
 * @example
 * ```ts
 * const token = jwt.encodeUnsecured({ sub: 'test' })
 * ```
 */
export function encodeUnsecured(claims: ClaimsInput, opts?: EncodeUnsecuredOptions): string {
  try {
    const options = readOptions(opts)
    const headers = options.headers
    if (headers !== undefined && (typeof headers !== 'object' || headers === null)) {
      throw new JWTError('headers must be an object')
    }
    const header = { typ: 'JWT', ...headers, alg: 'none' }
    const json = stringifyJson(normalizeClaims(claims))
    if (json === undefined) throw new JWTClaimsError('the claims cannot be serialized as JSON')
    return `${encodeHeader(header)}.${encodeBase64url(json)}.`
  } catch (err) {
    throw toJWTError(err)
  }
}

/**
 * Reads an unsecured JWT (`alg: none`) and checks its claims. It accepts only `alg: none` with an
 * empty signature, so a signed token can never be read here by mistake.
 *
 * @example
 * ```ts
 * const claims = jwt.decodeUnsecured(token, { audience: 'tests' })
 * ```
 */
export function decodeUnsecured(token: string, options?: ClaimOptions): Claims {
  try {
    const policy = compilePolicy(readOptions(options))
    const parts = parseCompact(token, policy.limits)
    checkCritical(parts.header, understoodExtensions(policy.crit))
    if (parts.header.alg !== 'none') {
      throw new InvalidAlgorithmError('decodeUnsecured reads only tokens with alg "none"')
    }
    if (parts.signatureSegment !== '') {
      throw new InvalidTokenError('an unsecured JWT has an empty signature')
    }
    const claims = parseClaims(parts.payloadSegment, policy.limits)
    checkClaims(policy, parts.header, claims, undefined)
    return claims
  } catch (err) {
    throw toJWTError(err)
  }
}
