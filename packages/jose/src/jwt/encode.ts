import { JWTClaimsError, JWTError, toJWTError } from '../errors.js'
import { isJsonObject, stringifyJson } from '../internal/json.js'
import { encodeBase64url } from '../internal/base64url.js'
import { readOptions } from '../internal/options.js'
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import { resolveSingleKey, type KeyInput } from '../keys/import.js'
import type { Key } from '../keys/key.js'
import { buildHeader, encodeHeader, signingAlgorithm } from '../jws/sign.js'
import { atHash } from './at-hash.js'
import type { Claims } from './payload.js'

/** Options for {@link encode}. */
export interface EncodeOptions {
  /** The algorithm; defaults to the key's own `alg`, else HS256 (as python-jose). */
  algorithm?: string
  /** Extra protected header members; `typ` defaults to `JWT`. */
  headers?: Record<string, unknown>
  /** An access token to bind with an `at_hash` claim. */
  accessToken?: string
  /** Sign with a key that is too weak for the algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/** Claims as given to encode: `exp`, `nbf` and `iat` may be Dates. */
export type ClaimsInput = Record<string, unknown>

const TIME_CLAIMS = ['exp', 'nbf', 'iat'] as const
const STRING_CLAIMS = ['iss', 'sub', 'jti'] as const

/**
 * Signs claims into a compact JWT, like python-jose's `jwt.encode`. `exp`, `nbf` and `iat` may be
 * numbers (seconds) or Dates.
 *
 * @example
 * ```ts
 * const token = jwt.encode({ sub: 'u1', exp: new Date(Date.now() + 9e5) }, key, {
 *   algorithm: 'RS256',
 *   headers: { kid: 'k1' },
 * })
 * ```
 */
export function encode(claims: ClaimsInput, key: KeyInput, opts?: EncodeOptions): string {
  try {
    const { signingInput, key: signingKey, alg, insecure } = prepareEncode(claims, key, opts)
    return `${signingInput}.${signingKey.signerFor(alg, insecure)(signingInput)}`
  } catch (err) {
    throw toJWTError(err)
  }
}

/** What encode has made by the time it signs: shared with encodeAsync. */
export interface PreparedEncode {
  /** `BASE64URL(header) || '.' || BASE64URL(claims)`. */
  signingInput: string
  key: Key
  alg: SignatureAlgorithm
  insecure: boolean
}

/** Every step of encode but the signature: claims, key, algorithm, `at_hash` and header. */
export function prepareEncode(
  claims: ClaimsInput,
  key: KeyInput,
  opts: EncodeOptions | undefined,
): PreparedEncode {
  const options = readOptions(opts)
  const payload = normalizeClaims(claims)
  const signingKey = resolveSingleKey(key)
  const alg = signingAlgorithm(options.algorithm, signingKey)
  if (options.accessToken !== undefined) {
    if (typeof options.accessToken !== 'string') throw new JWTError('accessToken must be a string')
    payload.at_hash = atHash(options.accessToken, alg, signingKey.crv)
  }
  const header = buildHeader(alg, signingKey, options.headers, 'JWT')
  const json = stringifyJson(payload)
  if (json === undefined) throw new JWTClaimsError('the claims cannot be serialized as JSON')
  const signingInput = `${encodeHeader(header)}.${encodeBase64url(json)}`
  return { signingInput, key: signingKey, alg, insecure: options.insecureAllowWeakKeys === true }
}

/** Copies claims, turning Date values of exp, nbf and iat into NumericDates and checking types. */
export function normalizeClaims(claims: ClaimsInput): Claims {
  if (!isJsonObject(claims)) throw new JWTClaimsError('claims must be a JSON object')
  return normalizeInPlace({ ...claims })
}

/** Turns Dates in exp, nbf and iat into NumericDates and checks registered claim types, in place. */
export function normalizeInPlace(payload: Claims): Claims {
  for (const name of TIME_CLAIMS) {
    const value = payload[name]
    if (value === undefined || typeof value === 'number') {
      if (value === undefined || Number.isFinite(value)) continue
    } else if (value instanceof Date) {
      payload[name] = Math.floor(value.getTime() / 1000)
      if (Number.isFinite(payload[name])) continue
    }
    throw new JWTClaimsError(`"${name}" must be a number of seconds or a valid Date`, {
      claim: name,
    })
  }
  const aud = payload.aud
  if (aud !== undefined && typeof aud !== 'string' && !isStringArray(aud)) {
    throw new JWTClaimsError('"aud" must be a string or an array of strings', { claim: 'aud' })
  }
  for (const name of STRING_CLAIMS) {
    if (payload[name] !== undefined && typeof payload[name] !== 'string') {
      throw new JWTClaimsError(`"${name}" must be a string`, { claim: name })
    }
  }
  return payload
}

function isStringArray(value: unknown): boolean {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}
