// The names the seeds' deployments used, and TESSERA_ variables nobody reads. Neither is accepted as
// configuration: each gets a startup warning that says what to set instead. The seeds' names are not
// aliases because some are generic (REDIS_URL is injected by hosting platforms for other programs),
// and because one name per setting leaves no question of which wins.

/** A name the seeds used, the variable that replaces it, and how its value translates. */
export interface LegacyName {
  legacy: string
  replacement: string
  /** The replacement's value for a legacy value, when it can be written down without echoing it. */
  translate?: (value: string) => string | undefined
}

const integer = (suffix: string) => (value: string) =>
  /^\d+$/.test(value.trim()) ? `${value.trim()}${suffix}` : undefined

/** The seeds' names, in the order the README's table lists them. */
export const LEGACY_NAMES: readonly LegacyName[] = [
  {
    legacy: 'ACCESS_TOKEN_EXPIRE_MINUTES',
    replacement: 'TESSERA_ACCESS_TOKEN_TTL',
    translate: integer('m'),
  },
  {
    legacy: 'REFRESH_TOKEN_EXPIRE_DAYS',
    replacement: 'TESSERA_REFRESH_TOKEN_TTL',
    translate: integer('d'),
  },
  {
    legacy: 'MAX_LOGIN_ATTEMPTS',
    replacement: 'TESSERA_MAX_LOGIN_ATTEMPTS',
    translate: integer(''),
  },
  {
    legacy: 'LOCKOUT_DURATION_MINUTES',
    replacement: 'TESSERA_LOCKOUT_DURATION',
    translate: integer('m'),
  },
  // Never echoed: a Redis URL may hold a password.
  { legacy: 'REDIS_URL', replacement: 'TESSERA_REDIS_URL' },
]

/** Every TESSERA_ variable the server reads. */
export const KNOWN_VARIABLES: ReadonlySet<string> = new Set([
  'TESSERA_HOST',
  'TESSERA_PORT',
  'TESSERA_PUBLIC_URL',
  'TESSERA_DATABASE_URL',
  'TESSERA_MASTER_KEY',
  'TESSERA_ACCESS_TOKEN_TTL',
  'TESSERA_REFRESH_TOKEN_TTL',
  'TESSERA_SESSION_MAX_AGE',
  'TESSERA_REUSE_GRACE',
  'TESSERA_SIGNING_ALGORITHM',
  'TESSERA_AUDIENCE',
  'TESSERA_MAX_LOGIN_ATTEMPTS',
  'TESSERA_LOCKOUT_DURATION',
  'TESSERA_RATE_LIMITS',
  'TESSERA_RATE_LIMIT_LOGIN_PER_IP',
  'TESSERA_RATE_LIMIT_LOGIN_PER_ACCOUNT',
  'TESSERA_RATE_LIMIT_REFRESH_PER_SESSION',
  'TESSERA_RATE_LIMIT_VALIDATE_PER_CLIENT',
  'TESSERA_RATE_LIMIT_ADMIN',
  'TESSERA_CORS_ORIGINS',
  'TESSERA_TRUSTED_PROXIES',
  'TESSERA_LOG_LEVEL',
  'TESSERA_ADMIN_USERNAME',
  'TESSERA_ADMIN_PASSWORD',
  'TESSERA_REDIS_URL',
  'TESSERA_DATABASE_POOL_SIZE',
  'TESSERA_DATABASE_POOL_TIMEOUT',
  'TESSERA_DATABASE_PREPARE',
  'TESSERA_REVOCATIONS_FAIL_OPEN',
  'TESSERA_RATE_LIMIT_FALLBACK',
  'TESSERA_RESYNC_INTERVAL',
  'TESSERA_REDIS_PREFIX',
  'TESSERA_API_KEY_CACHE_TTL',
  'TESSERA_PASSWORD_HASH_CONCURRENCY',
  'TESSERA_AUDIT_RETENTION',
])

/**
 * A warning for each of the seeds' names that is set while its replacement is not.
 *
 * @param env - the environment
 * @example
 * ```ts
 * legacyWarnings({ ACCESS_TOKEN_EXPIRE_MINUTES: '30' })
 * // ['ACCESS_TOKEN_EXPIRE_MINUTES is ignored; set TESSERA_ACCESS_TOKEN_TTL=30m instead']
 * ```
 */
export function legacyWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  const warnings: string[] = []
  for (const { legacy, replacement, translate } of LEGACY_NAMES) {
    const value = env[legacy]
    if (value === undefined || value === '' || env[replacement] !== undefined) continue
    const translated = translate?.(value)
    const suggestion = translated === undefined ? replacement : `${replacement}=${translated}`
    warnings.push(`${legacy} is ignored; set ${suggestion} instead`)
  }
  return warnings
}

/**
 * A warning for each TESSERA_ variable the server does not read (most often a typo).
 *
 * @param env - the environment
 * @example
 * ```ts
 * unknownWarnings({ TESSERA_PROT: '80' }) // ['TESSERA_PROT is not a setting the server reads']
 * ```
 */
export function unknownWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith('TESSERA_') && !KNOWN_VARIABLES.has(name))
    .filter((name) => !name.startsWith('TESSERA_TEST_') && name !== 'TESSERA_VECTORS_DIR')
    .sort()
    .map((name) => `${name} is not a setting the server reads`)
}
