// Admin: the tenant's API keys (list, create, revoke) and signing keys (list, rotate, revoke).
import type { ApiKeys, KeyManager } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import {
  apiKeySchemas,
  signingKeySchemas,
  type CreateApiKeyBody,
} from '../../schemas/admin-keys.js'
import { apiKeyView, iso, parseTime } from '../../views.js'
import { adminContext } from './index.js'

/** Collaborators of {@link adminCredentialRoutes}. */
export interface AdminCredentialRoutesOptions {
  apiKeys: ApiKeys
  keys: KeyManager
}

/** /admin/api-keys and /admin/keys */
export const adminCredentialRoutes: FastifyPluginAsync<AdminCredentialRoutesOptions> = async (
  app,
  options,
) => {
  const { apiKeys, keys } = options

  app.get('/admin/api-keys', { schema: apiKeySchemas.list }, async (request) => ({
    api_keys: (await apiKeys.list(request.tenant.id)).map(apiKeyView),
  }))

  app.post<{ Body: CreateApiKeyBody }>(
    '/admin/api-keys',
    { schema: apiKeySchemas.create },
    async (request, reply) => {
      const { name, scopes = [], expires_at } = request.body
      const expiresAt = parseTime(expires_at) ?? null
      const input = { tenantId: request.tenant.id, name, scopes, expiresAt }
      const { key, apiKey } = await apiKeys.create(input, adminContext(request))
      return reply.code(201).send({ key, api_key: apiKeyView(apiKey) })
    },
  )

  app.delete<{ Params: { id: string } }>(
    '/admin/api-keys/:id',
    { schema: apiKeySchemas.revoke },
    async (request) => ({
      revoked: await apiKeys.revoke(request.tenant.id, request.params.id, adminContext(request)),
    }),
  )

  app.get('/admin/keys', { schema: signingKeySchemas.list }, async (request) => ({
    keys: (await keys.list(request.tenant.id)).map((key) => ({
      kid: key.kid,
      alg: key.alg,
      state: key.state,
      created_at: iso(key.createdAt),
      activates_at: iso(key.activatesAt),
      retired_at: iso(key.retiredAt),
      remove_at: iso(key.removeAt),
      public_jwk: JSON.parse(key.publicJwk) as object | null,
    })),
  }))

  app.post('/admin/keys/rotate', { schema: signingKeySchemas.rotate }, async (request) => ({
    kid: await keys.rotate(request.tenant.id, adminContext(request)),
  }))

  app.post<{ Params: { kid: string } }>(
    '/admin/keys/:kid/revoke',
    { schema: signingKeySchemas.revoke },
    async (request, reply) => {
      await keys.revoke(request.tenant.id, request.params.kid, adminContext(request))
      return reply.code(204).send()
    },
  )
}
