// Opening the configured store for the store commands (`keys`, `migrate`) through exactly the code
// `tessera serve` uses: loadConfig (TESSERA_* variables), resolveMasterKey, createServices and
// bootstrap. Failures to open are configuration errors (exit 78), each saying what to set.
import { existsSync } from 'node:fs'
import { errors, type TenantRecord } from '@tessera/tokens'
import { bootstrap, DEFAULT_TENANT } from '../bootstrap.js'
import { ConfigError, loadConfig, type ServerConfig } from '../config.js'
import { resolveMasterKey, type ResolvedMasterKey } from '../master-key.js'
import { createServices, type Services } from '../services.js'
import { CliError, EXIT } from './common.js'

/** An open store. Call `close()` when done. */
export interface OpenStore {
  config: ServerConfig
  /** The master key the store was opened with, and where it came from. */
  masterKey: ResolvedMasterKey
  services: Services
  close(): Promise<void>
}

/** Options for {@link openStore}. */
export interface OpenStoreOptions {
  /** Create the database when it does not exist (`tessera migrate`); otherwise that is an error. */
  create?: boolean
  env?: Readonly<Record<string, string | undefined>>
}

/** The audit actor of changes made from the command line. */
export const CLI_ACTOR = { actor: 'cli' } as const

/**
 * Loads the configuration and opens the store, migrated and bootstrapped as `serve` would.
 * Warnings (and a generated admin password, on a new database) go to stderr.
 *
 * @param options - whether to create the database, and the environment
 * @example
 * ```ts
 * const store = await openStore()
 * try { await store.services.keys.list(tenantId) } finally { await store.close() }
 * ```
 */
export async function openStore(options: OpenStoreOptions = {}): Promise<OpenStore> {
  const config = loadConfig(options.env ?? process.env)
  const { database } = config
  const where = database.kind === 'sqlite' ? database.filename : database.display
  if (
    database.kind === 'sqlite' &&
    options.create !== true &&
    database.filename !== ':memory:' &&
    !existsSync(database.filename)
  ) {
    throw new CliError(
      EXIT.config,
      'ERR_NO_DATABASE',
      `there is no database at ${database.filename}: set TESSERA_DATABASE_URL to it, ` +
        'or create it with `tessera migrate`',
    )
  }
  const warn = (message: string) => process.stderr.write(`tessera: warning: ${message}\n`)
  let services: Services | undefined
  let masterKey: ResolvedMasterKey
  try {
    masterKey = resolveMasterKey(config, warn)
    services = await createServices(config, { masterKey: masterKey.key })
    await bootstrap(services, config, { warn, stderr: process.stderr })
  } catch (err) {
    await services?.close()
    if (err instanceof ConfigError) throw err
    const message = err instanceof Error ? err.message : String(err)
    throw new CliError(EXIT.config, 'ERR_STORE', `cannot open the store ${where}: ${message}`, {
      cause: err,
    })
  }
  const opened = services
  return { config, masterKey, services: opened, close: () => opened.close() }
}

/**
 * A tenant by name; a missing one is an error that names `tessera tenants list`.
 *
 * @param services - the services
 * @param name - the tenant's name (`default` for the root paths)
 * @example
 * ```ts
 * const tenant = await findTenant(store.services, 'acme')
 * ```
 */
export async function findTenant(services: Services, name: string): Promise<TenantRecord> {
  try {
    return await services.tenants.getByName(name)
  } catch (err) {
    if (err instanceof errors.NotFoundError) {
      throw new CliError(
        EXIT.failed,
        'ERR_NOT_FOUND',
        `there is no tenant "${name}"; see \`tessera tenants list\``,
      )
    }
    throw err
  }
}

/**
 * Opens the store, runs `body`, and closes the store whatever happens.
 *
 * @param body - the work
 * @param options - as for {@link openStore}
 * @example
 * ```ts
 * await withStore(async ({ services }) => services.tenants.list())
 * ```
 */
export async function withStore<T>(
  body: (store: OpenStore) => Promise<T>,
  options: OpenStoreOptions = {},
): Promise<T> {
  const store = await openStore(options)
  try {
    return await body(store)
  } finally {
    await store.close()
  }
}

export { DEFAULT_TENANT }
