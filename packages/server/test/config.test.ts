import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { test } from 'node:test'
import { DEFAULT_TENANT_CONFIG, MasterKey } from '@tessera/tokens'
import { KNOWN_VARIABLES, LEGACY_NAMES } from '../src/config-legacy.js'
import { ConfigError, loadConfig } from '../src/config.js'

const KEY = MasterKey.generate()

function issues(env: Record<string, string>): Record<string, string> {
  try {
    loadConfig(env)
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    assert.equal(err.code, 'ERR_CONFIG')
    return Object.fromEntries(err.issues.map((i) => [i.variable, i.message]))
  }
  assert.fail('expected a ConfigError')
}

test('an empty environment gives the documented defaults, frozen', () => {
  const config = loadConfig({})
  assert.equal(config.host, '127.0.0.1')
  assert.equal(config.port, 8080)
  assert.equal(config.publicUrl, 'http://127.0.0.1:8080')
  assert.deepEqual(config.database, { kind: 'sqlite', filename: './tessera.db' })
  assert.equal(config.masterKey, undefined)
  assert.equal(config.production, false)
  assert.equal(config.tokens.accessTokenTtl, DEFAULT_TENANT_CONFIG.accessTokenTtl)
  assert.equal(config.tokens.refreshIdleTtl, 7 * 86400)
  assert.equal(config.lockout.maxLoginAttempts, 5)
  assert.equal(config.lockout.lockoutMinutes, 30)
  assert.equal(config.apiKeyCacheTtlMs, 30_000)
  assert.equal(config.passwordHashConcurrency, availableParallelism())
  assert.equal(config.rateLimits.enabled, true)
  assert.deepEqual(config.corsOrigins, [])
  assert.deepEqual(config.trustedProxies, [])
  assert.equal(config.logLevel, 'info')
  assert.equal(config.admin.username, 'admin')
  assert.ok(Object.isFrozen(config) && Object.isFrozen(config.tokens))
  assert.throws(() => {
    ;(config as { port: number }).port = 1
  }, TypeError)
})

test('every variable is read, with durations, rates and lists', () => {
  const config = loadConfig({
    TESSERA_HOST: '0.0.0.0',
    TESSERA_PORT: '9000',
    TESSERA_DATABASE_URL: 'sqlite:///var/lib/tessera/t.db',
    TESSERA_MASTER_KEY: KEY,
    TESSERA_ACCESS_TOKEN_TTL: '5m',
    TESSERA_REFRESH_TOKEN_TTL: '2d',
    TESSERA_SESSION_MAX_AGE: '90d',
    TESSERA_REUSE_GRACE: '10s',
    TESSERA_SIGNING_ALGORITHM: 'EdDSA',
    TESSERA_AUDIENCE: 'api',
    TESSERA_MAX_LOGIN_ATTEMPTS: '3',
    TESSERA_LOCKOUT_DURATION: '1h',
    TESSERA_RATE_LIMITS: 'on',
    TESSERA_RATE_LIMIT_LOGIN_PER_IP: '50/10m',
    TESSERA_CORS_ORIGINS: 'https://app.example.com, http://localhost:3000',
    TESSERA_TRUSTED_PROXIES: '10.0.0.0/8, loopback, ::1',
    TESSERA_LOG_LEVEL: 'DEBUG',
    TESSERA_PUBLIC_URL: 'https://id.example.com/',
  })
  assert.equal(config.port, 9000)
  assert.equal(config.publicUrl, 'https://id.example.com')
  assert.deepEqual(config.database, { kind: 'sqlite', filename: '/var/lib/tessera/t.db' })
  assert.equal(config.masterKey, KEY)
  assert.deepEqual(config.tokens, {
    accessTokenTtl: 300,
    refreshIdleTtl: 2 * 86400,
    sessionAbsoluteTtl: 90 * 86400,
    reuseGraceSeconds: 10,
    signingAlgorithm: 'EdDSA',
    audience: 'api',
  })
  assert.deepEqual(config.lockout, { maxLoginAttempts: 3, lockoutMinutes: 60 })
  assert.deepEqual(config.rateLimits.profiles, { loginPerIp: { points: 50, duration: 600 } })
  assert.deepEqual(config.corsOrigins, ['https://app.example.com', 'http://localhost:3000'])
  assert.deepEqual(config.trustedProxies, ['10.0.0.0/8', 'loopback', '::1'])
  assert.equal(config.logLevel, 'debug')
  assert.equal(loadConfig({ TESSERA_HOST: '0.0.0.0' }).publicUrl, 'http://localhost:8080')
})

