// The OAuth 2 token endpoint (RFC 6749 §3.2): a form-encoded POST, answered with a token response
// or an RFC 6749 §5.2 error body. One small step per grant type; errors here mean `invalid_grant`
// (the route's error context), and client-authentication errors `invalid_client`.
import { errors, type ApiKeys, type TokenService } from '@tessera/tokens'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ApiKeyAuthenticator } from '../api-key-cache.js'
import { inContext, InvalidScopeError, UnsupportedGrantTypeError } from '../errors.js'
import { clientKey, origin } from '../plugins/auth.js'
import { omitEmptyParameters } from '../plugins/oauth-form.js'
import { tokenSchema, type TokenForm } from '../schemas/oauth.js'
import { tokenView } from '../views.js'

/** Collaborators of {@link oauthTokenRoutes}. */
export interface OAuthTokenRoutesOptions {
  tokens: TokenService
  apiKeys: ApiKeyAuthenticator
  /** The tenants' API keys, to tell a confidential client's id from a public client's name. */
  clients: Pick<ApiKeys, 'get'>
  clock: () => number
}

/** The grant types the endpoint offers, as RFC 8414 metadata lists them. */
export const GRANT_TYPES = ['password', 'refresh_token', 'client_credentials'] as const

/** POST /oauth/token */
export const oauthTokenRoutes: FastifyPluginAsync<OAuthTokenRoutesOptions> = async (
  app,
  options,
) => {
  const { tokens, apiKeys, clients, clock } = options

  const required = <K extends keyof TokenForm>(form: TokenForm, ...names: K[]) => {
    const missing = names.filter((name) => form[name] === undefined)
    if (missing.length > 0) {
      throw new errors.InvalidInputError(
        `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} required`,
      )
    }
  }

  // A confidential client (one that sends credentials) must present a valid API key; its id is
  // then the client_id the tokens carry. A public client names itself with client_id alone, but
  // not with a confidential client's id, even a revoked key's (RFC 6749 §3.2.1): that client
  // must authenticate.
  const checkClient = async (request: FastifyRequest<{ Body: TokenForm }>) => {
    const apiKey = await clientKey(request, apiKeys)
    if (apiKey !== undefined) return apiKey.id
    const named = request.body.client_id
    if (named !== undefined && (await clients.get(request.tenant.id, named)) !== undefined) {
      const err = new errors.InvalidTokenError('this client must authenticate (its API key)')
      throw inContext(err, 'client')
    }
    return named
  }

  const passwordGrant = async (request: FastifyRequest<{ Body: TokenForm }>) => {
    const form = request.body
    required(form, 'username', 'password')
    const clientId = await checkClient(request)
    return tokens.login({
      tenantId: request.tenant.id,
      username: form.username!,
      password: form.password!,
      ...(clientId === undefined ? {} : { clientId }),
      ...origin(request),
    })
  }

  // RFC 6749 §6: a confidential client's refresh token is refreshed only by that client,
  // authenticated; the library refuses it (invalid_grant) to anyone else.
  const refreshGrant = async (request: FastifyRequest<{ Body: TokenForm }>) => {
    required(request.body, 'refresh_token')
    const client = await clientKey(request, apiKeys)
    // Without client authentication, a client_id naming a confidential client is invalid_client.
    if (client === undefined) await checkClient(request)
    const context = {
      tenantId: request.tenant.id,
      ...(client === undefined ? {} : { authenticatedClient: client.id }),
      ...origin(request),
    }
    return tokens.refresh(request.body.refresh_token!, context)
  }

  // RFC 6749 §4.4: only a confidential client, authenticated by its API key (401 invalid_client
  // without one, §5.2); no refresh token. A scope beyond the key's is invalid_scope (§5.2), which
  // the library's check (invalid input) cannot say.
  const clientCredentialsGrant = async (request: FastifyRequest<{ Body: TokenForm }>) => {
    const apiKey = await clientKey(request, apiKeys)
    if (apiKey === undefined) {
      const err = new errors.InvalidTokenError(
        'client_credentials needs client authentication (an API key)',
      )
      throw inContext(err, 'client')
    }
    const scope = request.body.scope?.split(' ').filter((name) => name.length > 0)
    if (scope?.some((name) => !apiKey.scopes.includes(name)) === true) {
      throw new InvalidScopeError("the requested scope exceeds the API key's")
    }
    const issued = await tokens.issueForClient(apiKey, {
      tenantId: request.tenant.id,
      ...(scope === undefined || scope.length === 0 ? {} : { scopes: scope }),
      ...origin(request),
    })
    return {
      access_token: issued.accessToken,
      token_type: 'Bearer' as const,
      expires_in: issued.expiresIn,
      scope: issued.claims.scope,
    }
  }

  app.post<{ Body: TokenForm }>(
    '/oauth/token',
    { schema: tokenSchema, preValidation: omitEmptyParameters, config: { errorContext: 'grant' } },
    async (request) => {
      switch (request.body.grant_type) {
        case 'password':
          return tokenView(await passwordGrant(request), clock())
        case 'refresh_token':
          return tokenView(await refreshGrant(request), clock())
        case 'client_credentials':
          return clientCredentialsGrant(request)
        default:
          throw new UnsupportedGrantTypeError()
      }
    },
  )
}
