// Access tokens in the RFC 9068 profile: issued with the tenant's active key, checked with compiled
// verifiers kept per tenant and rebuilt only when the tenant's keys or settings change.
import { randomUUID } from 'node:crypto'
import { errors as joseErrors, jwt, type KeySet } from '@tessera/jose'
import { InvalidTokenError, TokenExpiredError } from './errors.js'
import type { SigningKeys } from './signing-keys.js'
import type { TenantConfig } from './stores/records.js'

/** The claims of a Tessera access token (RFC 9068 plus `tid`, `sid` and `roles`). */
export interface AccessTokenClaims {
  iss: string
  sub: string
  aud: string
  exp: number
  iat: number
  jti: string
  client_id: string
  /** Tenant id. */
  tid: string
  /** Session (refresh family) id. */
  sid: string
  scope: string
  roles: string[]
}

/** What goes into a new access token. */
export interface AccessTokenInput {
  tenantId: string
  userId: string
  sessionId: string
  clientId: string
  scopes: readonly string[]
  roles: readonly string[]
  /** Seconds; at or past any revocation cut-off for this user. */
  iat: number
}

/** A tenant's compiled verifier, and what it was compiled for. */
export interface CompiledVerifier {
  keys: KeySet
  config: TenantConfig
  verify: (token: string) => Record<string, unknown>
}

/** Issues and verifies access tokens for every tenant. */
export class AccessTokens {
  readonly #keys: SigningKeys
  readonly #clock: () => number
  readonly #verifiers = new Map<string, CompiledVerifier>()

  /**
   * @param keys - where signing and verification keys come from
   * @param clock - the current time in milliseconds
   */
  constructor(keys: SigningKeys, clock: () => number) {
    this.#keys = keys
    this.#clock = clock
  }

  /** Signs an access token; returns it with its claims. */
  async issue(
    config: TenantConfig,
    input: AccessTokenInput,
  ): Promise<{ token: string; claims: AccessTokenClaims }> {
    const key = await this.#keys.signingKey(input.tenantId)
    const claims: AccessTokenClaims = {
      iss: config.issuer,
      sub: input.userId,
      aud: config.audience,
      exp: input.iat + config.accessTokenTtl,
      iat: input.iat,
      jti: randomUUID(),
      client_id: input.clientId,
      tid: input.tenantId,
      sid: input.sessionId,
      scope: input.scopes.join(' '),
      roles: [...input.roles],
    }
    const token = jwt.encode({ ...claims }, key, { headers: { typ: 'at+jwt' } })
    return { token, claims }
  }

  /**
   * Verifies signature, type, issuer, audience and lifetime, and that the token belongs to this
   * tenant. Revocation is the caller's next step.
   */
  async verify(tenantId: string, config: TenantConfig, token: string): Promise<AccessTokenClaims> {
    return this.verifyWith(
      this.peekVerifier(tenantId, config) ?? (await this.#verifierFor(tenantId, config)),
      tenantId,
      token,
    )
  }

  /**
   * The compiled verifier for a tenant when its keys are in memory and unchanged, else undefined;
   * with {@link AccessTokens.verifyWith} it checks a token without a promise.
   */
  peekVerifier(tenantId: string, config: TenantConfig): CompiledVerifier | undefined {
    const cached = this.#verifiers.get(tenantId)
    if (cached === undefined || cached.config !== config) return undefined
    const keys = this.#keys.peekVerificationKeys?.(tenantId)
    return keys === cached.keys ? cached : undefined
  }

  /** Checks a token with a compiled verifier; see {@link AccessTokens.verify}. */
  verifyWith(verifier: CompiledVerifier, tenantId: string, token: string): AccessTokenClaims {
    let claims: Record<string, unknown>
    try {
      claims = verifier.verify(token)
    } catch (err) {
      if (err instanceof joseErrors.ExpiredSignatureError) {
        throw new TokenExpiredError('the access token has expired', { cause: err })
      }
      throw new InvalidTokenError('the access token is not valid', { cause: err })
    }
    if (
      claims.tid !== tenantId ||
      typeof claims.sid !== 'string' ||
      typeof claims.jti !== 'string'
    ) {
      throw new InvalidTokenError('the access token is not valid for this tenant')
    }
    return claims as unknown as AccessTokenClaims
  }

  async #verifierFor(tenantId: string, config: TenantConfig): Promise<CompiledVerifier> {
    const keys = await this.#keys.verificationKeys(tenantId)
    const cached = this.#verifiers.get(tenantId)
    if (cached !== undefined && cached.keys === keys && cached.config === config) return cached
    const verify = jwt.createVerifier({
      key: keys,
      algorithms: verificationAlgorithms(keys, config),
      issuer: config.issuer,
      audience: config.audience,
      typ: 'at+jwt',
      now: () => this.#clock() / 1000,
      // No token older than the tenant's lifetime now: a revocation lasts that lifetime from when
      // it was made, so a lifetime shortened since must not let older, revoked tokens live on.
      maxTokenAge: config.accessTokenTtl,
      options: { requireExp: true, requireIat: true, requireSub: true, requireJti: true },
    })
    const compiled = { keys, config, verify }
    this.#verifiers.set(tenantId, compiled)
    return compiled
  }
}

/**
 * The algorithms of the tenant's published keys, each bound to its own (a key verifies only with
 * its `alg`): a tenant that changes its signing algorithm keeps accepting the tokens its current
 * key signed until that key is rotated out. The configured one when no key names one.
 */
function verificationAlgorithms(keys: KeySet, config: TenantConfig): string[] {
  const algorithms = new Set<string>()
  for (const key of keys.keys) if (key.alg !== undefined) algorithms.add(key.alg)
  return algorithms.size > 0 ? [...algorithms] : [config.signingAlgorithm]
}
