// createGuard: a framework-neutral check of a bearer access token, answering with the claims or
// with a refusal that says exactly what to send back (RFC 6750 section 3).
import { errors, jwt, type RemoteKeySet } from '@tessera/jose'
import { authorizationOf, hasQueryToken, readBearer, type RequestLike } from './bearer.js'
import { challengesFor, type Challenges, type GuardFailure } from './challenge.js'
import {
  checkRequirements,
  lacksScope,
  missingRoles,
  profileProblem,
  union,
  type AccessTokenClaims,
  type Requirements,
} from './claims.js'
import { readGuardOptions, type GuardOptions, type GuardSettings } from './options.js'

/**
 * What a guard answers: the token's claims, or the refusal to send.
 *
 * @example
 * ```ts
 * const result: VerifyResult = await guard.verify(req.headers.authorization)
 * if (result.ok) handle(result.claims)
 * else reply(result.status, result.wwwAuthenticate, result.error, result.description)
 * ```
 */
export type VerifyResult = { readonly ok: true; readonly claims: AccessTokenClaims } | GuardFailure

/**
 * A guard: checks access tokens for one API. Make one at start-up and share it. Its methods never
 * reject for a bad request or token (that is a result), only for a programming error.
 *
 * @example
 * ```ts
 * const guard = createGuard({ issuer, audience: 'orders-api', jwksUrl })
 * const result = await guard.verifyRequest(req, { scopes: ['orders:read'] })
 * ```
 */
export interface Guard {
  /** Checks an Authorization header value (or all of them; more than one is refused). */
  verify(
    authorization: string | readonly string[] | undefined,
    requirements?: Requirements,
  ): Promise<VerifyResult>
  /** Checks a bare token, taken from somewhere other than an Authorization header. */
  verifyToken(token: string | undefined, requirements?: Requirements): Promise<VerifyResult>
  /** Checks a request: every Authorization header, and refuses `?access_token=` in the URL. */
  verifyRequest(request: RequestLike, requirements?: Requirements): Promise<VerifyResult>
  /** The remote key set, when the keys come from a URL: `await guard.keySet?.reload()` to warm up. */
  readonly keySet: RemoteKeySet | undefined
}

/**
 * Makes a guard for resource servers: it checks the signature (keys from the issuer's JWKS URL,
 * fetched, cached and refreshed on rotation, or a key you give), `typ: at+jwt`, `iss`, `aud`,
 * `exp`, `nbf`, the claims RFC 9068 requires, and the scopes and roles you require. A refusal is
 * 400, 401 or 403 with RFC 6750's `WWW-Authenticate` challenge, or 503 while the keys cannot be
 * fetched (never 401 then, so clients keep their good tokens). DPoP is not supported.
 *
 * @param options - issuer, audience, jwksUrl or key; see {@link GuardOptions}
 * @throws GuardOptionsError for missing or malformed options
 *
 * @example
 * ```ts
 * const guard = createGuard({
 *   issuer: 'https://id.example',
 *   audience: 'orders-api',
 *   jwksUrl: 'https://id.example/.well-known/jwks.json',
 * })
 * const result = await guard.verify('Bearer eyJ...', { scopes: ['orders:read'] })
 * if (result.ok) console.log(result.claims.sub)
 * else console.log(result.status, result.wwwAuthenticate)
 * ```
 */
