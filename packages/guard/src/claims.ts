// What a verified access token holds (RFC 9068 section 2.2, plus Tessera's tid, sid and roles), the
// profile checks jose does not make, and the scope and role requirements of a route.
import { GuardOptionsError } from './errors.js'

/**
 * The claims of a verified Tessera access token. `iss`, `aud`, `exp`, `iat`, `sub`, `jti` and
 * `client_id` are always there (the guard refuses a token without them); the others when the
 * issuer put them in. Any other claim is kept, as `unknown`.
 *
 * @example
 * ```ts
 * const result = await guard.verify(header)
 * if (result.ok) console.log(result.claims.sub, result.claims.scope, result.claims.roles)
 * ```
 */
export interface AccessTokenClaims {
  readonly iss: string
  readonly sub: string
  readonly aud: string | readonly string[]
  readonly exp: number
  readonly iat: number
  readonly jti: string
  readonly client_id: string
  /** The tenant (Tessera). */
  readonly tid?: string
  /** The session, one login on one device (Tessera). */
  readonly sid?: string
  /** Granted scopes, space-separated. */
  readonly scope?: string
  /** Granted roles (Tessera). */
  readonly roles?: readonly string[]
  readonly [claim: string]: unknown
}

/**
 * What a route needs on top of a valid token. Every scope listed and every role listed is
 * required (all of them, not any one); a guard's own requirements apply as well.
 *
 * @example
 * ```ts
 * const needs: Requirements = { scopes: ['orders:write'], roles: ['clerk'] }
 * const result = await guard.verify(header, needs)
 * ```
 */
export interface Requirements {
  /** Scopes the token's `scope` claim must all contain. */
  readonly scopes?: readonly string[]
  /** Roles the token's `roles` claim must all contain. */
  readonly roles?: readonly string[]
}

/**
 * Checks a route's requirements (at route set-up, so a typo fails at start-up) and returns them
 * as two checked lists.
 *
 * @param requirements - `{ scopes?, roles? }`, or undefined for none
 * @throws GuardOptionsError for anything but lists of scope-like names
 *
 * @example
 * ```ts
 * checkRequirements({ scopes: ['orders:read'] }) // { scopes: ['orders:read'], roles: [] }
 * ```
 */
export function checkRequirements(requirements: Requirements | undefined): {
  scopes: readonly string[]
  roles: readonly string[]
} {
  if (requirements === undefined) return { scopes: [], roles: [] }
  if (typeof requirements !== 'object' || requirements === null) {
    throw new GuardOptionsError('requirements must be an object: { scopes?, roles? }')
  }
  const scopes = readNames(requirements.scopes, 'scopes')
  const roles = readNames(requirements.roles, 'roles')
  if (typeof scopes === 'string') throw new GuardOptionsError(scopes)
  if (typeof roles === 'string') throw new GuardOptionsError(roles)
  return { scopes, roles }
}

/** A scope token as RFC 6749 section 3.3 defines it: printable ASCII but space, `"` and `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/

/**
 * Checks a list of scope or role names; returns it frozen and without repeats, or a message
 * saying what is wrong.
 *
 * @param value - the list, or undefined for an empty one
 * @param what - the option's name, for the message
 *
 * @example
 * ```ts
 * readNames(['a', 'a', 'b'], 'scopes') // ['a', 'b']
 * readNames('a', 'scopes') // 'scopes must be an array of strings'
 * ```
 */
export function readNames(value: unknown, what: string): readonly string[] | string {
  if (value === undefined) return Object.freeze([])
  if (!Array.isArray(value)) return `${what} must be an array of strings`
  for (const name of value) {
    if (typeof name !== 'string' || !SCOPE_TOKEN.test(name)) {
      return `${what} must hold non-empty strings of printable ASCII without spaces or quotes`
    }
  }
  return Object.freeze([...new Set<string>(value)])
}

/**
 * The RFC 9068 profile checks jose has no switch for: `client_id` present, `scope` a string,
 * `roles` an array of strings, `iss` and `sub` strings. Returns why the token fails, or undefined.
 *
 * @param claims - claims jose has verified
 *
 * @example
 * ```ts
 * profileProblem({ iss, sub, client_id: 'web', scope: ['a'] }) // 'the scope claim must be ...'
 * ```
 */
export function profileProblem(claims: Record<string, unknown>): string | undefined {
  if (typeof claims.client_id !== 'string') return 'the token has no client_id claim'
  if (typeof claims.iss !== 'string') return 'the iss claim must be a string'
  if (typeof claims.sub !== 'string') return 'the sub claim must be a string'
  if (claims.scope !== undefined && typeof claims.scope !== 'string') {
    return 'the scope claim must be a space-separated string'
  }
  const roles = claims.roles
  if (roles !== undefined && (!Array.isArray(roles) || roles.some((r) => typeof r !== 'string'))) {
    return 'the roles claim must be an array of strings'
  }
  return undefined
}

/**
 * Whether the token lacks any required scope (all of them are named back in the challenge).
 *
 * @param claims - the verified claims
 * @param required - every scope needed
 *
 * @example
 * ```ts
 * lacksScope(claims, ['orders:write']) // true when `scope` is 'orders:read profile'
 * ```
 */
export function lacksScope(claims: AccessTokenClaims, required: readonly string[]): boolean {
  if (required.length === 0) return false
  const granted = new Set((claims.scope ?? '').split(' '))
  return required.some((scope) => !granted.has(scope))
}

/**
 * The required roles the token lacks.
 *
 * @param claims - the verified claims
 * @param required - every role needed
 *
 * @example
 * ```ts
 * missingRoles({ ...claims, roles: ['clerk'] }, ['clerk', 'admin']) // ['admin']
 * ```
 */
export function missingRoles(claims: AccessTokenClaims, required: readonly string[]): string[] {
  if (required.length === 0) return []
  const granted = claims.roles ?? []
  return required.filter((role) => !granted.includes(role))
}

/**
 * The union of two requirement lists, without repeats; either list itself when the other is empty.
 *
 * @param a - the guard's list
 * @param b - the route's list
 *
 * @example
 * ```ts
 * union(['profile'], ['orders:read', 'profile']) // ['profile', 'orders:read']
 * ```
 */
export function union(a: readonly string[], b: readonly string[] | undefined): readonly string[] {
  if (b === undefined || b.length === 0) return a
  if (a.length === 0) return b
  return [...new Set([...a, ...b])]
}
