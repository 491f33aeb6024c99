// The checks on a JWT's claims (RFC 7519 section 4.1), in python-jose's order, with one deliberate
// difference: a claim the caller names an expected value for (aud, iss, sub) is required.
import { Buffer } from 'node:buffer'
import { timingSafeEqual } from 'node:crypto'
import type { SignatureAlgorithm } from '../algorithms/registry.js'
import {
  ExpiredSignatureError,
  ImmatureSignatureError,
  InvalidAudienceError,
  InvalidIssuerError,
  InvalidSubjectError,
  InvalidTokenError,
  JWTClaimsError,
  MissingClaimError,
} from '../errors.js'
import { atHash } from './at-hash.js'
import { normalizeTyp, type ClaimPolicy } from './policy.js'

/** What the signature step learned, for at_hash. */
export interface SignedWith {
  alg: SignatureAlgorithm
  crv: string | undefined
}

/**
 * Checks the header's `typ` and every claim under `policy`; throws the matching JWTClaimsError
 * subclass (or InvalidTokenError for `typ`).
 */
export function checkClaims(
  policy: ClaimPolicy,
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  signedWith: SignedWith | undefined,
): void {
  if (policy.typ !== undefined) {
    const typ = header.typ
    if (typeof typ !== 'string' || normalizeTyp(typ) !== policy.typ) {
      throw new InvalidTokenError('the token has the wrong "typ"')
    }
  }
  // Required claims, in python-jose's order; each switch is read directly (no keyed lookups).
  const required = policy.require
  if (required.aud && claims.aud === undefined) missing('aud')
  if (required.iat && claims.iat === undefined) missing('iat')
  if (required.exp && claims.exp === undefined) missing('exp')
  if (required.nbf && claims.nbf === undefined) missing('nbf')
  if (required.iss && claims.iss === undefined) missing('iss')
  if (required.sub && claims.sub === undefined) missing('sub')
  if (required.jti && claims.jti === undefined) missing('jti')
  if (required.at_hash && claims.at_hash === undefined) missing('at_hash')
  const now = policy.now()
  const { leeway, verify } = policy
  const iat = claims.iat
  if (verify.iat && iat !== undefined) numericDate(iat, 'iat')
  if (verify.nbf && claims.nbf !== undefined) {
    if (numericDate(claims.nbf, 'nbf') > now + leeway) {
      throw new ImmatureSignatureError('the token is not valid yet', { claim: 'nbf' })
    }
  }
  if (verify.exp && claims.exp !== undefined) {
    if (numericDate(claims.exp, 'exp') <= now - leeway) {
      throw new ExpiredSignatureError('the token has expired', { claim: 'exp' })
    }
  }
  if (policy.maxTokenAge !== undefined) {
    if (iat === undefined) missing('iat')
    if (numericDate(iat, 'iat') + policy.maxTokenAge < now - leeway) {
      throw new ExpiredSignatureError('the token is older than maxTokenAge', { claim: 'iat' })
    }
  }
  if (verify.aud) checkAudience(policy.audience, claims.aud)
  if (verify.iss) checkIssuer(policy.issuer, claims.iss)
  if (verify.sub) checkSubject(policy.subject, claims.sub)
  if (verify.jti && claims.jti !== undefined && typeof claims.jti !== 'string') {
    throw new JWTClaimsError('"jti" must be a string', { claim: 'jti' })
  }
  if (verify.at_hash && claims.at_hash !== undefined) {
    checkAtHash(policy.accessToken, claims.at_hash, signedWith)
  }
}

/**
 * Re-checks only what time changes (`exp`, `nbf`, `maxTokenAge`), for a token whose other checks
 * already passed: the compiled verifier's cache uses this on every hit.
 */
export function checkTime(policy: ClaimPolicy, claims: Record<string, unknown>): void {
  const now = policy.now()
  const { leeway, verify } = policy
  if (verify.nbf && typeof claims.nbf === 'number' && claims.nbf > now + leeway) {
    throw new ImmatureSignatureError('the token is not valid yet', { claim: 'nbf' })
  }
  if (verify.exp && typeof claims.exp === 'number' && claims.exp <= now - leeway) {
    throw new ExpiredSignatureError('the token has expired', { claim: 'exp' })
  }
  if (
    policy.maxTokenAge !== undefined &&
    (claims.iat as number) + policy.maxTokenAge < now - leeway
  ) {
    throw new ExpiredSignatureError('the token is older than maxTokenAge', { claim: 'iat' })
  }
}

function missing(claim: string): never {
  throw new MissingClaimError(`the token has no "${claim}" claim`, { claim })
}

function numericDate(value: unknown, claim: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new JWTClaimsError(`"${claim}" must be a NumericDate`, { claim })
  }
  return value
}

function checkAudience(accepted: readonly string[] | undefined, aud: unknown): void {
  if (aud === undefined) {
    if (accepted !== undefined) missing('aud')
    return
  }
  // As python-jose: a token meant for an audience is refused by a caller that names none.
  if (typeof aud === 'string') {
    if (accepted === undefined || !accepted.includes(aud)) notForUs()
    return
  }
  if (!Array.isArray(aud) || aud.some((item) => typeof item !== 'string')) {
    throw new JWTClaimsError('"aud" must be a string or an array of strings', { claim: 'aud' })
  }
  if (accepted === undefined || !aud.some((item) => accepted.includes(item))) notForUs()
}

function notForUs(): never {
  throw new InvalidAudienceError('the token is not meant for this audience', { claim: 'aud' })
}

function checkIssuer(accepted: readonly string[] | undefined, iss: unknown): void {
  if (iss === undefined) {
    if (accepted !== undefined) missing('iss')
    return
  }
  if (typeof iss !== 'string') throw new JWTClaimsError('"iss" must be a string', { claim: 'iss' })
  if (accepted !== undefined && !accepted.includes(iss)) {
    throw new InvalidIssuerError('the token comes from an issuer that is not accepted', {
      claim: 'iss',
    })
  }
}

function checkSubject(expected: string | undefined, sub: unknown): void {
  if (sub === undefined) {
    if (expected !== undefined) missing('sub')
    return
  }
  if (typeof sub !== 'string') throw new JWTClaimsError('"sub" must be a string', { claim: 'sub' })
  if (expected !== undefined && sub !== expected) {
    throw new InvalidSubjectError('the token is about another subject', { claim: 'sub' })
  }
}

function checkAtHash(
  accessToken: string | undefined,
  claim: unknown,
  signedWith: SignedWith | undefined,
): void {
  if (typeof claim !== 'string') {
    throw new JWTClaimsError('"at_hash" must be a string', { claim: 'at_hash' })
  }
  if (accessToken === undefined) {
    throw new JWTClaimsError('the token has "at_hash" but no accessToken was given to check it', {
      claim: 'at_hash',
    })
  }
  if (signedWith === undefined) {
    throw new JWTClaimsError('"at_hash" cannot be checked without a verified signature', {
      claim: 'at_hash',
    })
  }
  const expected = Buffer.from(atHash(accessToken, signedWith.alg, signedWith.crv))
  const given = Buffer.from(claim)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new JWTClaimsError('"at_hash" does not match the access token', { claim: 'at_hash' })
  }
}
