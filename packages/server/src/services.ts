// The token lifecycle, assembled from configuration: storage, tenants, signing keys, accounts, the
// token service, audit, API keys and rate limits. buildApp calls this and nothing else does; route
// plugins receive the pieces they need as options.
import Database from 'better-sqlite3'
import {
  Accounts,
  ApiKeys,
  AuditLog,
  auditRateLimits,
  createSqlStorage,
  KeyManager,
  openSqlite,
  RateLimits,
  Tenants,
  TokenService,
  type MasterKey,
  type PasswordHasher,
  type Storage,
} from '@tessera/tokens'
import type { ServerConfig } from './config.js'
import { PromMetrics } from './metrics.js'

/** The collaborators routes are given. */
export interface Services {
  storage: Storage
  tenants: Tenants
  keys: KeyManager
  accounts: Accounts
  tokens: TokenService
  audit: AuditLog
  apiKeys: ApiKeys
  /** Undefined when `TESSERA_RATE_LIMITS=off`. */
  rateLimits: RateLimits | undefined
  metrics: PromMetrics
  clock: () => number
}

/** What can be handed in instead of built from configuration (tests, embedders). */
export interface ServiceDeps {
  masterKey: MasterKey
  /** Storage to use; opened from `config.database` when absent (and then closed with the app). */
  storage?: Storage
  /** The password hasher; argon2id with OWASP's parameters by default. */
  passwords?: PasswordHasher
  /** Milliseconds since the epoch; `Date.now` by default. */
  clock?: () => number
  metrics?: PromMetrics
}

/**
 * Opens the storage and builds every service on it. The token service's revocation set is loaded.
 *
 * @param config - the server configuration
 * @param deps - the master key, and optional replacements
 * @example
 * ```ts
 * const services = await createServices(config, { masterKey: new MasterKey(config.masterKey!) })
 * ```
 */
export async function createServices(config: ServerConfig, deps: ServiceDeps): Promise<Services> {
  const clock = deps.clock ?? Date.now
  const storage =
    deps.storage ??
    (await createSqlStorage(openSqlite({ driver: Database, filename: config.database.filename })))
  const metrics = deps.metrics ?? new PromMetrics()
  const rateLimits = config.rateLimits.enabled
    ? new RateLimits({
        profiles: config.rateLimits.profiles,
        onLimited: auditRateLimits(storage, clock),
      })
    : undefined
  const tenants = new Tenants(storage, clock)
  const keys = new KeyManager({ storage, tenants, masterKey: deps.masterKey, clock })
  const accounts = new Accounts({
    storage,
    clock,
    metrics,
    ...(deps.passwords === undefined ? {} : { passwords: deps.passwords }),
    ...(rateLimits === undefined ? {} : { rateLimits }),
    // Revocations made by account changes reach the token service's local set at once.
    onRevoked: (revocations) => revocations.forEach((r) => tokens.revocations.apply(r)),
  })
  const tokens = new TokenService({
    storage,
    tenants,
    keys,
    authenticator: accounts,
    metrics,
    clock,
    ...(rateLimits === undefined ? {} : { rateLimits }),
  })
  await tokens.start()
  const audit = new AuditLog(storage, { clock })
  const apiKeys = new ApiKeys({
    storage,
    clock,
    onRevoked: (revocations) => revocations.forEach((r) => tokens.revocations.apply(r)),
  })
  return { storage, tenants, keys, accounts, tokens, audit, apiKeys, rateLimits, metrics, clock }
}
