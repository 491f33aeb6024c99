// `tessera serve`: run the HTTP service. Settings come from the TESSERA_* environment variables
// (see the README); the options override the most common ones for one run.
import { Command, Option } from 'commander'
import { LOG_LEVELS } from '../config.js'
import { start, startupFailure } from '../start.js'

/** The options of `tessera serve`, as commander parses them. */
export interface ServeOptions {
  host?: string
  port?: string
  database?: string
  logLevel?: string
}

/**
 * The environment a `tessera serve` run uses: the process's, with the options over it.
 *
 * @param options - the parsed options
 * @param env - the environment (process.env by default)
 * @example
 * ```ts
 * serveEnvironment({ port: '9000' }).TESSERA_PORT // '9000'
 * ```
 */
export function serveEnvironment(
  options: ServeOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Record<string, string | undefined> {
  const overrides: Record<string, string | undefined> = {
    TESSERA_HOST: options.host,
    TESSERA_PORT: options.port,
    TESSERA_DATABASE_URL: options.database,
    TESSERA_LOG_LEVEL: options.logLevel,
  }
  const given = Object.entries(overrides).filter(([, value]) => value !== undefined)
  return { ...env, ...Object.fromEntries(given) }
}

/**
 * The `serve` command.
 *
 * @example
 * ```ts
 * new Command('tessera').addCommand(serveCommand())
 * ```
 */
export function serveCommand(): Command {
  return new Command('serve')
    .description('run the HTTP service (settings from TESSERA_* variables; options override them)')
    .option('--host <address>', 'listen address (TESSERA_HOST)')
    .option('--port <port>', 'listen port (TESSERA_PORT)')
    .option('--database <url>', 'SQLite file (TESSERA_DATABASE_URL)')
    .addOption(
      new Option('--log-level <level>', 'log level (TESSERA_LOG_LEVEL)').choices(LOG_LEVELS),
    )
    .action(async (options: ServeOptions) => {
      try {
        await start({ env: serveEnvironment(options) })
      } catch (err) {
        process.exit(startupFailure(err))
      }
    })
}
