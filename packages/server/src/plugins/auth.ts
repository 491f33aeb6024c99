// Who is calling. Three guards, used as route preHandlers: `user` (a valid access token of the
// request's tenant), `admin` (an access token with the admin role, or an API key with the admin
// scope, of the request's tenant or of the default tenant, which administers every tenant) and
// `client` (an API key with the introspect or admin scope, for RFC 7662 introspection). Each sets
// `request.principal`; validation itself is the token service's.
import {
  errors,
  type AccessTokenClaims,
  type ApiKey,
  type RateLimits,
  type TokenMetrics,
  type TokenService,
} from '@tessera/tokens'
import type { FastifyRequest } from 'fastify'
import type { ApiKeyAuthenticator } from '../api-key-cache.js'
import { ForbiddenError, inContext, malformedBearer } from '../errors.js'
import { credentials, isApiKey } from './credentials.js'

/** The authenticated caller. */
export interface Principal {
  kind: 'user' | 'api-key'
  /** The user id, or the API key id. */
  id: string
  /** The tenant that issued the credential. */
  tenantId: string
  /** Who the audit log names: the user id, or `api-key:<id>`. */
  actor: string
  admin: boolean
  claims?: AccessTokenClaims
  apiKey?: ApiKey
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by a guard. */
    principal: Principal | null
  }
}

/** A preHandler that authenticates the request or throws. */
export type Guard = (request: FastifyRequest) => Promise<void>

/** The guards routes use. */
export interface Guards {
  user: Guard
  admin: Guard
  client: Guard
}

/** What the guards need. */
export interface GuardOptions {
  tokens: TokenService
  /** Checks presented API keys (the server's ApiKeyCache). */
  apiKeys: ApiKeyAuthenticator
  defaultTenantId: string
  rateLimits: RateLimits | undefined
  /** Counts admin calls refused by the `adminApi` limit, as the library counts its own. */
  metrics?: TokenMetrics
}

// An Authorization header of the Bearer scheme, whatever its case (RFC 7235 §2.1).
const BEARER_SCHEME = /^[ \t]*bearer(?:[ \t]|$)/i

/**
 * Builds the guards.
 *
 * @param options - the token service, API keys, the default tenant, the rate limits and metrics
 * @example
 * ```ts
 * app.get('/auth/me', { preHandler: guards.user }, handler)
 * ```
 */
export function createGuards(options: GuardOptions): Guards {
  const { tokens, apiKeys, defaultTenantId, rateLimits, metrics } = options
  const bearer = (request: FastifyRequest): string => {
    let presented
    try {
      presented = credentials(request)
    } catch (err) {
      // A scheme a resource does not take (Digest, say) is no credentials for it: a 401 whose
      // challenge names no error (RFC 6750 §3.1), not a malformed request.
      if (!BEARER_SCHEME.test(request.headers.authorization ?? 'bearer')) {
        throw new errors.InvalidTokenError('a Bearer access token is required')
      }
      throw malformedBearer(err)
    }
    if (presented?.scheme !== 'bearer') {
      throw new errors.InvalidTokenError('a Bearer access token is required')
    }
    return presented.token
  }
  // The request's tenant first, then the default tenant (whose admins administer every tenant).
  const inTenants = async <T>(request: FastifyRequest, fn: (tenantId: string) => Promise<T>) => {
    try {
      return { tenantId: request.tenant.id, value: await fn(request.tenant.id) }
    } catch (err) {
      if (request.tenant.id === defaultTenantId) throw err
      try {
        return { tenantId: defaultTenantId, value: await fn(defaultTenantId) }
      } catch (defaultErr) {
        // Credentials of one tenant are merely "not valid" in the other. When the request's tenant
        // says only that, the default tenant's answer is the one that says what is wrong (expired,
        // revoked, or revocations unknown: 503), as it would at the root.
        throw notValid(err) && !notValid(defaultErr) ? defaultErr : err
      }
    }
  }
  const keyPrincipal = (tenantId: string, apiKey: ApiKey): Principal => ({
    kind: 'api-key',
    id: apiKey.id,
    tenantId,
    actor: `api-key:${apiKey.id}`,
    admin: apiKey.scopes.includes('admin'),
    apiKey,
  })
  return {
    async user(request) {
      const token = bearer(request)
      if (isApiKey(token)) throw new errors.InvalidTokenError('an API key is not an access token')
      const tenantId = request.tenant.id
      const claims = await tokens.validate(token, { tenantId, client: request.ip })
      request.principal = userPrincipal(tenantId, claims)
    },
    async admin(request) {
      const token = bearer(request)
      const { tenantId, value } = isApiKey(token)
        ? await inTenants(request, (id) => apiKeys.authenticate(id, token))
        : await inTenants(request, (id) => tokens.validate(token, { tenantId: id }))
      const principal =
        'id' in value ? keyPrincipal(tenantId, value) : userPrincipal(tenantId, value)
      if (!principal.admin) throw new ForbiddenError('this needs the admin role or scope')
      try {
        await rateLimits?.consume('adminApi', tenantId, principal.actor, {
          ip: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
        })
      } catch (err) {
        if (err instanceof errors.RateLimitedError) {
          metrics?.increment('rate_limited', { profile: 'adminApi' })
        }
        throw err
      }
      request.principal = principal
    },
    async client(request) {
      const apiKey = await clientKey(request, apiKeys)
      if (apiKey === undefined) {
        throw inContext(new errors.InvalidTokenError('client authentication is required'), 'client')
      }
      request.principal = keyPrincipal(request.tenant.id, apiKey)
      if (!apiKey.scopes.includes('introspect') && !apiKey.scopes.includes('admin')) {
        throw new ForbiddenError('this needs an API key with the introspect scope')
      }
    },
  }
}

