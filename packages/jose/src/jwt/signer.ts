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
    const serialize = compileSerializer(defaults, timestamp, expiresIn, notBefore, makeJti)

    return (claims = {}) => {
      try {
        if (!isJsonObject(claims)) throw new JWTClaimsError('claims must be a JSON object')
        const iat = Math.floor(clock())
        const jti = makeJti === undefined ? undefined : makeJti()
        const input = prefix + encodeBase64url(serialize(claims, iat, jti))
        return `${input}.${signature(input)}`
      } catch (err) {
        throw toJWTError(err)
      }
    }
  } catch (err) {
    throw toJWTError(err)
  }
}

type Serializer = (claims: ClaimsInput, iat: number, jti: unknown) => string

/**
 * Compiles the payload serialization. The payload is, by definition, the defaults, then `iat`,
 * `exp`, `nbf` and `jti`, then the per-call claims assigned over them, normalized and serialized
 * (`merged` below does exactly that). Most calls can skip building that object: when the claims
 * set none of the members the signer writes and hold nothing that normalization would change or
 * refuse, the same JSON is the defaults serialized once, the signer's members, and the claims
 * serialized on their own, spliced together.
 */
function compileSerializer(
  defaults: Claims,
  timestamp: boolean,
  expiresIn: number | undefined,
  notBefore: number | undefined,
  makeJti: (() => string) | undefined,
): Serializer {
  const setsIss = defaults.iss !== undefined
  const setsAud = defaults.aud !== undefined
  const setsSub = defaults.sub !== undefined
  const setsJti = makeJti !== undefined
  const setsExp = expiresIn !== undefined
  const setsNbf = notBefore !== undefined
  // '{' followed by the defaults' members; stringifyJson cannot fail on checked strings.
  const opening = stringifyJson(defaults)!.slice(0, -1)

  const merged = (claims: ClaimsInput, iat: number, jti: unknown): string => {
    // Object.assign, not a spread: V8 gives a spread copy a map that later stores keep replacing.
    const payload: Claims = Object.assign({}, defaults)
    if (timestamp) payload.iat = iat
    if (setsExp) payload.exp = iat + expiresIn
    if (setsNbf) payload.nbf = iat + notBefore
    if (setsJti) payload.jti = jti
    Object.assign(payload, claims)
    const json = stringifyJson(normalizeInPlace(payload))
    if (json === undefined) throw new JWTClaimsError('the claims cannot be serialized as JSON')
    return json
  }

  // True when `merged` would neither let a claim replace a member the signer writes nor change or
  // refuse any claim, and the claims are a plain object without toJSON: then they serialize the
  // same on their own. (A claim found through `in` but not own is ignored by both paths; refusing
  // such a case here only means taking `merged`.)
  const spliceable = (claims: ClaimsInput): boolean =>
    isPlainObject(claims) &&
    claims.toJSON === undefined &&
    // Object.assign would set the payload's prototype from an own `__proto__`, not copy it.
    !Object.hasOwn(claims, '__proto__') &&
    (!('iss' in claims) || (!setsIss && typeof claims.iss === 'string')) &&
    (!('sub' in claims) || (!setsSub && typeof claims.sub === 'string')) &&
    (!('aud' in claims) || (!setsAud && isAudience(claims.aud))) &&
    (!('jti' in claims) || (!setsJti && typeof claims.jti === 'string')) &&
    (!('iat' in claims) || (!timestamp && isFiniteNumber(claims.iat))) &&
    (!('exp' in claims) || (!setsExp && isFiniteNumber(claims.exp))) &&
    (!('nbf' in claims) || (!setsNbf && isFiniteNumber(claims.nbf)))

  return (claims, iat, jti) => {
    const exp = expiresIn === undefined ? 0 : iat + expiresIn
    const nbf = notBefore === undefined ? 0 : iat + notBefore
    // Anything normalization would refuse goes to `merged`, which refuses it with the right error.
    if (
      !Number.isFinite(exp) ||
      !Number.isFinite(nbf) ||
      (setsJti && typeof jti !== 'string') ||
      !spliceable(claims)
    ) {
      return merged(claims, iat, jti)
    }
    const body = stringifyJson(claims)
    if (body === undefined) throw new JWTClaimsError('the claims cannot be serialized as JSON')
    // An integer-like key is ordered before every other key of an object, so in the merged payload
    // it would come first: take `merged`, fed the serialized claims so that no getter or toJSON
    // runs twice.
    const c = body.charCodeAt(2)
    if (c >= 0x30 && c <= 0x39) return merged(JSON.parse(body) as ClaimsInput, iat, jti)
    // Numbers: template literals and JSON.stringify print finite numbers alike.
    let json = opening
    let sep = opening.length > 1 ? ',' : ''
    if (timestamp) {
      json += `${sep}"iat":${iat}`
      sep = ','
    }
    if (setsExp) {
      json += `${sep}"exp":${exp}`
      sep = ','
    }
    if (setsNbf) {
      json += `${sep}"nbf":${nbf}`
      sep = ','
    }
    if (setsJti) {
      json += `${sep}"jti":${JSON.stringify(jti)}`
      sep = ','
    }
    return body.length === 2 ? `${json}}` : json + sep + body.slice(1)
  }
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown
  return proto === Object.prototype || proto === null
}

function isFiniteNumber(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value)
}

function isAudience(value: unknown): boolean {
  return (
    typeof value === 'string' ||
    (Array.isArray(value) && value.every((item) => typeof item === 'string'))
  )
}

function withoutUndefined(record: Record<string, unknown>): Claims {
  const out: Claims = {}
  for (const [name, value] of Object.entries(record)) if (value !== undefined) out[name] = value
  return out
}
