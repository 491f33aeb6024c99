// The compiled signing path: key import, algorithm and key checks, and the header are done once.
import { randomUUID } from 'node:crypto'
import { encodeBase64url } from '../internal/base64url.js'
import { isJsonObject, stringifyJson } from '../internal/json.js'
import { resolveSingleKey, type KeyInput } from '../keys/import.js'
import { buildHeader, encodeHeader, signingAlgorithm } from '../jws/sign.js'
import { InvalidOptionsError, JWTClaimsError, toJWTError } from '../errors.js'
import { normalizeInPlace, type ClaimsInput } from './encode.js'
import type { Claims } from './payload.js'
import { readClock, readSeconds, type Clock } from './time.js'

/** Options for {@link createSigner}. */
export interface SignerOptions {
  /** The signing key: a Key, JWK, PEM, secret or KeyObject. */
  key: KeyInput
  /** The algorithm; defaults to the key's own `alg`, else HS256. */
  algorithm?: string
  /** Extra protected header members; `typ` defaults to `JWT`. */
  headers?: Record<string, unknown>
  /** `iss` for every token. */
  issuer?: string
  /** `aud` for every token. */
  audience?: string | readonly string[]
  /** `sub` for every token (usually given per token instead). */
  subject?: string
  /** Lifetime in seconds: sets `exp` to `iat + expiresIn`. */
  expiresIn?: number
  /** Delay in seconds: sets `nbf` to `iat + notBefore`. */
  notBefore?: number
  /** Set `jti`: true for a random UUID, or a function that makes one. */
  jti?: boolean | (() => string)
  /** Leave out `iat`. */
  noTimestamp?: boolean
  /** The current time, for tests. */
  now?: Clock
  /** Sign with a key that is too weak for the algorithm. Insecure: legacy systems only. */
  insecureAllowWeakKeys?: boolean
}

/** Signs claims into a compact JWT. Claims given per call override the signer's defaults. */
export type Signer = (claims?: ClaimsInput) => string

/**
 * Compiles a signer: everything that depends only on the options is done here, once.
 *
 * @example
 * ```ts
 * const sign = jwt.createSigner({ key, algorithm: 'EdDSA', issuer: 'https://id.example', expiresIn: 900 })
 * const token = sign({ sub: 'u1', scope: 'read' })
 * ```
 */
export function createSigner(options: SignerOptions): Signer {
  try {
    if (!isJsonObject(options)) throw new InvalidOptionsError('options must be an object')
    const key = resolveSingleKey(options.key)
    const alg = signingAlgorithm(options.algorithm, key)
    const signature = key.signerFor(alg, options.insecureAllowWeakKeys === true)
    const prefix = `${encodeHeader(buildHeader(alg, key, options.headers, 'JWT'))}.`
    const defaults = normalizeInPlace(
      withoutUndefined({ iss: options.issuer, aud: options.audience, sub: options.subject }),
    )
    const expiresIn = readSeconds(options.expiresIn, 'expiresIn')
    const notBefore = readSeconds(options.notBefore, 'notBefore')
    const makeJti = options.jti === true ? randomUUID : options.jti || undefined
    if (makeJti !== undefined && typeof makeJti !== 'function') {
      throw new InvalidOptionsError('jti must be a boolean or a function')
    }
    const timestamp = options.noTimestamp !== true
    const clock = readClock(options.now)

    return (claims = {}) => {
      try {
        if (!isJsonObject(claims)) throw new JWTClaimsError('claims must be a JSON object')
        const iat = Math.floor(clock())
        const payload: Claims = { ...defaults }
        if (timestamp) payload.iat = iat
        if (expiresIn !== undefined) payload.exp = iat + expiresIn
        if (notBefore !== undefined) payload.nbf = iat + notBefore
        if (makeJti !== undefined) payload.jti = makeJti()
        Object.assign(payload, claims)
        const json = stringifyJson(normalizeInPlace(payload))
        if (json === undefined) throw new JWTClaimsError('the claims cannot be serialized as JSON')
        const input = prefix + encodeBase64url(json)
        return `${input}.${signature(input)}`
      } catch (err) {
        throw toJWTError(err)
      }
    }
  } catch (err) {
    throw toJWTError(err)
  }
}

function withoutUndefined(record: Record<string, unknown>): Claims {
  const out: Claims = {}
  for (const [name, value] of Object.entries(record)) if (value !== undefined) out[name] = value
  return out
}
