// A plugin whose hooks, decorators and handlers apply to the instance that registers it, rather than
// to a child context: what the fastify-plugin package does, in the few lines it takes.
import type { FastifyPluginAsync } from 'fastify'

/**
 * Marks a plugin as not encapsulated (Fastify's `skip-override`), under a name for error messages.
 *
 * @param name - the plugin's name
 * @param plugin - the plugin
 * @example
 * ```ts
 * export const security = globalPlugin('tessera-security', async (app) => { await app.register(helmet) })
 * ```
 */
export function globalPlugin<Options extends Record<string, unknown>>(
  name: string,
  plugin: FastifyPluginAsync<Options>,
): FastifyPluginAsync<Options> {
  const marked = plugin as FastifyPluginAsync<Options> & Record<symbol, unknown>
  marked[Symbol.for('skip-override')] = true
  marked[Symbol.for('fastify.display-name')] = name
  return marked
}
