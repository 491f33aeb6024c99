import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer } from 'node:net'
import { after, before, describe, test } from 'node:test'
import { Redis } from 'ioredis'
import { RateLimitedError } from '../src/errors.js'
import {
  auditRateLimits,
  DEFAULT_RATE_LIMITS,
  RateLimits,
  type RateLimitFallback,
  type RateLimitHit,
  type RateLimitsOptions,
} from '../src/rate-limits.js'
import { events, givenTenant, setupAccounts, sqliteStorage } from './support.js'

test('the built-in profiles exist with defaults and can be overridden or added', () => {
  for (const name of [
    'loginPerIp',
    'loginPerAccount',
    'refreshPerSession',
    'validatePerClient',
    'adminApi',
  ]) {
    assert.ok(DEFAULT_RATE_LIMITS[name], name)
  }
  const limits = new RateLimits({
    profiles: { adminApi: { points: 7 }, export: { points: 1, duration: 60 } },
  })
  assert.deepEqual(limits.rule('adminApi'), { ...DEFAULT_RATE_LIMITS.adminApi, points: 7 })
  assert.equal(limits.rule('export').points, 1)
  assert.throws(() => limits.rule('nope'), { code: 'ERR_INVALID_INPUT' })
  for (const bad of [
    { points: 0 },
    { duration: -1 },
    { blockDuration: 1.5 },
    { points: Number.NaN },
  ]) {
    assert.throws(() => new RateLimits({ profiles: { adminApi: bad } }), {
      code: 'ERR_INVALID_INPUT',
    })
  }
  assert.throws(() => new RateLimits({ profiles: { custom: { points: 3 } } }), {
    code: 'ERR_INVALID_INPUT',
  })
})

// The same behaviour whether the counts live in this process or in Redis (shared by instances).
const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL
for (const store of ['memory', 'redis'] as const) {
  const skip = store === 'redis' && !REDIS_URL ? 'TESSERA_TEST_REDIS_URL is not set' : false
  describe(`rate limits in ${store}`, { skip }, () => {
    let client: Redis | undefined
    before(async () => {
      if (store === 'redis') {
        client = new Redis(REDIS_URL!)
        await client.ping() // until ready, the limits would count in memory
      }
    })
    after(() => client?.disconnect())
    // A fresh key prefix per RateLimits, so runs never share counts.
    const make = (options: RateLimitsOptions) =>
      new RateLimits({
        ...options,
        ...(client ? { redis: { client, keyPrefix: `tessera:test:${randomUUID()}:` } } : {}),
      })

    test('exceeding a limit is a typed error with the retry time; the hook hears it once', async () => {
      const hits: RateLimitHit[] = []
      const limits = make({
        profiles: { adminApi: { points: 2, duration: 60, blockDuration: 0 } },
        onLimited: (hit) => void hits.push(hit),
      })
      await limits.consume('adminApi', 't1', 'client-a')
      await limits.consume('adminApi', 't1', 'client-a')
      const err = await limits.consume('adminApi', 't1', 'client-a').catch((e: unknown) => e)
      assert.ok(err instanceof RateLimitedError)
      assert.equal(err.code, 'ERR_RATE_LIMITED')
      assert.equal(err.limit, 'adminApi')
      assert.ok(err.retryAfterMs > 0 && err.retryAfterMs <= 60_000, String(err.retryAfterMs))
      await assert.rejects(limits.consume('adminApi', 't1', 'client-a'), {
        code: 'ERR_RATE_LIMITED',
      })
      assert.equal(hits.length, 1)
      assert.deepEqual(
        [hits[0]!.profile, hits[0]!.tenantId, hits[0]!.key],
        ['adminApi', 't1', 'client-a'],
      )
      // Another key, and the same key in another tenant, have their own budgets.
      await limits.consume('adminApi', 't1', 'client-b')
      await limits.consume('adminApi', 't2', 'client-a')
      // reset forgets what a key spent.
      await limits.reset('adminApi', 't1', 'client-a')
      await limits.consume('adminApi', 't1', 'client-a')
    })

    test('blockDuration keeps a key refused after the window', async () => {
      const limits = make({
        profiles: { loginPerIp: { points: 1, duration: 1, blockDuration: 120 } },
      })
      await limits.consume('loginPerIp', 't', '203.0.113.1')
      const err = await limits.consume('loginPerIp', 't', '203.0.113.1').catch((e: unknown) => e)
      assert.ok(err instanceof RateLimitedError)
      assert.ok(err.retryAfterMs > 60_000, String(err.retryAfterMs))
    })

    test("a tenant's own rule replaces the profile's for that tenant only", async () => {
      const rules: Record<string, { points: number; duration: number }> = {
        strict: { points: 1, duration: 60 },
      }
      const limits = make({
        profiles: { adminApi: { points: 2, duration: 60 } },
        tenantRules: (tenantId) =>
          tenantId === 'strict' ? { adminApi: rules.strict! } : undefined,
      })
      await limits.consume('adminApi', 'strict', 'k')
      await assert.rejects(limits.consume('adminApi', 'strict', 'k'), { code: 'ERR_RATE_LIMITED' })
      await limits.consume('adminApi', 'other', 'k')
      await limits.consume('adminApi', 'other', 'k')
      await assert.rejects(limits.consume('adminApi', 'other', 'k'), { code: 'ERR_RATE_LIMITED' })
      // A changed rule counts afresh under its own window; reset clears the tenant's own counter.
      rules.strict = { points: 3, duration: 60 }
      await limits.consume('adminApi', 'strict', 'k')
      await limits.reset('adminApi', 'strict', 'k')
      for (let i = 0; i < 3; i++) await limits.consume('adminApi', 'strict', 'k')
      await assert.rejects(limits.consume('adminApi', 'strict', 'k'), { code: 'ERR_RATE_LIMITED' })
    })

    test('a failing hook does not hide the refusal', async () => {
      const limits = make({
        profiles: { adminApi: { points: 1, duration: 60 } },
        onLimited: () => {
          throw new Error('audit store down')
        },
      })
      await limits.consume('adminApi', 't', 'k')
      const err = await limits.consume('adminApi', 't', 'k').catch((e: unknown) => e)
      assert.ok(err instanceof RateLimitedError)
      assert.equal((err.cause as Error).message, 'audit store down')
    })
  })
}

