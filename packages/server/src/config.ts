// The environment, read once at startup into a validated, frozen object. Every problem is collected
// and reported together, each naming its variable; a value is never echoed (it may be a secret).
import { availableParallelism } from 'node:os'
import { SIGNATURE_ALGORITHMS } from '@tessera/jose'
import {
  DEFAULT_TENANT_CONFIG,
  MasterKey,
  MAX_SETTING_SECONDS,
  type RateLimitFallback,
} from '@tessera/tokens'
import {
  ConfigProblem,
  parseBoolean,
  parseChoice,
  parseDuration,
  parseExact,
  parseHttpUrl,
  parseInteger,
  parseRate,
  parseWholeDuration,
  MAX_TIMER_MS,
  type Rate,
} from './config-values.js'
import {
  parseDatabaseUrl,
  parseOrigins,
  parseProxies,
  parseRedisUrl,
  type DatabaseConfig,
} from './config-net.js'
import { legacyWarnings, unknownWarnings } from './config-legacy.js'

/** Pino's levels, and `silent`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

/** A log level. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** The rate-limit profiles the environment can set, by variable suffix. */
export const RATE_LIMIT_VARIABLES = {
  TESSERA_RATE_LIMIT_LOGIN_PER_IP: 'loginPerIp',
  TESSERA_RATE_LIMIT_LOGIN_PER_ACCOUNT: 'loginPerAccount',
  TESSERA_RATE_LIMIT_REFRESH_PER_SESSION: 'refreshPerSession',
  TESSERA_RATE_LIMIT_VALIDATE_PER_CLIENT: 'validatePerClient',
  TESSERA_RATE_LIMIT_ADMIN: 'adminApi',
} as const

/** The server's configuration. Times are seconds unless a name says otherwise. */
export interface ServerConfig {
  /** `NODE_ENV=production`: no generated master key, no development conveniences. */
  readonly production: boolean
  readonly host: string
  readonly port: number
  /** The URL clients reach the server at; the default tenant's issuer. No trailing slash. */
  readonly publicUrl: string
  readonly database: DatabaseConfig
  /** The PostgreSQL connection pool (unused with SQLite). */
  readonly databasePool: {
    readonly size: number
    /** How long a request waits for a free connection before it fails with 503, ms. */
    readonly acquireTimeoutMs: number
    /** Whether hot statements run as prepared statements (off behind some poolers). */
    readonly prepare: boolean
  }
  /** Redis, shared by every instance; undefined = this process alone (SQLite deployments). */
  readonly redis: RedisConfig | undefined
  /** `TESSERA_MASTER_KEY`, checked; undefined outside production means "use the key file". */
  readonly masterKey: string | undefined
  readonly tokens: {
    readonly accessTokenTtl: number
    readonly refreshIdleTtl: number
    readonly sessionAbsoluteTtl: number
    readonly reuseGraceSeconds: number
    readonly signingAlgorithm: string
    readonly audience: string
  }
  readonly lockout: { readonly maxLoginAttempts: number; readonly lockoutMinutes: number }
  /**
   * How long an API key the store accepted is accepted from memory, ms (0: every request reads
   * the store). The longest a revoked key can still work on an instance that does not hear of the
   * revocation (see ApiKeyCache).
   */
  readonly apiKeyCacheTtlMs: number
  /** How long audit events are kept, ms (pruned hourly); undefined keeps them forever. */
  readonly auditRetentionMs: number | undefined
  /** How many password hashes (argon2id) may be computed at once; one per CPU by default. */
  readonly passwordHashConcurrency: number
  readonly rateLimits: {
    readonly enabled: boolean
    /** Profiles the environment overrides; the others keep `@tessera/tokens`' defaults. */
    readonly profiles: Readonly<Record<string, Rate>>
  }
  /** Allowed CORS origins; empty = no CORS headers; `*` = any origin. */
  readonly corsOrigins: readonly string[]
  /** Proxies whose `X-Forwarded-For` is believed (IPs, CIDRs, or `loopback` and friends). */
  readonly trustedProxies: readonly string[]
  readonly logLevel: LogLevel
  readonly admin: { readonly username: string; readonly password: string | undefined }
  /** Things worth saying at startup (ignored legacy names, unknown TESSERA_ variables). */
  readonly warnings: readonly string[]
}

/** Redis: revocations and other changes between instances, and shared rate limits. */
export interface RedisConfig {
  /** The connection URL as given (it may hold a password: never log it). */
  readonly url: string
  /** Prefix of every key and channel, so deployments can share one Redis (default `tessera:`). */
  readonly prefix: string
  /**
   * While changes from other instances may be missed (Redis unreachable), validate anyway (true)
   * or refuse with 503 (false, the default: fail closed).
   */
  readonly revocationsFailOpen: boolean
  /** What rate limits do while Redis is unreachable. */
  readonly rateLimitFallback: RateLimitFallback
  /** A full reload of revocations, keys and tenants this often even when nothing seems lost, ms. */
  readonly resyncMs: number
}

