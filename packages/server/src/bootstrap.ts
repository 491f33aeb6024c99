// What an empty database needs before the first request: the default tenant (its settings from the
// environment), its first signing key, and an administrator. Safe to run on every start and from
// several instances at once: each step finds what another made.
import { randomBytes } from 'node:crypto'
import { errors, type TenantConfig, type TenantRecord } from '@tessera/tokens'
import type { ServerConfig } from './config.js'
import type { Services } from './services.js'

/** The tenant the root paths serve. */
export const DEFAULT_TENANT = 'default'

/** Where bootstrap reports: warnings to the log, the one-time password to a terminal. */
export interface BootstrapOutput {
  warn(message: string): void
  /** Receives the generated admin password, once. Never the log. */
  stderr: { write(text: string): unknown }
}

/**
 * A tenant's settings from the environment; `issuer` is the public URL, plus `/t/<name>` for a
 * named tenant.
 *
 * @param config - the server configuration
 * @param name - the tenant's name
 * @example
 * ```ts
 * tenantSettings(config, 'acme').issuer // 'https://id.example.com/t/acme'
 * ```
 */
export function tenantSettings(config: ServerConfig, name: string): Partial<TenantConfig> {
  const issuer = name === DEFAULT_TENANT ? config.publicUrl : `${config.publicUrl}/t/${name}`
  return { issuer, ...config.tokens, ...config.lockout }
}

/**
 * Creates or updates the default tenant, makes sure it has a signing key and an administrator, and
 * returns it.
 *
 * @param services - the token lifecycle
 * @param config - the server configuration
 * @param output - where warnings and the generated password go
 * @example
 * ```ts
 * const tenant = await bootstrap(services, config, { warn: console.warn, stderr: process.stderr })
 * ```
 */
export async function bootstrap(
  services: Services,
  config: ServerConfig,
  output: BootstrapOutput,
): Promise<TenantRecord> {
  const tenant = await defaultTenant(services, config)
  try {
    await services.keys.signingKey(tenant.id)
  } catch (err) {
    throw new Error(
      'the master key does not decrypt the signing keys in the database: ' +
        'set TESSERA_MASTER_KEY to the key this database was created with',
      { cause: err },
    )
  }
  await ensureAdmin(services, config, tenant, output)
  return tenant
}

async function defaultTenant(services: Services, config: ServerConfig): Promise<TenantRecord> {
  const settings = tenantSettings(config, DEFAULT_TENANT)
  const existing = await find(services, DEFAULT_TENANT)
  if (existing === undefined) {
    try {
      return await services.tenants.create(DEFAULT_TENANT, settings, { actor: 'system' })
    } catch (err) {
      if (!(err instanceof errors.ConflictError)) throw err
      return services.tenants.getByName(DEFAULT_TENANT)
    }
  }
  const changed = (Object.keys(settings) as (keyof TenantConfig)[]).filter(
    (key) => existing.config[key] !== settings[key],
  )
  if (changed.length === 0) return existing
  const changes = Object.fromEntries(changed.map((key) => [key, settings[key]]))
  return services.tenants.configure(existing.id, changes, { actor: 'system' })
}

async function find(services: Services, name: string): Promise<TenantRecord | undefined> {
  try {
    return await services.tenants.getByName(name)
  } catch (err) {
    if (err instanceof errors.NotFoundError) return undefined
    throw err
  }
}

async function ensureAdmin(
  services: Services,
  config: ServerConfig,
  tenant: TenantRecord,
  output: BootstrapOutput,
): Promise<void> {
  const users = await services.accounts.listUsers(tenant.id)
  if (users.some((user) => user.roles.includes('admin'))) return
  const { username } = config.admin
  const generated = config.admin.password === undefined
  const password = config.admin.password ?? randomBytes(18).toString('base64url')
  try {
    await services.accounts.createUser(
      { tenantId: tenant.id, username, password, roles: ['admin'] },
      { actor: 'system' },
    )
  } catch (err) {
    if (err instanceof errors.ConflictError) {
      // Another instance starting at the same moment may have just made the admin.
      const now = await services.accounts.listUsers(tenant.id)
      if (now.some((user) => user.roles.includes('admin'))) return
      throw new Error(
        `TESSERA_ADMIN_USERNAME names the existing user "${username}", who is not an admin`,
        { cause: err },
      )
    }
    if (err instanceof errors.InvalidInputError) {
      throw new Error(`TESSERA_ADMIN_PASSWORD or TESSERA_ADMIN_USERNAME: ${err.message}`, {
        cause: err,
      })
    }
    throw err
  }
  if (generated) {
    output.stderr.write(
      `\nTessera created the administrator "${username}" with this password, shown once:\n\n` +
        `    ${password}\n\nChange it with POST /auth/password, ` +
        'or set TESSERA_ADMIN_PASSWORD before the first start.\n\n',
    )
  } else {
    output.warn(`created the administrator "${username}" with the password TESSERA_ADMIN_PASSWORD`)
  }
}
