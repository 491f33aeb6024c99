// createGuard's options, checked once: where the keys come from (a JWKS URL or a key), what the
// token must say, and the limits. The jose verifier is compiled here.
import { jwk, jwt, RemoteKeySet, type KeyInput, type RemoteKeySetOptions } from '@tessera/jose'
import { readNames } from './claims.js'
import { GuardOptionsError } from './errors.js'

/**
 * Options for `createGuard`. Give exactly one of `jwksUrl` and `key`.
 *
 * @example
 * ```ts
 * const options: GuardOptions = {
 *   issuer: 'https://id.example',
 *   audience: 'orders-api',
 *   jwksUrl: 'https://id.example/.well-known/jwks.json',
 *   requiredScopes: ['orders:read'],
 * }
 * ```
 */
export interface GuardOptions {
  /** The issuer you trust: the token's `iss` must be one of these. Required. */
  issuer: string | readonly string[]
  /** Your API: the token's `aud` must name one of these. Required. */
  audience: string | readonly string[]
  /** The issuer's JWK Set URL (https:, or http: on loopback). Its keys are fetched and kept. */
  jwksUrl?: string | URL
  /**
   * A key instead of a URL: a PEM public key, a JWK, a JWKS, a jose `Key` or `KeySet`, or a
   * `RemoteKeySet` you share between guards.
   */
  key?: KeyInput | RemoteKeySet
  /**
   * The signature algorithms accepted. Default `['ES256']`, what Tessera signs with unless a
   * tenant is configured otherwise. Never taken from the token or the key server.
   */
  algorithms?: readonly string[]
  /** The header `typ` required. Default `'at+jwt'` (RFC 9068): ID tokens and plain JWTs fail. */
  typ?: string
  /** Scopes every request must have (all of them). Routes may require more. */
  requiredScopes?: readonly string[]
  /** Roles every request must have (all of them). Routes may require more. */
  requiredRoles?: readonly string[]
  /** Seconds of clock skew tolerated on `exp` and `nbf`. Default 0. */
  leeway?: number
  /** The longest token accepted, in characters. Default 8192. */
  maxTokenLength?: number
  /** The realm named in `WWW-Authenticate`. Default: the first audience. */
  realm?: string
  /**
   * For `jwksUrl`: jose's remote key set options (timeout, cacheMaxAge, cooldown, ...), with one
   * default of the guard's own: `cacheMaxAge` 300000 (5 min), half of Tessera's key
   * pre-publication period.
   */
  remote?: RemoteKeySetOptions
}

/**
 * The options checked, with the verifier compiled: what createGuard works from.
 *
 * @example
 * ```ts
 * const { verify, realm } = readGuardOptions(options)
 * ```
 */
export interface GuardSettings {
  readonly verify: (token: string) => Promise<Record<string, unknown>>
  readonly keySet: RemoteKeySet | undefined
  readonly typ: string
  readonly requiredScopes: readonly string[]
  readonly requiredRoles: readonly string[]
  readonly maxTokenLength: number
  readonly realm: string
  /** Seconds a client should wait after a 503: the key set's cooldown. */
  readonly retryAfter: number
}

/**
 * How old the cached key set may get before a background refresh, in ms: half of the 10 minutes
 * for which Tessera publishes a key before signing with it, so a guard holds every new key before
 * its first token arrives (jose's own default is the whole 10 minutes).
 */
const DEFAULT_CACHE_MAX_AGE = 300_000
/** jose's default cooldown between two fetches of a key set, in ms. */
const DEFAULT_COOLDOWN = 30_000
const DEFAULT_MAX_TOKEN_LENGTH = 8192

/**
 * Checks the options and compiles the jose verifier: a remote key set for `jwksUrl`, a sync
 * verifier for a static key.
 *
 * @param options - createGuard's options
 * @throws GuardOptionsError for anything missing or malformed, with jose's error as `cause`
 *
 * @example
 * ```ts
 * const settings = readGuardOptions({ issuer, audience: 'orders-api', jwksUrl })
 * const claims = await settings.verify(token) // rejects with a jose JWTError
 * ```
 */
export function readGuardOptions(options: GuardOptions): GuardSettings {
  if (typeof options !== 'object' || options === null) fail('options must be an object')
  const { issuer, audience, jwksUrl, key } = options
  if (!isNames(issuer)) fail('issuer is required: a string or a non-empty array of strings')
  if (!isNames(audience)) fail('audience is required: a string or a non-empty array of strings')
  if ((jwksUrl === undefined) === (key === undefined)) fail('give exactly one of jwksUrl and key')
  if (options.remote !== undefined && jwksUrl === undefined) fail('remote goes with jwksUrl only')
  const typ = options.typ ?? 'at+jwt'
  if (typeof typ !== 'string' || typ === '') fail('typ must be a non-empty string')
  const algorithms = options.algorithms ?? ['ES256']
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    fail('algorithms must be a non-empty array of algorithm names')
  }
  const remote = jwksUrl !== undefined || key instanceof RemoteKeySet
  if (remote && algorithms.some((alg) => /^HS\d+$/.test(alg))) {
    fail('HMAC algorithms need a shared secret, which a JWKS URL never publishes')
  }
  const maxTokenLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH
  if (!Number.isSafeInteger(maxTokenLength) || maxTokenLength < 1) {
    fail('maxTokenLength must be a positive integer')
  }
  const realm = options.realm ?? (typeof audience === 'string' ? audience : audience[0]!)
  if (typeof realm !== 'string' || !/^[\x20-\x7e]*$/.test(realm)) {
    fail('realm must be printable ASCII text')
  }
  const requiredScopes = names(options.requiredScopes, 'requiredScopes')
  const requiredRoles = names(options.requiredRoles, 'requiredRoles')
  try {
    const keySet =
      key instanceof RemoteKeySet
        ? key
        : jwksUrl !== undefined
          ? jwk.createRemoteKeySet(jwksUrl, {
              cacheMaxAge: DEFAULT_CACHE_MAX_AGE,
              ...options.remote,
            })
          : undefined
    const claimOptions = {
      algorithms,
      issuer,
      audience,
      typ,
      leeway: options.leeway,
      limits: { maxTokenLength },
      options: { requireExp: true, requireIat: true, requireSub: true, requireJti: true },
    }
    const verify =
      keySet === undefined
        ? syncToAsync(jwt.createVerifier({ key: key as KeyInput, ...claimOptions }))
        : jwt.createAsyncVerifier({ key: keySet, ...claimOptions })
    const cooldown = options.remote?.cooldown ?? DEFAULT_COOLDOWN
    const retryAfter = Math.max(1, Math.ceil(cooldown / 1000))
    return { verify, keySet, typ, requiredScopes, requiredRoles, maxTokenLength, realm, retryAfter }
  } catch (err) {
    const reason = err instanceof Error ? err.message : 'invalid options'
    throw new GuardOptionsError(`the guard's options were refused: ${reason}`, { cause: err })
  }
}

/** A static key verifies synchronously (the fastest path for ECDSA and EdDSA). */
function syncToAsync(verify: (token: string) => Record<string, unknown>) {
  return async (token: string) => verify(token)
}

function isNames(value: unknown): value is string | readonly string[] {
  if (typeof value === 'string') return value !== ''
  return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')
}

function names(value: unknown, what: string): readonly string[] {
  const read = readNames(value, what)
  if (typeof read === 'string') fail(read)
  return read
}

function fail(message: string): never {
  throw new GuardOptionsError(message)
}