export function createGuard(options: GuardOptions): Guard {
  const settings = readGuardOptions(options)
  const challenges = challengesFor(settings.realm)
  const compiled = new WeakMap<Requirements, Needs>()
  const base: Needs = { scopes: settings.requiredScopes, roles: settings.requiredRoles }

  const needsOf = (requirements: Requirements | undefined): Needs => {
    if (requirements === undefined) return base
    let needs = compiled.get(requirements)
    if (needs === undefined) {
      const extra = checkRequirements(requirements)
      needs = { scopes: union(base.scopes, extra.scopes), roles: union(base.roles, extra.roles) }
      compiled.set(requirements, needs)
    }
    return needs
  }

  const verifyToken = async (token: string, needs: Needs): Promise<VerifyResult> => {
    let claims: Record<string, unknown>
    try {
      claims = await settings.verify(token)
    } catch (err) {
      return refusal(err, token, settings, challenges)
    }
    const problem = profileProblem(claims)
    if (problem !== undefined) return challenges.invalidToken(problem)
    const access = claims as AccessTokenClaims
    if (lacksScope(access, needs.scopes)) {
      return challenges.insufficient('the token lacks a required scope', needs.scopes)
    }
    const roles = missingRoles(access, needs.roles)
    if (roles.length > 0) {
      return challenges.insufficient(`the token lacks the role ${roles.join(', ')}`, [])
    }
    return { ok: true, claims: access }
  }

  const verify: Guard['verify'] = async (authorization, requirements) => {
    const needs = needsOf(requirements)
    const token = readBearer(authorization, settings.maxTokenLength, challenges)
    return typeof token === 'string' ? verifyToken(token, needs) : token
  }

  return Object.freeze({
    verify,
    async verifyToken(token: string | undefined, requirements?: Requirements) {
      const needs = needsOf(requirements)
      if (typeof token !== 'string' || token === '') {
        return challenges.missing('an access token is required')
      }
      if (token.length > settings.maxTokenLength) {
        return challenges.invalidToken(
          `the token is longer than ${settings.maxTokenLength} characters`,
        )
      }
      return verifyToken(token, needs)
    },
    async verifyRequest(request: RequestLike, requirements?: Requirements) {
      const authorization = authorizationOf(request)
      if (hasQueryToken(request)) {
        needsOf(requirements)
        return challenges.invalidRequest(
          authorization === undefined
            ? 'send the access token in the Authorization header, not in the URL'
            : 'more than one way of sending an access token',
        )
      }
      return verify(authorization, requirements)
    },
    keySet: settings.keySet,
  })
}

interface Needs {
  readonly scopes: readonly string[]
  readonly roles: readonly string[]
}

/** The refusal for a jose error. Anything that is not a JOSEError is a bug, and is rethrown. */
function refusal(
  err: unknown,
  token: string,
  settings: GuardSettings,
  challenges: Challenges,
): GuardFailure {
  if (!(err instanceof errors.JOSEError)) throw err
  const invalid = (description: string) => challenges.invalidToken(description, err)
  switch (err.code) {
    case 'ERR_JWT_KEYS_UNAVAILABLE':
      return challenges.unavailable(settings.retryAfter, err)
    case 'ERR_JWT_EXPIRED':
      return invalid('the access token has expired')
    case 'ERR_JWT_NOT_YET_VALID':
      return invalid('the access token is not valid yet')
    case 'ERR_JWT_SIGNATURE_INVALID':
      return invalid('the signature does not verify with any key of the issuer')
    case 'ERR_JWT_ALGORITHM_NOT_ALLOWED':
      return invalid('the token is signed with an algorithm this API does not accept')
    case 'ERR_JWT_AUDIENCE_INVALID':
      return invalid('the token is not meant for this API (aud)')
    case 'ERR_JWT_ISSUER_INVALID':
      return invalid('the token comes from an issuer this API does not trust (iss)')
    case 'ERR_JWT_CLAIM_MISSING': {
      const claim = err instanceof errors.JWTClaimsError ? err.claim : undefined
      return invalid(
        claim === undefined ? 'a required claim is missing' : `the token has no ${claim} claim`,
      )
    }
    case 'ERR_JWT_MALFORMED':
      return invalid(
        wrongTyp(token, settings.typ)
          ? `the token is not an access token (typ must be ${settings.typ})`
          : 'the access token is malformed',
      )
    default:
      return invalid('the access token is not valid')
  }
}

/** Whether the token's (unverified) header has another typ: only to say so, never to trust it. */
function wrongTyp(token: string, expected: string): boolean {
  try {
    const typ = jwt.getUnverifiedHeader(token).typ
    return typeof typ !== 'string' || normalize(typ) !== normalize(expected)
  } catch {
    return false
  }
}

/** RFC 7515 section 4.1.9: case-insensitive, `application/` optional. */
function normalize(typ: string): string {
  const lower = typ.toLowerCase()
  return lower.startsWith('application/') ? lower.slice(12) : lower
}
