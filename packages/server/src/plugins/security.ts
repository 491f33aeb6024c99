// Security headers (helmet, tuned for a JSON API), CORS from configuration, the request id echoed
// on every response, and `Cache-Control: no-store` by default: responses carry tokens and
// personal data (RFC 6749 §5.1). Public documents (JWKS, metadata) set their own caching.
import cors from '@fastify/cors'
import helmet from '@fastify/helmet'
import { globalPlugin } from './global.js'

/** Options for {@link security}. */
export interface SecurityOptions extends Record<string, unknown> {
  /** Allowed origins; `['*']` for any; empty for no CORS. */
  corsOrigins: readonly string[]
  /** Send Strict-Transport-Security (when the public URL is https). */
  hsts: boolean
}

/** Helmet, CORS, request ids and no-store caching for the whole app. */
export const security = globalPlugin<SecurityOptions>(
  'tessera-security',
  async (app, { corsOrigins, hsts }) => {
    await app.register(helmet, {
      // A JSON API serves no HTML: nothing may load, frame or run from it.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
      },
      crossOriginResourcePolicy: { policy: 'same-site' },
      hsts: hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    })
    if (corsOrigins.length > 0) {
      await app.register(cors, {
        origin: corsOrigins.includes('*') ? '*' : [...corsOrigins],
        methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
        exposedHeaders: ['www-authenticate', 'retry-after', 'x-request-id'],
        maxAge: 600,
      })
    }
    app.addHook('onRequest', async (request, reply) => {
      void reply.header('x-request-id', request.id)
      void reply.header('cache-control', 'no-store')
      void reply.header('pragma', 'no-cache')
    })
  },
)
