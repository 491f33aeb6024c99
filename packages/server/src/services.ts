// The token lifecycle, assembled from configuration: storage, tenants, signing keys, accounts, the
// token service, audit, API keys and rate limits. buildApp calls this and nothing else does; route
// plugins receive the pieces they need as options.
import Database from 'better-sqlite3'
import { Redis } from 'ioredis'
import pg from 'pg'
import {
  Accounts,
  ApiKeys,
  AuditLog,
  auditRateLimits,
  createSqlStorage,
  InstanceSync,
  KeyManager,
  observeChanges,
  openPostgres,
  openSqlite,
  Passwords,
  RateLimits,
  RedisSignals,
  Tenants,
  TokenService,
  type MasterKey,
  type PasswordHasher,
  type RevocationRecord,
  type Storage,
  type SyncState,
} from '@tessera/tokens'
import { ApiKeyCache } from './api-key-cache.js'
import { BoundedPasswords } from './bounded-passwords.js'
import type { RedisConfig, ServerConfig } from './config.js'
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
  /** Checks the API keys clients present: `apiKeys`, with the keys that authenticated in memory. */
  clientKeys: ApiKeyCache
  /** Undefined when `TESSERA_RATE_LIMITS=off`. */
  rateLimits: RateLimits | undefined
  metrics: PromMetrics
  clock: () => number
  /** With Redis: keeps this instance in step with the others; undefined when it runs alone. */
  sync: InstanceSync | undefined
  /** Closes what createServices opened (the sync, Redis, and the storage unless handed in). */
  close(): Promise<void>
}

/** What can be handed in instead of built from configuration (tests, embedders). */
export interface ServiceDeps {
  masterKey: MasterKey
  /** Storage to use; opened from `config.database` when absent (and then closed with the app). */
  storage?: Storage
  /**
   * The password hasher; argon2id with OWASP's parameters by default. Either way it runs at most
   * `config.passwordHashConcurrency` hashes at once.
   */
  passwords?: PasswordHasher
  /** Milliseconds since the epoch; `Date.now` by default. */
  clock?: () => number
  metrics?: PromMetrics
  /** Told when this instance stops or starts being in step with the others (with Redis). */
  onSyncState?: (state: SyncState) => void
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
  const opened = deps.storage ?? (await openStorage(config))
  const redis = config.redis === undefined ? undefined : connectRedis(config.redis)
  try {
    return await assemble(config, deps, opened, redis, clock)
  } catch (err) {
    await redis?.close()
    if (deps.storage === undefined) await opened.close()
    throw err
  }
}

