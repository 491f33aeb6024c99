// Checking and revoking tokens in JSON: GET /auth/validate (RFC 6750 Bearer) and POST /auth/revoke.
import type { TokenService } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import { origin, type Guards } from '../plugins/auth.js'
import { revokeSchema, validateSchema } from '../schemas/auth.js'
import type { TokenBody } from '../schemas/common.js'

/** Collaborators of {@link validateRoutes}. */
export interface ValidateRoutesOptions {
  tokens: TokenService
  guards: Guards
}

/** GET /auth/validate and POST /auth/revoke. */
export const validateRoutes: FastifyPluginAsync<ValidateRoutesOptions> = async (app, options) => {
  const { tokens, guards } = options

  // The user guard validates (signature, claims, tenant, revocation); a failure is a 401 with a
  // WWW-Authenticate challenge from the error handler.
  app.get(
    '/auth/validate',
    { schema: validateSchema, preHandler: guards.user },
    async (request) => request.principal!.claims!,
  )

  // Holding a token is the right to revoke it (RFC 7009 §2.1 for public clients).
  app.post<{ Body: TokenBody }>('/auth/revoke', { schema: revokeSchema }, async (request) => {
    const context = { tenantId: request.tenant.id, ...origin(request) }
    return { revoked: await tokens.revoke(request.body.token, context) }
  })
}
