// Admin, root only: tenants. A new tenant gets the environment's settings (its issuer is the public
// URL plus /t/<name>), any overrides from the body, and its first signing key at once.
import {
  errors,
  type KeyManager,
  type TenantConfig,
  type TenantRecord,
  type Tenants,
} from '@tessera/tokens'
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { tenantSettings } from '../../bootstrap.js'
import type { ServerConfig } from '../../config.js'
import { ForbiddenError } from '../../errors.js'
import { tenantSchemas, type TenantSettingsBody } from '../../schemas/admin-tenants.js'
import { iso } from '../../views.js'
import { adminContext } from './index.js'

/** Collaborators of {@link adminTenantRoutes}. */
export interface AdminTenantRoutesOptions {
  tenants: Tenants
  keys: KeyManager
  config: ServerConfig
  defaultTenantId: string
}

// API names of tenant settings and the library's (rate limits have their own mapping below).
const SETTINGS: Record<Exclude<keyof TenantSettingsBody, 'rate_limits'>, keyof TenantConfig> = {
  access_token_ttl: 'accessTokenTtl',
  refresh_token_ttl: 'refreshIdleTtl',
  session_max_age: 'sessionAbsoluteTtl',
  reuse_grace: 'reuseGraceSeconds',
  max_login_attempts: 'maxLoginAttempts',
  lockout_minutes: 'lockoutMinutes',
  signing_algorithm: 'signingAlgorithm',
  audience: 'audience',
}

function toConfig(body: TenantSettingsBody = {}): Partial<TenantConfig> {
  const { rate_limits: rateLimits, ...rest } = body
  const entries = Object.entries(rest).filter(([, value]) => value !== undefined)
  const config: Partial<TenantConfig> = Object.fromEntries(
    entries.map(([name, value]) => [SETTINGS[name as keyof typeof SETTINGS], value]),
  )
  if (rateLimits !== undefined) {
    config.rateLimits = Object.fromEntries(
      Object.entries(rateLimits).map(([profile, rule]) => [
        profile,
        { points: rule.points, duration: rule.duration, blockDuration: rule.block_duration ?? 0 },
      ]),
    )
  }
  return config
}

function tenantView(tenant: TenantRecord) {
  const settings = {
    ...Object.fromEntries(
      Object.entries(SETTINGS).map(([name, field]) => [name, tenant.config[field]]),
    ),
    rate_limits: Object.fromEntries(
      Object.entries(tenant.config.rateLimits ?? {}).map(([profile, rule]) => [
        profile,
        { points: rule.points, duration: rule.duration, block_duration: rule.blockDuration ?? 0 },
      ]),
    ),
  }
  const { id, name, createdAt, updatedAt } = tenant
  const times = { created_at: iso(createdAt), updated_at: iso(updatedAt) }
  return { id, name, issuer: tenant.config.issuer, settings, ...times }
}

/** /admin/tenants */
export const adminTenantRoutes: FastifyPluginAsync<AdminTenantRoutesOptions> = async (
  app,
  options,
) => {
  const { tenants, keys, config, defaultTenantId } = options
  app.addHook('preHandler', async (request: FastifyRequest) => {
    if (request.principal?.tenantId !== defaultTenantId) {
      throw new ForbiddenError('tenants are managed by admins of the default tenant')
    }
  })

  app.get('/admin/tenants', { schema: tenantSchemas.list }, async () => ({
    tenants: (await tenants.list()).map(tenantView),
  }))

  app.post<{ Body: { name: string; settings?: TenantSettingsBody } }>(
    '/admin/tenants',
    { schema: tenantSchemas.create },
    async (request, reply) => {
      const { name, settings } = request.body
      const initial = { ...tenantSettings(config, name), ...toConfig(settings) }
      const tenant = await tenants.create(name, initial, adminContext(request))
      await keys.signingKey(tenant.id)
      return reply.code(201).send(tenantView(tenant))
    },
  )

  app.get<{ Params: { name: string } }>(
    '/admin/tenants/:name',
    { schema: tenantSchemas.get },
    async (request) => tenantView(await tenants.getByName(request.params.name)),
  )

  app.patch<{ Params: { name: string }; Body: TenantSettingsBody }>(
    '/admin/tenants/:name',
    { schema: tenantSchemas.update },
    async (request) => {
      const tenant = await tenants.getByName(request.params.name)
      if (tenant.id === defaultTenantId) {
        throw new errors.InvalidInputError('the default tenant takes its settings from TESSERA_*')
      }
      const changes = toConfig(request.body)
      return tenantView(await tenants.configure(tenant.id, changes, adminContext(request)))
    },
  )
}
