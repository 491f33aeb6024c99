// The admin API under /admin: every route behind the admin guard (the admin role, or an API key
// with the admin scope; default-tenant admins administer every tenant). Tenants themselves are
// managed at the root only.
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ServerConfig } from '../../config.js'
import { origin, type Guards } from '../../plugins/auth.js'
import type { Services } from '../../services.js'
import { adminAuditRoutes } from './audit.js'
import { adminCredentialRoutes } from './credentials.js'
import { adminTenantRoutes } from './tenants.js'
import { adminUserRoutes } from './users.js'

/** Collaborators of {@link adminRoutes}. */
export interface AdminRoutesOptions {
  services: Services
  config: ServerConfig
  guards: Guards
  defaultTenantId: string
  /** Mount the tenant routes (only in the root scope). */
  root: boolean
}

/**
 * Who made an admin change and from where, for the audit log.
 *
 * @param request - an admin request (after the guard)
 * @example
 * ```ts
 * await accounts.unlock(tenantId, id, adminContext(request))
 * ```
 */
export function adminContext(request: FastifyRequest) {
  return { actor: request.principal!.actor, ...origin(request) }
}

/** Every admin route. */
export const adminRoutes: FastifyPluginAsync<AdminRoutesOptions> = async (app, options) => {
  const { services, config, guards, defaultTenantId, root } = options
  const { accounts, tokens, rateLimits, apiKeys, keys, audit, tenants } = services
  app.addHook('preHandler', guards.admin)
  await app.register(adminUserRoutes, { accounts, tokens, rateLimits })
  await app.register(adminCredentialRoutes, { apiKeys, keys })
  await app.register(adminAuditRoutes, { audit })
  if (root) await app.register(adminTenantRoutes, { tenants, keys, config, defaultTenantId })
}