/**
 * The API key a client authenticated with (HTTP Basic, a Bearer API key, or `client_secret` in the
 * form), or undefined when the request carries no client credentials. A wrong key is an
 * `invalid_client` error.
 *
 * @param request - the request
 * @param apiKeys - what checks a presented API key
 * @example
 * ```ts
 * const client = await clientKey(request, apiKeys) // ApiKey | undefined
 * ```
 */
export async function clientKey(
  request: FastifyRequest,
  apiKeys: ApiKeyAuthenticator,
): Promise<ApiKey | undefined> {
  try {
    const presented = credentials(request)
    if (presented === undefined) return undefined
    if (presented.scheme === 'bearer' && !isApiKey(presented.token)) return undefined
    const secret = presented.scheme === 'bearer' ? presented.token : presented.secret
    const apiKey = await apiKeys.authenticate(request.tenant.id, secret)
    // The client is the one it authenticated as: a client_id naming another (in the Basic
    // credentials or the form) is not a choice the client makes.
    const named = [
      presented.scheme === 'client' ? presented.clientId : undefined,
      bodyClientId(request),
    ]
    if (named.some((id) => id !== undefined && id !== apiKey.id)) {
      throw new errors.InvalidTokenError('wrong client_id')
    }
    return apiKey
  } catch (err) {
    throw inContext(err, 'client')
  }
}

function bodyClientId(request: FastifyRequest): string | undefined {
  const body = request.body as { client_id?: unknown } | null | undefined
  return typeof body === 'object' && body !== null && typeof body.client_id === 'string'
    ? body.client_id
    : undefined
}

function notValid(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'ERR_TOKEN_INVALID'
}

function userPrincipal(tenantId: string, claims: AccessTokenClaims): Principal {
  return {
    kind: 'user',
    id: claims.sub,
    tenantId,
    actor: claims.sub,
    admin: claims.roles.includes('admin'),
    claims,
  }
}

/**
 * Where a request comes from, as the audit log records it: the client IP (X-Forwarded-For only from
 * trusted proxies, by Fastify's trustProxy) and the user agent.
 *
 * @param request - the request
 * @example
 * ```ts
 * await tokens.logout(sid, { tenantId, ...origin(request) })
 * ```
 */
export function origin(request: FastifyRequest): { ip: string; userAgent: string | null } {
  return { ip: request.ip, userAgent: request.headers['user-agent'] ?? null }
}