test('every bad value is reported at once, naming its variable and never echoing it', () => {
  const found = issues({
    TESSERA_PORT: '99999',
    TESSERA_ACCESS_TOKEN_TTL: 'soon',
    TESSERA_LOCKOUT_DURATION: '90s',
    TESSERA_RATE_LIMIT_ADMIN: '10 per minute',
    TESSERA_CORS_ORIGINS: 'https://app.example.com/path',
    TESSERA_TRUSTED_PROXIES: '10.0.0.0/99',
    TESSERA_LOG_LEVEL: 'loud',
    TESSERA_MASTER_KEY: 'hunter2-not-a-key',
    TESSERA_PUBLIC_URL: 'ftp://x',
    TESSERA_SIGNING_ALGORITHM: 'none',
    TESSERA_RATE_LIMITS: 'maybe',
  })
  assert.deepEqual(Object.keys(found).sort(), [
    'TESSERA_ACCESS_TOKEN_TTL',
    'TESSERA_CORS_ORIGINS',
    'TESSERA_LOCKOUT_DURATION',
    'TESSERA_LOG_LEVEL',
    'TESSERA_MASTER_KEY',
    'TESSERA_PORT',
    'TESSERA_PUBLIC_URL',
    'TESSERA_RATE_LIMITS',
    'TESSERA_RATE_LIMIT_ADMIN',
    'TESSERA_SIGNING_ALGORITHM',
    'TESSERA_TRUSTED_PROXIES',
  ])
  assert.match(found.TESSERA_LOCKOUT_DURATION!, /whole number of minutes/)
  assert.doesNotMatch(JSON.stringify(found), /hunter2/)
  try {
    loadConfig({ TESSERA_PORT: 'x', TESSERA_MASTER_KEY: 'hunter2' })
  } catch (err) {
    assert.match((err as Error).message, /TESSERA_PORT must be an integer from 0 to 65535/)
    assert.doesNotMatch((err as Error).message, /hunter2/)
  }
})

test('PostgreSQL and Redis URLs switch the adapters; passwords are never echoed', () => {
  const config = loadConfig({
    TESSERA_DATABASE_URL: 'postgres://user:secret@db:5432/tessera',
    TESSERA_DATABASE_POOL_SIZE: '20',
    TESSERA_DATABASE_POOL_TIMEOUT: '500ms',
    TESSERA_DATABASE_PREPARE: 'false',
    TESSERA_REDIS_URL: 'redis://:secret@cache:6379',
    TESSERA_REVOCATIONS_FAIL_OPEN: 'yes',
    TESSERA_RATE_LIMIT_FALLBACK: 'refuse',
    TESSERA_RESYNC_INTERVAL: '30s',
    TESSERA_REDIS_PREFIX: 'acme:',
    TESSERA_MASTER_KEY: KEY,
  })
  assert.deepEqual(config.database, {
    kind: 'postgres',
    url: 'postgres://user:secret@db:5432/tessera',
    display: 'postgres://user:***@db:5432/tessera',
  })
  assert.deepEqual(config.databasePool, { size: 20, acquireTimeoutMs: 500, prepare: false })
  assert.deepEqual(config.redis, {
    url: 'redis://:secret@cache:6379',
    prefix: 'acme:',
    revocationsFailOpen: true,
    rateLimitFallback: 'refuse',
    resyncMs: 30_000,
  })
  // Defaults: fail closed, count in memory while Redis is down, a full reload every minute.
  const defaults = loadConfig({ TESSERA_REDIS_URL: 'redis://127.0.0.1:6379' })
  assert.deepEqual(defaults.redis, {
    url: 'redis://127.0.0.1:6379',
    prefix: 'tessera:',
    revocationsFailOpen: false,
    rateLimitFallback: 'memory',
    resyncMs: 60_000,
  })
  assert.equal(loadConfig({}).redis, undefined)
})

