// The public documents of a tenant: its JWKS (RFC 7517) and its authorization server metadata
// (RFC 8414). For a named tenant the metadata is also served where RFC 8414 §3.1 puts it for an
// issuer with a path: /.well-known/oauth-authorization-server/t/<name>.
import type { KeyManager, TenantRecord } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import { jwksSchema, metadataSchema } from '../schemas/oauth.js'
import { GRANT_TYPES } from './oauth-token.js'

/** Collaborators of {@link wellKnownRoutes}. */
export interface WellKnownRoutesOptions {
  keys: KeyManager
  publicUrl: string
  defaultTenantId: string
  /** Also register the RFC 8414 §3.1 path (only in the root scope). */
  withIssuerPaths: boolean
}

const CLIENT_AUTH = ['client_secret_basic', 'client_secret_post']

/** GET /.well-known/jwks.json and GET /.well-known/oauth-authorization-server */
export const wellKnownRoutes: FastifyPluginAsync<WellKnownRoutesOptions> = async (app, options) => {
  const { keys, publicUrl, defaultTenantId, withIssuerPaths } = options
  const base = (tenant: TenantRecord) =>
    tenant.id === defaultTenantId ? publicUrl : `${publicUrl}/t/${tenant.name}`

  app.get('/.well-known/jwks.json', { schema: jwksSchema }, async (request, reply) => {
    // Shorter than the key manager's pre-publication period, so a next key is seen before it signs.
    void reply.header('cache-control', 'public, max-age=300')
    return keys.jwks(request.tenant.id)
  })

  const metadata = async (tenant: TenantRecord) => {
    const url = base(tenant)
    return {
      issuer: tenant.config.issuer,
      token_endpoint: `${url}/oauth/token`,
      jwks_uri: `${url}/.well-known/jwks.json`,
      introspection_endpoint: `${url}/oauth/introspect`,
      revocation_endpoint: `${url}/oauth/revoke`,
      response_types_supported: [],
      grant_types_supported: [...GRANT_TYPES],
      token_endpoint_auth_methods_supported: ['none', ...CLIENT_AUTH],
      introspection_endpoint_auth_methods_supported: CLIENT_AUTH,
      revocation_endpoint_auth_methods_supported: ['none', ...CLIENT_AUTH],
      // One OpenAPI document, at the root, describes every tenant's endpoints.
      service_documentation: `${publicUrl}/openapi.json`,
    }
  }
  const paths = ['/.well-known/oauth-authorization-server']
  if (withIssuerPaths) paths.push('/.well-known/oauth-authorization-server/t/:tenant')
  for (const path of paths) {
    app.get(path, { schema: metadataSchema }, async (request, reply) => {
      void reply.header('cache-control', 'public, max-age=3600')
      return metadata(request.tenant)
    })
  }
}
