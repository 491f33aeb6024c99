// Security headers (helmet, tuned for a JSON API), CORS from configuration, the request id echoed
// on every response, and `Cache-Control: no-store` by default: responses carry tokens and
// personal data (RFC 6749 §5.1). Public documents (JWKS, metadata) set their own caching.
import cors from '@fastify/cors'
import helmet, { type FastifyHelmetOptions } from '@fastify/helmet'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import { globalPlugin } from './global.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** Sets the security headers, request id and no-store caching on a reply. */
    secureReply(request: FastifyRequest, reply: FastifyReply): void
  }
}

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
    const headers = await helmetHeaders({
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
    const secureReply = (request: FastifyRequest, reply: FastifyReply) => {
      void reply.headers(headers)
      void reply.header('x-request-id', request.id)
      void reply.header('cache-control', 'no-store')
      void reply.header('pragma', 'no-cache')
    }
    // Also for the errors Fastify answers before any hook runs (see error-handler.ts).
    app.decorate('secureReply', secureReply)
    // One hook, no promise: this runs before every request.
    app.addHook('onRequest', (request, reply, done) => {
      secureReply(request, reply)
      done()
    })
  },
)

/**
 * The headers helmet sets with these options. They depend on the options alone (no CSP nonces), so
 * they are computed once, by running helmet on one request to a private app, and then set as they
 * are on every response: @fastify/helmet would rebuild helmet's middleware for each request.
 */
async function helmetHeaders(options: FastifyHelmetOptions): Promise<Record<string, string>> {
  const probe = Fastify({ logger: false })
  try {
    await probe.register(helmet, options)
    probe.get('/with', async () => '')
    probe.get('/without', { helmet: false }, async () => '')
    const withHelmet = (await probe.inject('/with')).headers
    const without = (await probe.inject('/without')).headers
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(withHelmet)) {
      if (!(name in without) && typeof value === 'string') headers[name] = value
    }
    return headers
  } finally {
    await probe.close()
  }
}