/** How to make a master key (32 random bytes, base64url), for the messages that ask for one. */
const MASTER_KEY_HINT =
  "make one with `node -p \"require('node:crypto').randomBytes(32).toString('base64url')\"`"

/** One variable and what is wrong with it. */
export interface ConfigIssue {
  variable: string
  message: string
}

/** The configuration is invalid; `issues` names every variable at fault. */
export class ConfigError extends Error {
  readonly code = 'ERR_CONFIG'
  readonly issues: readonly ConfigIssue[]

  constructor(issues: readonly ConfigIssue[]) {
    super(`invalid configuration:\n${issues.map((i) => `  ${i.variable} ${i.message}`).join('\n')}`)
    this.name = 'ConfigError'
    this.issues = issues
  }
}

/**
 * Reads and checks the configuration from environment variables prefixed `TESSERA_`.
 *
 * @param env - the environment (`process.env` by default)
 * @returns a frozen configuration
 * @throws ConfigError naming every variable that is invalid
 * @example
 * ```ts
 * const config = loadConfig({ TESSERA_PORT: '9000', TESSERA_MASTER_KEY: MasterKey.generate() })
 * config.port // 9000
 * ```
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ServerConfig {
  const issues: ConfigIssue[] = []
  const read = <T>(variable: string, fallback: T, parse: (text: string) => T): T => {
    const text = env[variable]
    if (text === undefined || text.trim() === '') return fallback
    try {
      return parse(text)
    } catch (err) {
      if (!(err instanceof ConfigProblem)) throw err
      issues.push({ variable, message: err.message })
      return fallback
    }
  }
  // The library's bound on every lifetime it takes.
  const lifetime = { max: MAX_SETTING_SECONDS * 1000 }
  const seconds = (text: string) => parseWholeDuration(text, 1000, 'seconds', lifetime)
  const timer = (text: string) => parseDuration(text, { max: MAX_TIMER_MS })
  const production = env.NODE_ENV === 'production'
  const defaults = DEFAULT_TENANT_CONFIG
  const host = read('TESSERA_HOST', '127.0.0.1', (text) => text.trim())
  const port = read('TESSERA_PORT', 8080, (text) => parseInteger(text, 0, 65535))
  const wildcard = host === '0.0.0.0' || host === '::'
  const fallbackUrl = `http://${wildcard ? 'localhost' : host.includes(':') ? `[${host}]` : host}:${port}`
  const masterKey = read<string | undefined>('TESSERA_MASTER_KEY', undefined, checkMasterKey)
  // A key that is set but invalid has been reported already; only a missing one is reported here.
  if (production && (env.TESSERA_MASTER_KEY ?? '').trim() === '') {
    issues.push({
      variable: 'TESSERA_MASTER_KEY',
      message: `is required in production (NODE_ENV=production); ${MASTER_KEY_HINT}`,
    })
  }
  const database = read<DatabaseConfig>(
    'TESSERA_DATABASE_URL',
    { kind: 'sqlite', filename: './tessera.db' },
    parseDatabaseUrl,
  )
  // Every instance must decrypt the same signing keys; a key file beside a server is no use.
  if (database.kind === 'postgres' && !production && (env.TESSERA_MASTER_KEY ?? '').trim() === '') {
    issues.push({
      variable: 'TESSERA_MASTER_KEY',
      message: `is required with PostgreSQL (every instance needs the same one); ${MASTER_KEY_HINT}`,
    })
  }
  const redisUrl = read<string | undefined>('TESSERA_REDIS_URL', undefined, parseRedisUrl)
  // Checked with Redis or without, so that a mistake shows before Redis is added.
  const redisSettings = {
    prefix: read('TESSERA_REDIS_PREFIX', 'tessera:', (text) => text.trim()),
    revocationsFailOpen: read('TESSERA_REVOCATIONS_FAIL_OPEN', false, parseBoolean),
    rateLimitFallback: read<RateLimitFallback>('TESSERA_RATE_LIMIT_FALLBACK', 'memory', (text) =>
      parseChoice(text, ['memory', 'refuse', 'allow'] as const),
    ),
    resyncMs: read('TESSERA_RESYNC_INTERVAL', 60_000, timer),
  }
  const profiles: Record<string, Rate> = {}
  for (const [variable, profile] of Object.entries(RATE_LIMIT_VARIABLES)) {
    const rate = read<Rate | undefined>(variable, undefined, parseRate)
    if (rate !== undefined) profiles[profile] = rate
  }
  const config: ServerConfig = {
    production,
    host,
    port,
    publicUrl: read('TESSERA_PUBLIC_URL', fallbackUrl, parseHttpUrl),
    database,
    databasePool: {
      size: read('TESSERA_DATABASE_POOL_SIZE', 10, (text) => parseInteger(text, 1, 1000)),
      acquireTimeoutMs: read('TESSERA_DATABASE_POOL_TIMEOUT', 2000, timer),
      prepare: read('TESSERA_DATABASE_PREPARE', true, parseBoolean),
    },
    redis: redisUrl === undefined ? undefined : { url: redisUrl, ...redisSettings },
    masterKey,
    tokens: {
      accessTokenTtl: read('TESSERA_ACCESS_TOKEN_TTL', defaults.accessTokenTtl, seconds),
      refreshIdleTtl: read('TESSERA_REFRESH_TOKEN_TTL', defaults.refreshIdleTtl, seconds),
      sessionAbsoluteTtl: read('TESSERA_SESSION_MAX_AGE', defaults.sessionAbsoluteTtl, seconds),
      // 0: a refresh token used twice is reuse at once.
      reuseGraceSeconds: read('TESSERA_REUSE_GRACE', defaults.reuseGraceSeconds, (text) =>
        parseWholeDuration(text, 1000, 'seconds', { ...lifetime, zero: true }),
      ),
      signingAlgorithm: read('TESSERA_SIGNING_ALGORITHM', defaults.signingAlgorithm, (text) =>
        parseExact(text.trim(), SIGNATURE_ALGORITHMS),
      ),
      audience: read('TESSERA_AUDIENCE', defaults.audience, (text) => text.trim()),
    },
    lockout: {
      maxLoginAttempts: read('TESSERA_MAX_LOGIN_ATTEMPTS', defaults.maxLoginAttempts, (text) =>
        parseInteger(text, 1, 1000),
      ),
      lockoutMinutes: read('TESSERA_LOCKOUT_DURATION', defaults.lockoutMinutes, (text) =>
        parseWholeDuration(text, 60_000, 'minutes', lifetime),
      ),
    },
    apiKeyCacheTtlMs: read('TESSERA_API_KEY_CACHE_TTL', 30_000, parseCacheTtl),
    auditRetentionMs: read<number | undefined>(
      'TESSERA_AUDIT_RETENTION',
      undefined,
      parseRetention,
    ),
    passwordHashConcurrency: read(
      'TESSERA_PASSWORD_HASH_CONCURRENCY',
      availableParallelism(),
      (text) => parseInteger(text, 1, 1024),
    ),
    rateLimits: { enabled: read('TESSERA_RATE_LIMITS', true, parseBoolean), profiles },
    corsOrigins: read('TESSERA_CORS_ORIGINS', [], parseOrigins),
    trustedProxies: read('TESSERA_TRUSTED_PROXIES', [], parseProxies),
    logLevel: read<LogLevel>('TESSERA_LOG_LEVEL', 'info', (text) => parseChoice(text, LOG_LEVELS)),
    admin: {
      username: read('TESSERA_ADMIN_USERNAME', 'admin', (text) => text.trim()),
      password: read<string | undefined>('TESSERA_ADMIN_PASSWORD', undefined, (text) => text),
    },
    warnings: [...legacyWarnings(env), ...unknownWarnings(env)],
  }
  if (config.tokens.sessionAbsoluteTtl < config.tokens.accessTokenTtl) {
    issues.push({
      variable: 'TESSERA_SESSION_MAX_AGE',
      message: 'must be at least TESSERA_ACCESS_TOKEN_TTL',
    })
  }
  if (issues.length > 0) throw new ConfigError(issues)
  return deepFreeze(config)
}

/** The longest an instance may accept an API key from memory: a bound on a missed revocation. */
const MAX_API_KEY_CACHE_TTL_MS = 60_000

function parseCacheTtl(text: string): number {
  if (/^0+(ms|s|m|h|d)?$/.test(text.trim())) return 0
  const ms = parseDuration(text)
  if (ms > MAX_API_KEY_CACHE_TTL_MS) throw new ConfigProblem('must be at most 60s (0: off)')
  return ms
}

// An audit log kept for less than a day is almost surely a typo (`30` is thirty seconds); one kept
// for more than a century is one kept forever, which is what leaving it unset says.
const MIN_AUDIT_RETENTION_MS = 86_400_000
const MAX_AUDIT_RETENTION_MS = 36_500 * 86_400_000

function parseRetention(text: string): number {
  const ms = parseDuration(text, { max: MAX_AUDIT_RETENTION_MS })
  if (ms < MIN_AUDIT_RETENTION_MS) {
    throw new ConfigProblem('must be at least 1d (unset: keep audit events forever)')
  }
  return ms
}

function checkMasterKey(text: string): string {
  try {
    new MasterKey(text)
  } catch {
    throw new ConfigProblem('must be 32 random bytes in base64url (43 characters)')
  }
  return text
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value)
    for (const inner of Object.values(value)) deepFreeze(inner)
  }
  return value
}