test('bad PostgreSQL and Redis settings are refused, naming the variable, echoing no secret', () => {
  const found = issues({
    TESSERA_DATABASE_URL: 'postgres://user:secret@db/tessera',
    TESSERA_REDIS_URL: 'http://:secret@cache:6379',
    TESSERA_DATABASE_POOL_SIZE: '0',
  })
  // Instances must share the master key: no key file beside a database server.
  assert.match(found.TESSERA_MASTER_KEY!, /required with PostgreSQL/)
  assert.match(found.TESSERA_REDIS_URL!, /redis:\/\//)
  assert.match(found.TESSERA_DATABASE_POOL_SIZE!, /1/)
  assert.doesNotMatch(JSON.stringify(found), /secret/)
  const more = issues({ TESSERA_REDIS_URL: 'redis://x', TESSERA_RATE_LIMIT_FALLBACK: 'maybe' })
  assert.ok(more.TESSERA_RATE_LIMIT_FALLBACK)
  assert.match(issues({ TESSERA_DATABASE_URL: 'mysql://x/y' }).TESSERA_DATABASE_URL!, /mysql/)
})

test('database URLs: paths, sqlite: and file: forms, and :memory:', () => {
  const file = (url: string) => {
    const { database } = loadConfig({ TESSERA_DATABASE_URL: url })
    return database.kind === 'sqlite' ? database.filename : assert.fail('not SQLite')
  }
  assert.equal(file('./data/t.db'), './data/t.db')
  assert.equal(file('/abs/t.db'), '/abs/t.db')
  assert.equal(file('sqlite:t.db'), 't.db')
  assert.equal(file('file:./t.db'), './t.db')
  assert.equal(file(':memory:'), ':memory:')
  assert.equal(file('sqlite::memory:'), ':memory:')
})

test('in production the master key is required', () => {
  const found = issues({ NODE_ENV: 'production' })
  assert.match(found.TESSERA_MASTER_KEY!, /required in production/)
  const config = loadConfig({ NODE_ENV: 'production', TESSERA_MASTER_KEY: KEY })
  assert.equal(config.production, true)
})

test('the session lifetime may not be shorter than the access-token lifetime', () => {
  const found = issues({ TESSERA_ACCESS_TOKEN_TTL: '2h', TESSERA_SESSION_MAX_AGE: '1h' })
  assert.match(found.TESSERA_SESSION_MAX_AGE!, /TESSERA_ACCESS_TOKEN_TTL/)
})

test("the seeds' names are not read, and a warning says what to set instead", () => {
  const config = loadConfig({
    ACCESS_TOKEN_EXPIRE_MINUTES: '30',
    REFRESH_TOKEN_EXPIRE_DAYS: '14',
    MAX_LOGIN_ATTEMPTS: '3',
    LOCKOUT_DURATION_MINUTES: '15',
    REDIS_URL: 'redis://:secret@cache',
  })
  assert.equal(config.tokens.accessTokenTtl, 900, 'not applied')
  assert.deepEqual(config.warnings, [
    'ACCESS_TOKEN_EXPIRE_MINUTES is ignored; set TESSERA_ACCESS_TOKEN_TTL=30m instead',
    'REFRESH_TOKEN_EXPIRE_DAYS is ignored; set TESSERA_REFRESH_TOKEN_TTL=14d instead',
    'MAX_LOGIN_ATTEMPTS is ignored; set TESSERA_MAX_LOGIN_ATTEMPTS=3 instead',
    'LOCKOUT_DURATION_MINUTES is ignored; set TESSERA_LOCKOUT_DURATION=15m instead',
    'REDIS_URL is ignored; set TESSERA_REDIS_URL instead',
  ])
  const both = loadConfig({ ACCESS_TOKEN_EXPIRE_MINUTES: '30', TESSERA_ACCESS_TOKEN_TTL: '30m' })
  assert.deepEqual(both.warnings, [], 'no warning once the new name is set')
})

test('an unknown TESSERA_ variable (a typo) is warned about', () => {
  const config = loadConfig({ TESSERA_PROT: '80', TESSERA_TEST_PG_URL: 'x' })
  assert.deepEqual(config.warnings, ['TESSERA_PROT is not a setting the server reads'])
})

test('the README documents every variable and every name of the seeds', () => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  for (const name of KNOWN_VARIABLES) assert.ok(readme.includes(`| \`${name}\``), name)
  for (const { legacy, replacement } of LEGACY_NAMES) {
    assert.match(readme, new RegExp(`\\| \`${legacy}\` +\\| \`${replacement}\``), legacy)
  }
})

