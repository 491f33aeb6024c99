// Which tenant a request is for: the one named by `/t/:tenant/...`, or the default tenant at the
// root. Registered once in each of the two scopes the tenant routes live in. Routes under
// `/t/:tenant` also get the `tenant` path parameter in their schema, so the OpenAPI document
// describes them.
import type { TenantRecord, Tenants } from '@tessera/tokens'
import { globalPlugin } from './global.js'

declare module 'fastify' {
  interface FastifyRequest {
    /** The tenant this request is for. */
    tenant: TenantRecord
  }
}

/** Options for {@link tenantScope}. */
export interface TenantScopeOptions extends Record<string, unknown> {
  tenants: Tenants
  /** The id of the tenant the root paths serve. */
  defaultTenantId: string
}

/** The schema of the `tenant` path parameter. */
export const TENANT_PARAM = {
  type: 'string',
  pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
  description: 'The tenant, by name',
} as const

interface ParamsSchema {
  properties?: Record<string, unknown>
  required?: string[]
}

/** Sets `request.tenant`; an unknown tenant name is a 404 (ERR_NOT_FOUND). */
export const tenantScope = globalPlugin<TenantScopeOptions>(
  'tessera-tenant',
  async (app, { tenants, defaultTenantId }) => {
    app.decorateRequest('tenant', null as unknown as TenantRecord)
    // Schemas are shared by both scopes: the route gets a copy, never an edited original.
    app.addHook('onRoute', (route) => {
      if (!route.url.includes(':tenant')) return
      const schema = (route.schema ?? {}) as { params?: ParamsSchema }
      const params = schema.params ?? {}
      route.schema = {
        ...schema,
        params: {
          ...params,
          type: 'object',
          properties: { ...params.properties, tenant: TENANT_PARAM },
          required: [...new Set([...(params.required ?? []), 'tenant'])],
        },
      }
    })
    // No promise when the tenant is in memory (the default tenant, nearly always).
    app.addHook('onRequest', (request, _reply, done) => {
      const name = (request.params as { tenant?: string } | undefined)?.tenant
      const cached = name === undefined ? tenants.peek(defaultTenantId) : undefined
      if (cached !== undefined) {
        request.tenant = cached
        done()
        return
      }
      const found = name === undefined ? tenants.get(defaultTenantId) : tenants.getByName(name)
      found.then((tenant) => {
        request.tenant = tenant
        done()
      }, done)
    })
  },
)
