// GET /openapi.json: the OpenAPI document @fastify/swagger builds from every route's schema.
import type { FastifyPluginAsync } from 'fastify'
import { openapiSchema } from '../schemas/operations.js'

/** Collaborators of {@link openapiRoutes}. */
export interface OpenApiRoutesOptions {
  /** Builds the document (`app.swagger()` once the app is ready). */
  document: () => unknown
}

/** GET /openapi.json */
export const openapiRoutes: FastifyPluginAsync<OpenApiRoutesOptions> = async (app, options) => {
  app.get(
    '/openapi.json',
    { schema: { ...openapiSchema, hide: true } },
    async (_request, reply) => {
      void reply.header('cache-control', 'public, max-age=60')
      return options.document()
    },
  )
}
