// RFC 7009 token revocation: 200 whatever the token was (invalid and unknown tokens included), so a
// caller learns nothing from the answer. A client that sends credentials must send good ones.
import type { TokenService } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import type { ApiKeyAuthenticator } from '../api-key-cache.js'
import { clientKey, origin } from '../plugins/auth.js'
import { omitEmptyParameters } from '../plugins/oauth-form.js'
import type { TokenBody } from '../schemas/common.js'
import { oauthRevokeSchema } from '../schemas/oauth.js'

/** Collaborators of {@link revokeRoutes}. */
export interface RevokeRoutesOptions {
  tokens: TokenService
  apiKeys: ApiKeyAuthenticator
}

/** POST /oauth/revoke */
export const revokeRoutes: FastifyPluginAsync<RevokeRoutesOptions> = async (app, options) => {
  const { tokens, apiKeys } = options
  app.post<{ Body: TokenBody }>(
    '/oauth/revoke',
    { schema: oauthRevokeSchema, preValidation: omitEmptyParameters },
    async (request, reply) => {
      const client = await clientKey(request, apiKeys)
      await tokens.revoke(request.body.token, {
        tenantId: request.tenant.id,
        ...(client === undefined ? {} : { actor: `api-key:${client.id}` }),
        ...origin(request),
      })
      return reply.code(200).send()
    },
  )
}
