// buildApp: the one place that wires the server together. It resolves the master key, builds the
// token lifecycle (services.ts), bootstraps an empty database, registers the cross-cutting plugins,
// and mounts every tenant route twice: at the root for the default tenant, and under /t/:tenant.
import { createRequire } from 'node:module'
import formbody from '@fastify/formbody'
import swagger from '@fastify/swagger'
import type { MasterKey, SyncState } from '@tessera/tokens'
import Fastify, { type FastifyInstance, type FastifyPluginAsync } from 'fastify'
import { bootstrap } from './bootstrap.js'
import type { ServerConfig } from './config.js'
import { resolveMasterKey } from './master-key.js'
import { createGuards } from './plugins/auth.js'
import { clientErrors, errorHandler, frameworkErrors } from './plugins/error-handler.js'
import { gracefulClose } from './plugins/graceful-close.js'
import {
  lazyChildLogger,
  loggerOptions,
  requestId,
  type LogDestination,
} from './plugins/logging.js'
import { requestMetrics } from './plugins/metrics.js'
import { security } from './plugins/security.js'
import { tenantScope } from './plugins/tenant.js'
import { adminRoutes } from './routes/admin/index.js'
import { accountRoutes } from './routes/account.js'
import { introspectRoutes } from './routes/introspect.js'
import { loginRoutes } from './routes/login.js'
import { oauthTokenRoutes } from './routes/oauth-token.js'
import { openapiRoutes } from './routes/openapi.js'
import { operationsRoutes } from './routes/operations.js'
import { revokeRoutes } from './routes/revoke.js'
import { sessionRoutes } from './routes/session.js'
import { validateRoutes } from './routes/validate.js'
import { wellKnownRoutes } from './routes/well-known.js'
import { maintain } from './maintenance.js'
import { createServices, type ServiceDeps, type Services } from './services.js'

/** What buildApp can be handed instead of building it from configuration. */
export interface AppDeps extends Omit<ServiceDeps, 'masterKey'> {
  /** The master key; resolved from configuration (TESSERA_MASTER_KEY or the key file) if absent. */
  masterKey?: MasterKey
  /** Where log lines go (stdout by default). */
  logStream?: LogDestination
  /** Where the generated admin password is written, once (process.stderr by default). */
  stderr?: { write(text: string): unknown }
}

const { version } = createRequire(import.meta.url)('../../package.json') as { version: string }
const MAINTENANCE_MS = 3_600_000

/**
 * Builds the Fastify app from a configuration: ready to `listen()` or `inject()`. Closing the app
 * closes the storage it opened.
 *
 * @param config - from {@link loadConfig}
 * @param deps - replacements for tests and embedders (storage, password hasher, clock, log stream)
 * @example
 * ```ts
 * const app = await buildApp(loadConfig())
 * await app.listen({ host: '127.0.0.1', port: 8080 })
 * ```
 */
export async function buildApp(config: ServerConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, deps.logStream),
    childLoggerFactory: lazyChildLogger,
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit: 64 * 1024,
    // Requests that arrive while closing get our 503 (graceful-close.ts), and requests Node cannot
    // parse our 400: Fastify's own answers would skip our error shape and headers.
    return503OnClosing: false,
    clientErrorHandler: clientErrors,
    // Above every path parameter's own limit (ids: 128), so that a valid id reaches its route.
    routerOptions: { maxParamLength: 256 },
    frameworkErrors,
    // A field the schema does not know is an error, not silently dropped: a typo in a setting
    // ("block_duraton") must not look accepted.
    ajv: { customOptions: { removeAdditional: false } },
  })
  const warn = (message: string) => app.log.warn(message)
  config.warnings.forEach(warn)
  const masterKey = deps.masterKey ?? resolveMasterKey(config, warn).key
  const services = await createServices(config, {
    ...deps,
    masterKey,
    onSyncState: (state) => logSyncState(app, config, state),
  })
  try {
    const tenant = await bootstrap(services, config, {
      warn,
      stderr: deps.stderr ?? process.stderr,
    })
    await register(app, config, services, tenant.id)
  } catch (err) {
    await app.close()
    await services.close()
    throw err
  }
  const timer = setInterval(
    () => void maintainLogged(app, services, config),
    MAINTENANCE_MS,
  ).unref()
  app.addHook('onClose', async () => {
    clearInterval(timer)
    await services.close()
  })
  return app
}