async function assemble(
  config: ServerConfig,
  deps: ServiceDeps,
  opened: Storage,
  redis: RedisConnections | undefined,
  clock: () => number,
): Promise<Services> {
  let sync: InstanceSync | undefined
  // With Redis, every committed revocation, key change and tenant change reaches every instance.
  const storage =
    redis === undefined ? opened : observeChanges(opened, (changes) => sync?.publish(changes))
  const metrics = deps.metrics ?? new PromMetrics()
  const tenants = new Tenants(storage, clock)
  const rateLimits = config.rateLimits.enabled
    ? new RateLimits({
        profiles: config.rateLimits.profiles,
        onLimited: auditRateLimits(storage, clock),
        // A tenant's own limits, from its settings in memory (loaded before any limit is spent).
        tenantRules: (tenantId) => tenants.peek(tenantId)?.config.rateLimits,
        ...(redis === undefined || config.redis === undefined
          ? {}
          : {
              redis: {
                client: redis.commands,
                keyPrefix: `${config.redis.prefix}rl:`,
                whenUnavailable: config.redis.rateLimitFallback,
              },
            }),
      })
    : undefined
  const keys = new KeyManager({ storage, tenants, masterKey: deps.masterKey, clock })
  const accounts = new Accounts({
    storage,
    clock,
    metrics,
    passwords: new BoundedPasswords(
      deps.passwords ?? new Passwords(),
      config.passwordHashConcurrency,
    ),
    ...(rateLimits === undefined ? {} : { rateLimits }),
    // Revocations made by account changes reach the token service's local set at once.
    onRevoked: (revocations) => revocations.forEach((r) => tokens.revocations.apply(r)),
  })
  const failClosed = config.redis !== undefined && !config.redis.revocationsFailOpen
  const tokens = new TokenService({
    storage,
    tenants,
    keys,
    authenticator: accounts,
    metrics,
    clock,
    ...(rateLimits === undefined ? {} : { rateLimits }),
    ...(failClosed ? { revocationsCurrent: () => sync?.current ?? false } : {}),
  })
  await tokens.start()
  const audit = new AuditLog(storage, { clock })
  const apiKeys = new ApiKeys({
    storage,
    clock,
    // A revoked key's revocation reaches the local set and the key cache at once.
    onRevoked: (revocations) => revocations.forEach(revoked),
  })
  const clientKeys = new ApiKeyCache({
    apiKeys,
    ttlMs: config.apiKeyCacheTtlMs,
    clock,
    // While changes from the others may be missed, every key is checked in the store.
    ...(redis === undefined ? {} : { current: () => sync?.current ?? false }),
  })
  function revoked(revocation: RevocationRecord): void {
    tokens.revocations.apply(revocation)
    clientKeys.revoked(revocation)
  }
  if (redis !== undefined) {
    sync = new InstanceSync({
      signals: redis.signals,
      // Revocations from every instance reach the key cache too, and a reload empties it.
      tokens: {
        revocations: { apply: revoked },
        reloadRevocations: () => {
          clientKeys.clear()
          return tokens.reloadRevocations()
        },
      },
      keys,
      tenants,
      resyncMs: config.redis?.resyncMs ?? 60_000,
      ...(deps.onSyncState === undefined ? {} : { onStateChange: deps.onSyncState }),
    })
    await sync.start()
  }
  const close = async () => {
    await sync?.close()
    await redis?.close()
    if (deps.storage === undefined) await opened.close()
  }
  return {
    storage,
    tenants,
    keys,
    accounts,
    tokens,
    audit,
    apiKeys,
    clientKeys,
    rateLimits,
    metrics,
    clock,
    sync,
    close,
  }
}

/**
 * Opens the configured database: a SQLite file, or a PostgreSQL pool whose size and wait are
 * bounded so that an exhausted pool answers 503 at once instead of queueing requests without end.
 *
 * @param config - the server configuration
 * @example
 * ```ts
 * const storage = await openStorage(loadConfig())
 * ```
 */
export async function openStorage(config: ServerConfig): Promise<Storage> {
  const { database, databasePool } = config
  if (database.kind === 'sqlite') {
    return createSqlStorage(openSqlite({ driver: Database, filename: database.filename }))
  }
  const pool = new pg.Pool({
    connectionString: database.url,
    max: databasePool.size,
    connectionTimeoutMillis: databasePool.acquireTimeoutMs,
    // A query that hangs on a dead connection must not hold a request forever.
    query_timeout: 30_000,
  })
  return createSqlStorage(openPostgres({ pool, prepare: databasePool.prepare }))
}

/** The Redis connections of one instance. */
interface RedisConnections {
  /** Commands: rate limits (which never wait for a connection) and PUBLISH. */
  commands: Redis
  signals: RedisSignals
  close(): Promise<void>
}

function connectRedis(config: RedisConfig): RedisConnections {
  const options = {
    // Reconnect for ever, at most a second apart: an instance recovers without a restart.
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1000),
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
  }
  // A publish made during a short reconnect waits in the offline queue and is delivered late.
  const commands = new Redis(config.url, options)
  const subscriber = new Redis(config.url, options)
  // ioredis emits 'error' on every failed connection attempt; the sync reports the outage.
  commands.on('error', () => {})
  subscriber.on('error', () => {})
  const signals = new RedisSignals({
    publisher: commands,
    subscriber,
    channel: `${config.prefix}changes`,
  })
  return {
    commands,
    signals,
    async close() {
      commands.disconnect()
      subscriber.disconnect()
    },
  }
}
