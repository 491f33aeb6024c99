// Starting the service: configuration from the environment, the app, listen, and a graceful
// shutdown on SIGTERM or SIGINT (stop accepting, let requests in flight finish, close the store).
import type { FastifyInstance } from 'fastify'
import { buildApp, type AppDeps } from './app.js'
import { ConfigError, loadConfig } from './config.js'

/** Options for {@link start}. */
export interface StartOptions {
  /** The environment to read (process.env by default). */
  env?: Readonly<Record<string, string | undefined>>
  /** Install SIGTERM/SIGINT handlers (default true). */
  signals?: boolean
  /** Passed to buildApp. */
  deps?: AppDeps
}

/** How long a shutdown may take before the process exits anyway, ms. */
const SHUTDOWN_GRACE_MS = 10_000

/**
 * Loads the configuration, builds the app and listens on the configured host and port.
 *
 * @param options - environment, signal handling and dependencies
 * @returns the listening app
 * @example
 * ```ts
 * const app = await start()
 * app.log.info(app.server.address())
 * ```
 */
export async function start(options: StartOptions = {}): Promise<FastifyInstance> {
  const config = loadConfig(options.env ?? process.env)
  const app = await buildApp(config, options.deps)
  await app.listen({ host: config.host, port: config.port })
  if (options.signals !== false) closeOnSignals(app)
  return app
}

function closeOnSignals(app: FastifyInstance): void {
  let closing = false
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return
    closing = true
    app.log.info({ signal }, 'shutting down: finishing requests in flight')
    setTimeout(() => {
      app.log.error('shutdown took too long; exiting')
      process.exit(1)
    }, SHUTDOWN_GRACE_MS).unref()
    app.close().then(
      () => app.log.info('stopped'),
      (err: unknown) => {
        app.log.error({ err }, 'shutdown failed')
        process.exitCode = 1
      },
    )
  }
  process.once('SIGTERM', shutdown)
  process.once('SIGINT', shutdown)
}

/**
 * Reports a startup failure plainly (the logger may not exist yet) and returns the exit code: 78
 * (EX_CONFIG) for a configuration error, which lists every bad variable, and 1 for anything else.
 *
 * @param err - what start() threw
 * @param stderr - where to write (process.stderr by default)
 * @example
 * ```ts
 * start().catch((err) => process.exit(startupFailure(err)))
 * ```
 */
export function startupFailure(
  err: unknown,
  stderr: { write(text: string): unknown } = process.stderr,
): number {
  if (err instanceof ConfigError) {
    stderr.write(`tessera: ${err.message}\n`)
    return 78
  }
  const message = err instanceof Error ? err.message : String(err)
  stderr.write(`tessera: could not start: ${message}\n`)
  return 1
}