test('auditRateLimits records rate_limit.exceeded as a warning, without typed logins', async (t) => {
  const { storage } = await sqliteStorage(t)
  const tenant = await givenTenant(storage)
  const limits = new RateLimits({
    profiles: {
      adminApi: { points: 1, duration: 60 },
      loginPerAccount: { points: 1, duration: 60 },
    },
    onLimited: auditRateLimits(storage, () => 1234),
  })
  for (const [profile, key] of [
    ['adminApi', 'client-7'],
    ['loginPerAccount', 'alice'],
  ] as const) {
    await limits.consume(profile, tenant.id, key, { ip: '198.51.100.4', userAgent: 'curl' })
    await assert.rejects(limits.consume(profile, tenant.id, key, { ip: '198.51.100.4' }))
  }
  const [admin, login] = await events(storage, tenant.id, 'rate_limit.exceeded')
  assert.equal(admin!.severity, 'warning')
  assert.equal(admin!.time, 1234)
  assert.equal(admin!.ip, '198.51.100.4')
  assert.equal(admin!.details.profile, 'adminApi')
  assert.equal(admin!.details.key, 'client-7')
  assert.ok((admin!.details.retryAfterMs as number) > 0)
  assert.equal(login!.details.profile, 'loginPerAccount')
  assert.equal('key' in login!.details, false)
})

test('login spends loginPerIp by IP and loginPerAccount by login, before any hashing', async (t) => {
  const setup = await setupAccounts(t, {
    rateLimits: new RateLimits({
      profiles: {
        loginPerIp: { points: 2, duration: 60 },
        loginPerAccount: { points: 2, duration: 60 },
      },
    }),
  })
  const { accounts, tenantId, hasher } = setup
  const password = 'correct horse battery'
  await accounts.createUser({ tenantId, username: 'alice', email: 'alice@example.test', password })
  const login = (name: string, ip: string) =>
    accounts.authenticate({ tenantId, login: name, password, ip })
  await login('alice', '192.0.2.1')
  await login('Alice@Example.test', '192.0.2.2') // the same account by its email
  hasher.verified.length = 0
  // The third try for the account is refused, whatever login names it, in whatever case, from
  // whatever IP.
  await assert.rejects(login('Alice', '192.0.2.3'), { code: 'ERR_RATE_LIMITED' })
  await login('bob', '192.0.2.1').catch(() => undefined)
  // The third try from one IP is refused, whatever the account.
  await assert.rejects(login('carol', '192.0.2.1'), { code: 'ERR_RATE_LIMITED' })
  assert.equal(hasher.verified.length, 1) // only bob's attempt reached argon2
})

test(
  'in Redis, instances spend one budget',
  { skip: REDIS_URL ? false : 'no Redis' },
  async (t) => {
    const client = new Redis(REDIS_URL!)
    const other = new Redis(REDIS_URL!)
    t.after(() => {
      client.disconnect()
      other.disconnect()
    })
    // Until a connection is ready the limits count in memory (the fallback): wait for both.
    await Promise.all([client.ping(), other.ping()])
    const keyPrefix = `tessera:test:${randomUUID()}:`
    const profiles = { loginPerAccount: { points: 5, duration: 60, blockDuration: 60 } }
    const a = new RateLimits({ profiles, redis: { client, keyPrefix } })
    const b = new RateLimits({ profiles, redis: { client: other, keyPrefix } })
    for (const limits of [a, b, a, b, a]) await limits.consume('loginPerAccount', 't', 'ada')
    await assert.rejects(b.consume('loginPerAccount', 't', 'ada'), { code: 'ERR_RATE_LIMITED' })
    await assert.rejects(a.consume('loginPerAccount', 't', 'ada'), { code: 'ERR_RATE_LIMITED' })
  },
)

/** A Redis client pointed at a port where nothing listens: never ready. */
async function unreachableRedis(): Promise<Redis> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  const client = new Redis({
    host: '127.0.0.1',
    port,
    retryStrategy: () => 1000,
    lazyConnect: true,
  })
  client.on('error', () => {})
  client.connect().catch(() => {})
  return client
}

test('with Redis unreachable, rate limits do what whenUnavailable says', async (t) => {
  const client = await unreachableRedis()
  t.after(() => client.disconnect())
  const profiles = { adminApi: { points: 2, duration: 60 } }
  const limits = (whenUnavailable: RateLimitFallback) =>
    new RateLimits({ profiles, redis: { client, whenUnavailable } })
  // memory: counted in this process until Redis is back.
  const memory = limits('memory')
  await memory.consume('adminApi', 't', 'k')
  await memory.consume('adminApi', 't', 'k')
  await assert.rejects(memory.consume('adminApi', 't', 'k'), { code: 'ERR_RATE_LIMITED' })
  // refuse: the request fails with a typed error, at once.
  await assert.rejects(limits('refuse').consume('adminApi', 't', 'k'), {
    code: 'ERR_STORE_UNAVAILABLE',
  })
  // allow: uncounted.
  const allow = limits('allow')
  for (let i = 0; i < 5; i++) await allow.consume('adminApi', 't', 'k')
})
