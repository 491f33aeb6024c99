// Operations: liveness, readiness (the store answers and the default tenant has a signing key) and
// Prometheus metrics. Served at the root only: they describe the process, not a tenant.
import type { InstanceSync, KeyManager, Storage } from '@tessera/tokens'
import type { FastifyPluginAsync } from 'fastify'
import type { PromMetrics } from '../metrics.js'
import { healthSchema, metricsSchema, readySchema } from '../schemas/operations.js'

/** Collaborators of {@link operationsRoutes}. */
export interface OperationsRoutesOptions {
  /** With Redis: whether this instance has every change the others committed. */
  sync: InstanceSync | undefined
  storage: Storage
  keys: KeyManager
  metrics: PromMetrics
  defaultTenantId: string
}

/** GET /health, GET /ready, GET /metrics */
export const operationsRoutes: FastifyPluginAsync<OperationsRoutesOptions> = async (
  app,
  options,
) => {
  const { sync, storage, keys, metrics, defaultTenantId } = options

  app.get('/health', { schema: healthSchema }, async () => ({ status: 'ok' }))

  app.get('/ready', { schema: readySchema }, async (request, reply) => {
    const check = async (fn: () => Promise<boolean>) => {
      try {
        return (await fn()) ? 'ok' : 'failing'
      } catch (err) {
        request.log.warn({ err }, 'readiness check failed')
        return 'failing'
      }
    }
    const checks = {
      store: await check(async () => (await storage.tenants.get(defaultTenantId)) !== undefined),
      keys: await check(async () =>
        (await keys.list(defaultTenantId)).some((k) => k.state === 'active'),
      ),
      // Subscribed to the other instances' changes and reloaded since: nothing revoked is missed.
      ...(sync === undefined ? {} : { sync: sync.current ? 'ok' : 'failing' }),
    }
    const ready = Object.values(checks).every((value) => value === 'ok')
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ok' : 'unavailable', checks })
  })

  app.get('/metrics', { schema: metricsSchema }, async (_request, reply) => {
    void reply.type(metrics.registry.contentType)
    return metrics.registry.metrics()
  })
}