async function register(
  app: FastifyInstance,
  config: ServerConfig,
  services: Services,
  defaultTenantId: string,
): Promise<void> {
  const { tokens, accounts, audit, keys, metrics, clock } = services
  // Clients' API keys are checked through the cache of keys that authenticated.
  const apiKeys = services.clientKeys
  app.decorateRequest('principal', null)
  await app.register(errorHandler, { clock })
  await app.register(gracefulClose)
  await app.register(security, {
    corsOrigins: config.corsOrigins,
    hsts: config.publicUrl.startsWith('https:'),
  })
  await app.register(requestMetrics, { metrics })
  await app.register(formbody, { bodyLimit: 64 * 1024 })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Tessera', version, description: 'Tokens, sessions and keys as a service' },
      servers: [{ url: config.publicUrl }],
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT or API key' },
          basic: { type: 'http', scheme: 'basic', description: 'API key id and key' },
        },
      },
    },
  })
  const guards = createGuards({
    tokens,
    apiKeys,
    defaultTenantId,
    rateLimits: services.rateLimits,
    metrics,
  })
  const tenantRoutes = (root: boolean): FastifyPluginAsync => {
    return async (scope) => {
      await scope.register(tenantScope, { tenants: services.tenants, defaultTenantId })
      await scope.register(loginRoutes, { tokens, clock })
      await scope.register(sessionRoutes, { tokens, guards })
      await scope.register(accountRoutes, { accounts, audit, guards })
      await scope.register(validateRoutes, { tokens, guards })
      await scope.register(oauthTokenRoutes, { tokens, apiKeys, clients: services.apiKeys, clock })
      await scope.register(introspectRoutes, { tokens, guards })
      await scope.register(revokeRoutes, { tokens, apiKeys })
      const { publicUrl } = config
      await scope.register(wellKnownRoutes, {
        keys,
        publicUrl,
        defaultTenantId,
        withIssuerPaths: root,
      })
      await scope.register(adminRoutes, { services, config, guards, defaultTenantId, root })
    }
  }
  await app.register(tenantRoutes(true))
  await app.register(tenantRoutes(false), { prefix: '/t/:tenant' })
  await app.register(operationsRoutes, {
    sync: services.sync,
    storage: services.storage,
    keys,
    metrics,
    defaultTenantId,
  })
  await app.register(openapiRoutes, { document: () => app.swagger() })
}

// Being out of step with the other instances is worth a line each way; failing open, a loud one.
function logSyncState(app: FastifyInstance, config: ServerConfig, state: SyncState): void {
  if (state.current) {
    app.log.info('in step with the other instances: revocations, keys and tenants reloaded')
  } else if (config.redis?.revocationsFailOpen === true) {
    app.log.error(
      { reason: state.reason },
      'FAILING OPEN: changes from other instances may be missed (Redis unreachable); tokens ' +
        'revoked elsewhere may be accepted here until it is back',
    )
  } else {
    app.log.warn(
      { reason: state.reason },
      'out of step with the other instances (Redis unreachable): validation answers 503 until it is back',
    )
  }
}

// Hourly (see maintenance.ts); a failure is logged and the next hour tries again.
async function maintainLogged(
  app: FastifyInstance,
  services: Services,
  config: ServerConfig,
): Promise<void> {
  try {
    await maintain(services, config.auditRetentionMs)
  } catch (err) {
    app.log.error({ err }, 'maintenance failed')
  }
}
