// RFC 7662 token introspection: a resource server (an API key with the introspect scope) asks
// whether a token is active. Anything not currently valid is `{ active: false }`, never why.
import type { TokenService } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import type { Guards } from '../plugins/auth.js'
import { omitEmptyParameters } from '../plugins/oauth-form.js'
import type { TokenBody } from '../schemas/common.js'
import { introspectSchema } from '../schemas/oauth.js'

/** Collaborators of {@link introspectRoutes}. */
export interface IntrospectRoutesOptions {
  tokens: TokenService
  guards: Guards
}

/** POST /oauth/introspect */
export const introspectRoutes: FastifyPluginAsync<IntrospectRoutesOptions> = async (
  app,
  options,
) => {
  const { tokens, guards } = options
  app.post<{ Body: TokenBody }>(
    '/oauth/introspect',
    { schema: introspectSchema, preValidation: omitEmptyParameters, preHandler: guards.client },
    async (request) => tokens.introspect(request.body.token, { tenantId: request.tenant.id }),
  )
}
