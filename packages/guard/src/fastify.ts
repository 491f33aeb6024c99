// The Fastify (v5) plugin: `request.auth` holds the verified claims, and `app.requireAuth(needs)`
// makes the preHandler a route puts in front of its handler. Only Fastify's types are imported;
// at run time this file needs nothing but the guard.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { failureResponse } from './challenge.js'
import { checkRequirements, type AccessTokenClaims, type Requirements } from './claims.js'
import { GuardOptionsError } from './errors.js'
import type { Guard } from './guard.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token claims; null on routes without `requireAuth`. */
    auth: AccessTokenClaims | null
  }
  interface FastifyInstance {
    /** The preHandler that lets only requests with a good token (and these needs) through. */
    requireAuth(requirements?: Requirements): GuardPreHandler
  }
}

/**
 * A Fastify preHandler made by `app.requireAuth()`.
 *
 * @example
 * ```ts
 * const readOrders: GuardPreHandler = app.requireAuth({ scopes: ['orders:read'] })
 * app.get('/orders', { preHandler: readOrders }, handler)
 * ```
 */
export type GuardPreHandler = (
  request: FastifyRequest,
  reply: FastifyReply,
) => Promise<FastifyReply | undefined>

/**
 * Options of {@link fastifyGuard}.
 *
 * @example
 * ```ts
 * const options: FastifyGuardOptions = { guard: createGuard({ issuer, audience, jwksUrl }) }
 * ```
 */
export interface FastifyGuardOptions {
  /** The guard that checks tokens, from `createGuard`. */
  guard: Guard
}

/**
 * The Fastify plugin. It decorates requests with `auth` (null until a guarded route verifies a
 * token) and the instance with `requireAuth(requirements?)`, which makes a preHandler: a request
 * with a good token (and the scopes and roles asked for) gets `request.auth` and goes on; any
 * other is answered 400, 401, 403 or 503 with `WWW-Authenticate` and `{ error, error_description }`.
 * The decorations are visible to the whole app (the plugin is not encapsulated).
 *
 * @example
 * ```ts
 * import Fastify from 'fastify'
 * import { createGuard } from '@tessera/guard'
 * import { fastifyGuard } from '@tessera/guard/fastify'
 *
 * const app = Fastify()
 * await app.register(fastifyGuard, { guard: createGuard({ issuer, audience: 'orders-api', jwksUrl }) })
 * app.get('/orders', { preHandler: app.requireAuth({ scopes: ['orders:read'] }) }, async (req) => {
 *   return { user: req.auth?.sub }
 * })
 * ```
 */
export const fastifyGuard: FastifyPluginAsync<FastifyGuardOptions> = Object.assign(
  async function tesseraGuard(app: FastifyInstance, options: FastifyGuardOptions) {
    const guard = options?.guard
    if (typeof guard?.verifyRequest !== 'function') {
      throw new GuardOptionsError('fastifyGuard needs { guard }, made by createGuard')
    }
    app.decorateRequest('auth', null)
    app.decorate('requireAuth', (requirements?: Requirements) => preHandler(guard, requirements))
  },
  {
    // What fastify-plugin sets: share the decorations with the parent scope, name the plugin.
    [Symbol.for('skip-override')]: true,
    [Symbol.for('fastify.display-name')]: '@tessera/guard',
    [Symbol.for('plugin-meta')]: { name: '@tessera/guard', fastify: '5.x' },
  },
)

function preHandler(guard: Guard, requirements: Requirements | undefined): GuardPreHandler {
  checkRequirements(requirements)
  return async (request, reply) => {
    const result = await guard.verifyRequest(request.raw, requirements)
    if (result.ok) {
      request.auth = result.claims
      return undefined
    }
    const cause = result.cause as { code?: unknown } | undefined
    if (result.status === 503) {
      request.log.warn({ code: cause?.code }, 'access token keys unavailable')
    } else {
      request.log.debug({ code: cause?.code, error: result.error }, 'access token refused')
    }
    const { status, headers, body } = failureResponse(result)
    return reply.code(status).headers(headers).send(body)
  }
}