test('TESSERA_API_KEY_CACHE_TTL: 0 turns the API key cache off; more than 60s is refused', () => {
  assert.equal(loadConfig({ TESSERA_API_KEY_CACHE_TTL: '0' }).apiKeyCacheTtlMs, 0)
  assert.equal(loadConfig({ TESSERA_API_KEY_CACHE_TTL: '0s' }).apiKeyCacheTtlMs, 0)
  assert.equal(loadConfig({ TESSERA_API_KEY_CACHE_TTL: '500ms' }).apiKeyCacheTtlMs, 500)
  assert.equal(loadConfig({ TESSERA_API_KEY_CACHE_TTL: '1m' }).apiKeyCacheTtlMs, 60_000)
  assert.match(issues({ TESSERA_API_KEY_CACHE_TTL: '61s' }).TESSERA_API_KEY_CACHE_TTL!, /60s/)
  assert.ok(issues({ TESSERA_API_KEY_CACHE_TTL: 'soon' }).TESSERA_API_KEY_CACHE_TTL)
  assert.deepEqual(loadConfig({ TESSERA_API_KEY_CACHE_TTL: '10s' }).warnings, [])
})

test('TESSERA_PASSWORD_HASH_CONCURRENCY: a whole number of hashes at once, from 1', () => {
  assert.equal(loadConfig({ TESSERA_PASSWORD_HASH_CONCURRENCY: '3' }).passwordHashConcurrency, 3)
  assert.ok(issues({ TESSERA_PASSWORD_HASH_CONCURRENCY: '0' }).TESSERA_PASSWORD_HASH_CONCURRENCY)
  assert.ok(issues({ TESSERA_PASSWORD_HASH_CONCURRENCY: 'many' }).TESSERA_PASSWORD_HASH_CONCURRENCY)
})

test('TESSERA_AUDIT_RETENTION: unset keeps events forever; at least a day', () => {
  assert.equal(loadConfig({}).auditRetentionMs, undefined)
  assert.equal(loadConfig({ TESSERA_AUDIT_RETENTION: '365d' }).auditRetentionMs, 365 * 86_400_000)
  assert.equal(loadConfig({ TESSERA_AUDIT_RETENTION: '24h' }).auditRetentionMs, 86_400_000)
  // Thirty seconds, not thirty days: refused rather than emptying the log.
  assert.match(issues({ TESSERA_AUDIT_RETENTION: '30' }).TESSERA_AUDIT_RETENTION!, /at least 1d/)
  assert.ok(issues({ TESSERA_AUDIT_RETENTION: 'a year' }).TESSERA_AUDIT_RETENTION)
  assert.deepEqual(loadConfig({ TESSERA_AUDIT_RETENTION: '90d' }).warnings, [])
})

test("every duration has a maximum: a timer's reach, or the library's bound", () => {
  // A Node.js timer waits at most 2^31 - 1 ms; a longer one fires at once (every 1 ms, for an
  // interval).
  const timers = ['TESSERA_RESYNC_INTERVAL', 'TESSERA_DATABASE_POOL_TIMEOUT']
  for (const variable of timers) {
    assert.match(issues({ [variable]: '25d' })[variable]!, /at most/, variable)
    assert.match(issues({ [variable]: '2147483648ms' })[variable]!, /at most/, variable)
  }
  const reach = loadConfig({
    TESSERA_REDIS_URL: 'redis://127.0.0.1:6379',
    TESSERA_RESYNC_INTERVAL: '2147483647ms',
    TESSERA_DATABASE_POOL_TIMEOUT: '24d',
  })
  assert.equal(reach.redis?.resyncMs, 2 ** 31 - 1)
  assert.equal(reach.databasePool.acquireTimeoutMs, 24 * 86_400_000)
  // A rate limit's window is a timer too (in memory).
  const rate = issues({ TESSERA_RATE_LIMIT_ADMIN: '10/25d' })
  assert.match(rate.TESSERA_RATE_LIMIT_ADMIN!, /at most/)
  // Lifetimes and the lockout: ten years at most, as @tessera/tokens takes them.
  const tenYears = loadConfig({
    TESSERA_ACCESS_TOKEN_TTL: '3650d',
    TESSERA_REFRESH_TOKEN_TTL: '3650d',
    TESSERA_SESSION_MAX_AGE: '3650d',
    TESSERA_REUSE_GRACE: '3650d',
    TESSERA_LOCKOUT_DURATION: '3650d',
  })
  assert.equal(tenYears.tokens.accessTokenTtl, 315_360_000)
  assert.equal(tenYears.lockout.lockoutMinutes, 5_256_000)
  const lifetimes = [
    'TESSERA_ACCESS_TOKEN_TTL',
    'TESSERA_REFRESH_TOKEN_TTL',
    'TESSERA_SESSION_MAX_AGE',
    'TESSERA_REUSE_GRACE',
    'TESSERA_LOCKOUT_DURATION',
  ]
  const found = issues(Object.fromEntries(lifetimes.map((variable) => [variable, '3651d'])))
  assert.deepEqual(Object.keys(found).sort(), [...lifetimes].sort())
  for (const variable of lifetimes) assert.match(found[variable]!, /at most 3650d/, variable)
  assert.match(issues({ TESSERA_AUDIT_RETENTION: '36501d' }).TESSERA_AUDIT_RETENTION!, /at most/)
})

test('the Redis settings are checked without Redis too; TESSERA_REUSE_GRACE may be 0', () => {
  const found = issues({
    TESSERA_RATE_LIMIT_FALLBACK: 'bogus',
    TESSERA_REVOCATIONS_FAIL_OPEN: 'maybe',
    TESSERA_RESYNC_INTERVAL: 'soon',
  })
  assert.deepEqual(Object.keys(found).sort(), [
    'TESSERA_RATE_LIMIT_FALLBACK',
    'TESSERA_RESYNC_INTERVAL',
    'TESSERA_REVOCATIONS_FAIL_OPEN',
  ])
  assert.equal(loadConfig({ TESSERA_RESYNC_INTERVAL: '30s' }).redis, undefined)
  // No grace: a refresh token used twice is reuse at once, as the library and the admin API allow.
  for (const text of ['0', '0s']) {
    assert.equal(loadConfig({ TESSERA_REUSE_GRACE: text }).tokens.reuseGraceSeconds, 0)
  }
  assert.ok(issues({ TESSERA_ACCESS_TOKEN_TTL: '0' }).TESSERA_ACCESS_TOKEN_TTL)
})
